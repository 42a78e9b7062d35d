"""A creator runs their business in a real browser: the dashboard, a refund,
the sales CSV and a discount code that another account then buys with."""

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import UserFactory
from e2e.pages import DESKTOP, PHONE, account_menu, expect_fits_width, field, log_in, log_out
from orders.factories import OrderFactory
from orders.models import DiscountCode, Order
from products.factories import ProductFactory

pytestmark = pytest.mark.e2e

# Screenshots for a person to look at; tests pass or fail on their own.
SHOTS = Path("/tmp/e2e-shots")


def shoot(page, name, full_page=True):
    """A screenshot; of the viewport only with a modal open (a full-page one
    draws the fixed backdrop where the page was scrolled to, not over it all)."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)


def totals_row(page, label):
    """The cells of one row ("Last 30 days", "All time") of the totals table."""
    row = page.locator(".dashboard-totals tr").filter(has=page.get_by_role("rowheader", name=label))
    return row.get_by_role("cell")


def sale_row(page, email):
    return page.get_by_role("region", name="Recent sales").get_by_role("row").filter(has_text=email)


def test_creator_refunds_exports_and_shares_a_code_that_a_buyer_uses(page, mailoutbox):
    product = ProductFactory(
        name="Soup recipes",
        store__name="Soup Kitchen",
        store__owner__email="chef@example.com",
        price_cents=500,
        file=ContentFile(b"Grandma's soup\n", name="recipes.txt"),
        file_name="recipes.txt",
    )
    store = product.store
    yesterday = timezone.now() - datetime.timedelta(days=1)
    OrderFactory(product=product, buyer__email="ann@example.com", paid=True, paid_at=yesterday)
    OrderFactory(product=product, buyer__email="bob@example.com", paid=True)
    OrderFactory(product=product, buyer__email="cat@example.com")  # pending: no sale
    friend = UserFactory(email="dana@example.com")
    # Bootstrap then opens its modal without the fade, so a screenshot shows
    # it as the creator sees it, not half-way in.
    page.emulate_media(reduced_motion="reduce")

    # The dashboard is one click away, in the account menu.
    log_in(page, "chef@example.com")
    account_menu(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard: Soup Kitchen")).to_be_visible()
    expect(totals_row(page, "All time")).to_have_text(["2", "$10.00", "$0.00", "$10.00"])
    expect(totals_row(page, "Last 30 days")).to_have_text(["2", "$10.00", "$0.00", "$10.00"])

    # The chart: a bar for each of 30 days, two of them with a sale.
    chart = page.locator("svg.revenue-chart")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.chart-bar")
    expect(bars).to_have_count(30)
    heights = bars.evaluate_all("bars => bars.map(bar => bar.getBBox().height)")
    assert [height > 0 for height in heights] == [False] * 28 + [True, True]
    expect(bars.last.locator("title")).to_have_text(re.compile(r": \$5\.00 from 1 sale$"))
    expect(chart.locator("text.chart-label").filter(has_text="$0")).to_have_count(1)
    shoot(page, "dashboard-1280")

    # Refund Ann's sale, after the confirmation.
    sale_row(page, "ann@example.com").get_by_role("button", name="Refund").click()
    dialog = page.get_by_role("dialog", name="Refund $5.00?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("ann@example.com gets $5.00 back for Soup recipes")
    shoot(page, "dashboard-refund-modal-1280", full_page=False)
    dialog.get_by_role("button", name="Keep the sale").click()
    expect(dialog).to_be_hidden()
    assert Order.objects.get(email="ann@example.com").status == Order.Status.PAID

    sale_row(page, "ann@example.com").get_by_role("button", name="Refund").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Refund $5.00").click()
    expect(page.get_by_text("Refunded $5.00 to ann@example.com.")).to_be_visible()
    expect(sale_row(page, "ann@example.com")).to_contain_text("Refunded")
    expect(sale_row(page, "ann@example.com").get_by_role("button", name="Refund")).to_have_count(0)
    expect(sale_row(page, "bob@example.com")).to_contain_text("Paid")
    expect(totals_row(page, "All time")).to_have_text(["2", "$10.00", "$5.00", "$5.00"])
    assert [message.to for message in mailoutbox if "refund" in message.subject.lower()] == [
        ["ann@example.com"]
    ]

    # The CSV has both sales, the refunded one marked.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download sales (CSV)").click()
    download = download_info.value
    today = timezone.now().astimezone(datetime.UTC).date().isoformat()
    assert download.suggested_filename == f"yumroad-sales-{store.slug}-{today}.csv"
    with open(download.path(), newline="", encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert [(row["buyer"], row["product"], row["amount"], row["status"]) for row in rows] == [
        ("ann@example.com", "Soup recipes", "5.00", "refunded"),
        ("bob@example.com", "Soup recipes", "5.00", "paid"),
    ]

    # The same page on a phone, with the confirmation open.
    page.set_viewport_size(PHONE)
    page.reload()
    shoot(page, "dashboard-375")
    sale_row(page, "bob@example.com").get_by_role("button", name="Refund").click()
    phone_dialog = page.get_by_role("dialog", name="Refund $5.00?")
    expect(phone_dialog).to_be_visible()
    expect(phone_dialog.get_by_role("button", name="Refund $5.00")).to_be_in_viewport()
    shoot(page, "dashboard-refund-modal-375", full_page=False)
    phone_dialog.get_by_role("button", name="Close").click()
    expect(phone_dialog).to_be_hidden()
    page.set_viewport_size(DESKTOP)

    # A 20% code, typed in lower case.
    page.get_by_role("link", name="Discount codes").click()
    expect(page.get_by_role("heading", name="Discount codes", exact=True)).to_be_visible()
    field(page, "Code").fill("friends20")
    field(page, "Percent off").fill("20")
    page.get_by_role("button", name="Add code").click()
    expect(page.get_by_text("Code FRIENDS20 added.")).to_be_visible()
    code_row = page.get_by_role("row").filter(has_text="FRIENDS20")
    expect(code_row).to_contain_text("20% off")
    expect(code_row).to_contain_text("All products")
    code = DiscountCode.objects.get()
    assert (code.store, code.code, code.percent_off) == (store, "FRIENDS20", 20)
    log_out(page)

    # A friend opens the shared link and pays the discounted price.
    log_in(page, friend.email)
    page.goto(reverse("orders:checkout", args=[product.pk]) + "?code=FRIENDS20")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_text("Code FRIENDS20: 20% off.")).to_be_visible()
    expect(field(page, "Discount code")).to_have_value("FRIENDS20")
    expect(page.locator(".checkout-price")).to_contain_text("$4.00")
    expect(page.locator(".checkout-price s")).to_have_text("$5.00")
    shoot(page, "checkout-code-1280")
    page.set_viewport_size(PHONE)
    shoot(page, "checkout-code-375")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Pay $4.00").click()

    expect(page.get_by_role("heading", name="Test payment")).to_be_visible()
    page.get_by_role("button", name="Pay $4.00").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_text("$4.00")).to_be_visible()
    order = Order.objects.get(buyer=friend)
    assert (order.status, order.amount_cents, order.amount_before_discount_cents) == (
        Order.Status.PAID,
        400,
        500,
    )
    assert order.discount_code == code
    code.refresh_from_db()
    assert code.uses == 1


def creator_with_sales():
    """A creator whose store sold on a few of the last 30 days, and has a code."""
    product = ProductFactory(
        name="Field recordings from a long walk along the northern coast",
        store__name="The Very Long Named Sound Archive of Coastal Walks",
        store__owner__email="chef@example.com",
        price_cents=123_450,
    )
    now = timezone.now()
    for days_ago in (0, 1, 2, 9, 29):
        OrderFactory(
            product=product,
            buyer__email=f"a-rather-long-buyer-address-{days_ago}@example.com",
            paid=True,
            paid_at=now - datetime.timedelta(days=days_ago),
        )
    DiscountCode.objects.create(store=product.store, code="WINTER-SALE-2026", amount_off_cents=250)
    return product.store.owner


@pytest.mark.parametrize("url", [reverse("dashboard:index"), reverse("dashboard:codes")])
def test_creator_pages_fit_a_phone(page, url):
    log_in(page, creator_with_sales().email)
    page.set_viewport_size(PHONE)

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, f"{url.strip('/').replace('/', '-')}-busy-375")
    expect_fits_width(page)


def test_on_a_phone_the_recent_sales_fit_with_their_refund_buttons(page):
    log_in(page, creator_with_sales().email)
    page.set_viewport_size(PHONE)

    page.goto(reverse("dashboard:index"))

    sales = page.get_by_role("region", name="Recent sales")
    widths = sales.get_by_role("table").evaluate(
        "(table) => ({table: table.scrollWidth, frame: table.parentElement.clientWidth})"
    )
    assert widths["table"] <= widths["frame"], f"the recent sales scroll sideways: {widths}"
    refunds = sales.get_by_role("button", name="Refund")
    expect(refunds).to_have_count(5)
    for refund in refunds.all():
        # Within the screen's width (the page scrolls down to it).
        box = refund.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], box
    expect(sale_row(page, "a-rather-long-buyer-address-9@example.com")).to_be_visible()


def test_revenue_chart_labels_do_not_overlap(page):
    log_in(page, creator_with_sales().email)

    page.goto(reverse("dashboard:index"))
    shoot(page, "dashboard-busy-1280")

    labels = page.locator("svg.revenue-chart text.chart-label")
    boxes = labels.evaluate_all(
        """labels => labels.map(label => {
            const box = label.getBoundingClientRect();
            return {text: label.textContent, left: box.left, right: box.right,
                    top: box.top, bottom: box.bottom};
        })"""
    )
    assert len(boxes) >= 5 + 5  # the dollar ticks and some dates
    overlapping = [
        (one["text"], other["text"])
        for number, one in enumerate(boxes)
        for other in boxes[number + 1 :]
        if one["left"] < other["right"]
        and other["left"] < one["right"]
        and one["top"] < other["bottom"]
        and other["top"] < one["bottom"]
    ]
    assert overlapping == []


def test_on_a_phone_the_revenue_chart_opens_on_the_latest_days(page):
    page.set_viewport_size(PHONE)
    log_in(page, creator_with_sales().email)

    page.goto(reverse("dashboard:index"))

    frame = page.locator(".revenue-chart-frame")
    # The frame scrolls (the chart keeps a readable width) and starts at its end.
    assert frame.evaluate("frame => frame.scrollWidth > frame.clientWidth")
    assert frame.evaluate("frame => frame.scrollLeft + frame.clientWidth >= frame.scrollWidth - 1")
