"""Refunds through the order's provider (`orders.payments.refund`): the
money goes back, then the purchase ends once, with one email to the buyer.

The dashboard's Refund button, which calls this, is tested with the
dashboard; the refund email's wording in test_tasks.py.
"""

from urllib.parse import parse_qs

import pytest
import requests
from django.core import mail
from django.urls import reverse

from orders.factories import OrderFactory
from orders.models import Order
from orders.payments import PaymentError, refund
from products.factories import ProductFactory

from .conftest import STRIPE_API_BASE

pytestmark = pytest.mark.django_db

Status = Order.Status
REFUNDS_URL = f"{STRIPE_API_BASE}/v1/refunds"


@pytest.fixture
def product(db):
    return ProductFactory(
        name="Cozy Icon Pack", price_cents=500, store__owner__email="maker@example.com"
    )


@pytest.fixture
def test_order(buyer, product):
    """An order paid on the test payment page."""
    return OrderFactory(buyer=buyer, product=product, paid=True)


@pytest.fixture
def stripe_order(buyer, product, stripe_settings):
    """An order paid through Stripe Checkout."""
    return OrderFactory(
        buyer=buyer,
        product=product,
        paid=True,
        provider=Order.Provider.STRIPE,
        checkout_session_id="cs_test_paid",
        payment_intent_id="pi_test_paid",
    )


def stripe_refund(**fields):
    """A Refund as Stripe's API answers with it."""
    return {
        "id": "re_test_1",
        "object": "refund",
        "amount": 500,
        "currency": "usd",
        "payment_intent": "pi_test_paid",
        "status": "succeeded",
        **fields,
    }


def refreshed(order):
    order.refresh_from_db()
    return order


def refund_emails():
    return [message for message in mail.outbox if message.subject.startswith("Your refund")]


def download_url(order):
    return reverse("orders:download", args=[order.public_id])


# The test provider (and free orders): nothing to send back


@pytest.mark.parametrize("provider", [Order.Provider.TEST, Order.Provider.FREE])
def test_a_test_or_free_order_is_refunded_at_once_without_asking_stripe(
    buyer, product, stripe_api, provider, django_capture_on_commit_callbacks
):
    # The site sells through Stripe now; the order's own provider refunds it.
    order = OrderFactory(buyer=buyer, product=product, paid=True, provider=provider)

    with django_capture_on_commit_callbacks(execute=True):
        assert refund(order) is True

    order = refreshed(order)
    assert order.status == Status.REFUNDED
    assert order.refunded_at is not None
    assert len(stripe_api.calls) == 0
    assert [message.to for message in refund_emails()] == [["buyer@example.com"]]


def test_a_refund_sends_the_buyer_one_email_in_text_and_html(
    test_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund(test_order)

    [message] = mail.outbox
    assert message.to == ["buyer@example.com"]
    assert message.subject == "Your refund for Cozy Icon Pack ($5.00)"
    assert "Amount refunded: $5.00" in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert refreshed(test_order).refund_notice_sent_at is not None


def test_the_refund_email_waits_for_the_commit(test_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        refund(test_order)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_refunded_order_can_no_longer_be_downloaded(buyer_client, test_order):
    assert buyer_client.get(download_url(test_order)).status_code == 200

    refund(test_order)

    assert buyer_client.get(download_url(test_order)).status_code == 404


# Stripe


def test_a_stripe_order_is_refunded_through_stripe_with_an_idempotency_key(
    stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.post(REFUNDS_URL, json=stripe_refund())

    with django_capture_on_commit_callbacks(execute=True):
        assert refund(stripe_order) is True

    [call] = stripe_api.calls
    request = call.request
    assert (request.method, request.url) == ("POST", REFUNDS_URL)
    assert request.headers["Authorization"] == "Bearer sk_test_yumroad"
    assert request.headers["Idempotency-Key"] == f"refund-{stripe_order.public_id}"
    assert parse_qs(request.body) == {"payment_intent": ["pi_test_paid"]}
    assert refreshed(stripe_order).status == Status.REFUNDED
    assert len(refund_emails()) == 1


@pytest.mark.parametrize(
    ("answer", "calls"),
    [
        (
            {
                "status": 400,
                "json": {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "charge_already_refunded",
                        "message": "Charge ch_test_1 has already been refunded.",
                    }
                },
            },
            1,
        ),
        ({"status": 500, "json": {"error": {"type": "api_error", "message": "Oops."}}}, 3),
        ({"body": requests.ConnectionError("Connection refused")}, 3),
    ],
    ids=["refused", "server-error", "connection-error"],
)
def test_a_refund_stripe_refuses_leaves_the_order_paid_and_sends_nothing(
    stripe_order, stripe_api, answer, calls, buyer_client, django_capture_on_commit_callbacks
):
    stripe_api.post(REFUNDS_URL, **answer)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentError):
        refund(stripe_order)

    # A failed request is tried again, always with the same key.
    assert len(stripe_api.calls) == calls
    keys = {call.request.headers["Idempotency-Key"] for call in stripe_api.calls}
    assert keys == {f"refund-{stripe_order.public_id}"}
    order = refreshed(stripe_order)
    assert (order.status, order.refunded_at) == (Status.PAID, None)
    assert mail.outbox == []
    assert buyer_client.get(download_url(order)).status_code == 200


def test_stripes_reason_for_refusing_is_the_errors_message(stripe_order, stripe_api):
    stripe_api.post(
        REFUNDS_URL,
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "Insufficient funds."}},
    )

    with pytest.raises(PaymentError, match=r"^Insufficient funds\.$"):
        refund(stripe_order)


