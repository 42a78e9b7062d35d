// The dashboard has one refund confirmation for all its Refund buttons: as
// it opens, it takes the order's refund address and details from the
// button that opened it (Bootstrap's "varying modal content"), so the
// cached sales table carries no form and no CSRF token. Each
// [data-refund-fill] slot names the button's data attribute it shows.
const refundModal = document.getElementById("refund-modal");
if (refundModal) {
  refundModal.addEventListener("show.bs.modal", (event) => {
    const button = event.relatedTarget;
    refundModal.querySelector("form").action = button.dataset.refundUrl;
    for (const slot of refundModal.querySelectorAll("[data-refund-fill]")) {
      slot.textContent = button.dataset[slot.dataset.refundFill];
    }
  });
}
