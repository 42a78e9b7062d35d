import logging
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from products.decorators import catalog_cached
from products.models import Product

from .forms import CheckoutForm, TestPaymentForm
from .models import LibraryVersion, Order, owned_order_id
from .payments import (
    PaymentError,
    close_unpaid,
    construct_webhook_event,
    get_provider,
    handle_webhook_event,
)

logger = logging.getLogger(__name__)

ORDERS_PER_PAGE = 24


def see_other(to, **kwargs):
    """A redirect after a POST that the browser follows with a GET (303)."""
    response = redirect(to, **kwargs)
    response.status_code = 303
    return response


def _checkout_refusal(request, product):
    """Where to send a buyer who cannot buy this product, with why; None if they can."""
    if product.store.owner_id == request.user.pk:
        messages.info(request, "This is your own product, so there is nothing to buy.")
        return redirect(product)
    owned = owned_order_id(request.user, product.pk)
    if owned:
        messages.info(request, "You already own this.")
        return redirect("orders:detail", public_id=owned)
    # Archived, perhaps between the checkout page and its POST.
    if product.is_archived:
        messages.info(request, "This product is no longer for sale.")
        return redirect(product.store)
    if not product.file:
        messages.info(request, "This product is not available yet.")
        return redirect(product)
    return None


def _product(pk):
    return get_object_or_404(Product.objects.select_related("store"), pk=pk)


@login_required
def checkout(request, pk):
    # Money is taken on the database's word; the offer page may use the cache's.
    if request.method == "POST":
        product = _product(pk)
    else:
        product = catalog_cached(request, f"product:{pk}", partial(_product, pk))
    refusal = _checkout_refusal(request, product)
    if refusal:
        return refusal
    blank = False
    if request.method == "POST":
        # "Apply" shows the code's price; the main button pays.
        paying = "apply" not in request.POST
        if paying:
            closing_refusal = _close_earlier_checkouts(request, product)
            if closing_refusal:
                return closing_refusal
        form = CheckoutForm(product, request.POST)
        if form.is_valid():
            if not paying:
                form = form.previewed()
            else:
                response = _start_payment(request, product, form)
                if response:
                    return response
    elif request.GET.get("code"):
        # A creator's shared link (?code=…) shows its price at once.
        form = CheckoutForm(product, {"code": request.GET["code"]})
        if form.is_valid():
            form = form.previewed()
    else:
        # The same blank form for every buyer: the page takes it from the
        # cache, and makes it only when the cache has none.
        form = SimpleLazyObject(partial(CheckoutForm, product))
        blank = True
    return render(
        request, "orders/checkout.html", {"product": product, "form": form, "blank": blank}
    )


def _close_earlier_checkouts(request, product):
    """Close the buyer's unpaid orders of this product (a checkout left open
    in another tab, or before the back button), so that only the new one can
    be paid, and its discount code's use is free again. A response if one
    turned out paid, or its provider could not be asked; None otherwise."""
    for pending in Order.objects.for_buyer(request.user).filter(
        product=product, status=Order.Status.PENDING
    ):
        try:
            if not close_unpaid(pending):
                messages.info(request, "You already own this.")
                return see_other(pending)
        except PaymentError:
            messages.error(request, "We could not start the payment, try again.")
            return see_other("orders:checkout", pk=product.pk)
    return None


def _start_payment(request, product, form):
    """Make the order and send the buyer to pay it; None, with an error on
    the form, if the code's last use went to someone else meanwhile."""
    free = form.amount_cents == 0
    provider = get_provider(Order.Provider.FREE if free else None)
    code = form.discount_code
    with transaction.atomic():
        if code and not code.take_use():
            form.add_error("code", "This code has just been used up.")
            return None
        order = Order.objects.create_for(
            request.user,
            product,
            provider.name,
            amount_cents=form.amount_cents,
            discount_code=code,
            amount_before_discount_cents=product.price_cents if code else None,
        )
        if free:
            order.mark_paid()
    if free:
        messages.success(request, "It's yours: download it below.")
        return see_other(order)
    try:
        payment_url = provider.start(order, request)
    except PaymentError:
        # Gives the code's use back.
        order.mark_failed()
        messages.error(request, "We could not start the payment, try again.")
        return see_other("orders:checkout", pk=product.pk)
    return see_other(payment_url)


@login_required
def detail(request, public_id):
    # Someone else's order is a 404, like an unknown one.
    order = get_object_or_404(
        Order.objects.for_buyer(request.user).select_related("product", "discount_code"),
        public_id=public_id,
    )
    if order.status == Order.Status.PENDING:
        get_provider(order.provider).confirm(order)
    return render(request, "orders/detail.html", {"order": order})


@login_required
@cache_control(private=True, no_store=True)
def download(request, public_id):
    order = get_object_or_404(
        Order.objects.paid().for_buyer(request.user).select_related("product"),
        public_id=public_id,
    )
    product = order.product
    if not product.file:
        raise Http404("This product has no file.")
    if settings.PRIVATE_STORAGE_PRESIGNED:
        # Object storage sends the bytes, through a link this server signs
        # that expires within minutes; the link also sets the file's name.
        return redirect(
            product.file.storage.url(
                product.file.name,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(
                        True, product.download_name
                    )
                },
            )
        )
    if settings.PRIVATE_X_ACCEL_PREFIX:
        # nginx sends the bytes from its `internal` location; the header is
        # a URI, so a name that is not ASCII is percent-encoded.
        response = HttpResponse()
        response["X-Accel-Redirect"] = escape_uri_path(
            settings.PRIVATE_X_ACCEL_PREFIX + product.file.name
        )
        response["Content-Type"] = ""
        response["Content-Disposition"] = content_disposition_header(True, product.download_name)
    else:
        response = FileResponse(
            product.file.open("rb"), as_attachment=True, filename=product.download_name
        )
    # SecurityMiddleware adds X-Content-Type-Options: nosniff to every answer.
    return response


@login_required
def library(request):
    # The page (its queryset too) is made only when its fragment is not in the cache.
    page_obj = SimpleLazyObject(
        lambda: Paginator(
            Order.objects.for_buyer(request.user).for_library(), ORDERS_PER_PAGE
        ).get_page(request.GET.get("page"))
    )
    return render(
        request,
        "orders/library.html",
        {"page_obj": page_obj, "library_version": LibraryVersion.current(request.user.pk)},
    )


@login_required
def test_payment(request, public_id):
    if settings.PAYMENT_PROVIDER != Order.Provider.TEST:
        raise Http404("The test provider is off.")
    order = get_object_or_404(
        Order.objects.for_buyer(request.user).filter(provider=Order.Provider.TEST),
        public_id=public_id,
    )
    if order.status != Order.Status.PENDING:
        # Paid, declined or canceled already: a second click changes nothing.
        return see_other(order)
    if request.method == "POST":
        form = TestPaymentForm(request.POST)
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            if outcome == "pay":
                order.mark_paid()
            elif outcome == "decline":
                order.mark_failed()
            else:
                order.mark_canceled()
            return see_other(order)
    else:
        form = TestPaymentForm()
    return render(request, "orders/test_payment.html", {"order": order, "form": form})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = construct_webhook_event(request.body, request.headers.get("Stripe-Signature"))
    except ValueError as error:
        logger.warning("Rejected a Stripe webhook: %s", error)
        return HttpResponseBadRequest("Bad signature or payload.")
    handle_webhook_event(event)
    return HttpResponse(status=200)