def test_a_stripe_order_without_a_payment_is_not_refunded_and_stripe_is_not_asked(
    stripe_order, stripe_api
):
    Order.objects.filter(pk=stripe_order.pk).update(payment_intent_id=None)

    with pytest.raises(PaymentError, match="Stripe has no payment for this order."):
        refund(refreshed(stripe_order))

    assert len(stripe_api.calls) == 0
    assert refreshed(stripe_order).status == Status.PAID


def test_the_charge_refunded_webhook_after_a_refund_sends_no_second_email(
    stripe_order,
    stripe_api,
    post_webhook,
    event_json,
    charge_json,
    django_capture_on_commit_callbacks,
):
    stripe_api.post(REFUNDS_URL, json=stripe_refund())
    with django_capture_on_commit_callbacks(execute=True):
        refund(stripe_order)
    refunded_at = refreshed(stripe_order).refunded_at

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(
            event_json("charge.refunded", charge_json(payment_intent="pi_test_paid"))
        )

    assert response.status_code == 200
    order = refreshed(stripe_order)
    assert (order.status, order.refunded_at) == (Status.REFUNDED, refunded_at)
    assert len(refund_emails()) == 1


def test_a_refund_made_in_stripe_sends_the_refund_email_once(
    stripe_order, post_webhook, event_json, charge_json, django_capture_on_commit_callbacks
):
    event = event_json("charge.refunded", charge_json(payment_intent="pi_test_paid"))

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event)

    assert refreshed(stripe_order).status == Status.REFUNDED
    assert [message.to for message in refund_emails()] == [["buyer@example.com"]]


# What cannot be refunded


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED, Status.REFUNDED]
)
def test_an_order_that_is_not_paid_is_not_refunded_and_stripe_is_not_asked(
    stripe_order, stripe_api, status, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=stripe_order.pk).update(status=status)

    with django_capture_on_commit_callbacks(execute=True):
        assert refund(refreshed(stripe_order)) is False

    assert refreshed(stripe_order).status == status
    assert len(stripe_api.calls) == 0
    assert mail.outbox == []


def test_refunding_twice_refunds_once_with_one_email(
    stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.post(REFUNDS_URL, json=stripe_refund())

    with django_capture_on_commit_callbacks(execute=True):
        first = refund(stripe_order)
        second = refund(stripe_order)

    assert (first, second) == (True, False)
    assert len(stripe_api.calls) == 1
    assert len(refund_emails()) == 1


def test_two_refunds_of_one_order_loaded_at_once_send_one_email(
    stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    # Two clicks, each with the order as it was: both ask Stripe, with the
    # same key, so Stripe refunds once; the order is refunded once.
    stripe_api.post(REFUNDS_URL, json=stripe_refund())
    first_copy = Order.objects.get(pk=stripe_order.pk)
    second_copy = Order.objects.get(pk=stripe_order.pk)

    with django_capture_on_commit_callbacks(execute=True):
        results = [refund(first_copy), refund(second_copy)]

    assert results == [True, False]
    keys = [call.request.headers["Idempotency-Key"] for call in stripe_api.calls]
    assert keys == [f"refund-{stripe_order.public_id}"] * 2
    assert len(refund_emails()) == 1
