"""Selling through Stripe Checkout: the session, the webhooks, the return page.

Stripe's API is the fake registered on `stripe_api`; webhooks are signed in
the test the way Stripe signs them (see conftest.py).
"""

import logging
import time
from urllib.parse import parse_qs

import pytest
import requests
from django.core import mail
from django.urls import reverse

from orders.factories import OrderFactory
from orders.models import Order, StripeEvent
from products.factories import ProductFactory
from products.models import Product
from products.tests.pages import messages_in

from .conftest import STRIPE_API_BASE

pytestmark = pytest.mark.django_db

SESSIONS_URL = f"{STRIPE_API_BASE}/v1/checkout/sessions"


def session_url(session_id):
    return f"{SESSIONS_URL}/{session_id}"


def mail_to():
    """Who each email sent so far went to."""
    return [message.to for message in mail.outbox]


@pytest.fixture
def product(db):
    return ProductFactory(
        name="Cozy Icon Pack", price_cents=500, store__owner__email="maker@example.com"
    )


@pytest.fixture
def order(buyer, product, stripe_settings):
    """A Stripe order waiting for its payment: the buyer is at Stripe's page."""
    return OrderFactory(
        buyer=buyer,
        product=product,
        provider=Order.Provider.STRIPE,
        checkout_session_id="cs_test_pending",
    )


def paid_session(session_json, order, **fields):
    """The order's session, complete and paid unless `fields` say otherwise."""
    paid = {
        "id": order.checkout_session_id,
        "client_reference_id": str(order.public_id),
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_test_paid",
    }
    return session_json(**{**paid, **fields})


def refreshed(order):
    order.refresh_from_db()
    return order


# Checkout


def test_checkout_creates_one_checkout_session_and_sends_the_buyer_to_it(
    buyer_client, product, stripe_api, session_json
):
    session = session_json(id="cs_test_new")
    stripe_api.post(SESSIONS_URL, json=session)

    response = buyer_client.post(reverse("orders:checkout", kwargs={"pk": product.pk}))

    order = Order.objects.get()
    assert response.status_code == 303
    assert response.url == session["url"]
    assert order.checkout_session_id == "cs_test_new"
    assert order.provider == Order.Provider.STRIPE
    assert order.status == Order.Status.PENDING
    assert len(stripe_api.calls) == 1
    request = stripe_api.calls[0].request
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer sk_test_yumroad"
    assert str(order.public_id) in request.headers["Idempotency-Key"]
    order_url = f"http://testserver{order.get_absolute_url()}"
    assert parse_qs(request.body) == {
        "mode": ["payment"],
        "line_items[0][quantity]": ["1"],
        "line_items[0][price_data][currency]": ["usd"],
        "line_items[0][price_data][unit_amount]": ["500"],
        "line_items[0][price_data][product_data][name]": ["Cozy Icon Pack"],
        "client_reference_id": [str(order.public_id)],
        "customer_email": ["buyer@example.com"],
        "success_url": [order_url],
        "cancel_url": [order_url],
    }


def test_checkout_retried_after_a_stripe_error_reuses_the_idempotency_key(
    buyer_client, product, stripe_api, session_json
):
    session = session_json()
    stripe_api.post(SESSIONS_URL, status=500, json={"error": {"message": "Try again."}})
    stripe_api.post(SESSIONS_URL, json=session)

    response = buyer_client.post(reverse("orders:checkout", kwargs={"pk": product.pk}))

    assert response.status_code == 303
    assert response.url == session["url"]
    assert Order.objects.get().checkout_session_id == session["id"]
    keys = {call.request.headers["Idempotency-Key"] for call in stripe_api.calls}
    assert len(stripe_api.calls) == 2
    assert len(keys) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "json": {"error": {"type": "api_error", "message": "Oops."}}},
        {
            "status": 402,
            "json": {"error": {"type": "card_error", "code": "card_declined", "message": "No."}},
        },
        {"body": requests.ConnectionError("Connection refused")},
        {"body": requests.ReadTimeout("Read timed out")},
    ],
    ids=["server-error", "request-failed", "connection-error", "timeout"],
)
def test_stripe_failing_at_checkout_sends_the_buyer_back_with_nothing_paid(
    buyer_client, product, stripe_api, answer, django_capture_on_commit_callbacks
):
    stripe_api.post(SESSIONS_URL, **answer)
    checkout_url = reverse("orders:checkout", kwargs={"pk": product.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(checkout_url, follow=True)

    assert response.redirect_chain == [(checkout_url, 303)]
    assert messages_in(response) == ["We could not start the payment, try again."]
    # Failed, so a discount code's use would go back.
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED
    assert order.checkout_session_id is None
    assert mail.outbox == []


# A checkout left open elsewhere (another tab, the back button)


def test_a_new_checkout_expires_the_buyers_open_session_and_cancels_its_order(
    buyer_client, order, product, stripe_api, session_json
):
    stripe_api.post(
        f"{session_url(order.checkout_session_id)}/expire",
        json=session_json(id=order.checkout_session_id, status="expired"),
    )
    stripe_api.post(SESSIONS_URL, json=session_json(id="cs_test_new"))

    response = buyer_client.post(reverse("orders:checkout", kwargs={"pk": product.pk}))

    assert response.status_code == 303
    assert response.url == "https://checkout.stripe.test/c/pay/cs_test_new"
    assert refreshed(order).status == Order.Status.CANCELED
    assert [call.request.url for call in stripe_api.calls] == [
        f"{session_url(order.checkout_session_id)}/expire",
        SESSIONS_URL,
    ]


def test_a_new_checkout_finds_the_open_session_paid_meanwhile_and_makes_no_second_order(
    buyer_client, order, product, stripe_api, session_json
):
    stripe_api.post(
        f"{session_url(order.checkout_session_id)}/expire",
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "Not expirable."}},
    )
    stripe_api.get(session_url(order.checkout_session_id), json=paid_session(session_json, order))

    response = buyer_client.post(reverse("orders:checkout", kwargs={"pk": product.pk}), follow=True)

    assert response.redirect_chain == [(order.get_absolute_url(), 303)]
    assert messages_in(response) == ["You already own this."]
    assert refreshed(order).status == Order.Status.PAID
    assert Order.objects.count() == 1


def test_a_new_checkout_that_cannot_expire_the_open_session_starts_nothing(
    buyer_client, order, product, stripe_api
):
    stripe_api.post(
        f"{session_url(order.checkout_session_id)}/expire",
        status=500,
        json={"error": {"type": "api_error", "message": "Oops."}},
    )
    checkout_url = reverse("orders:checkout", kwargs={"pk": product.pk})

    response = buyer_client.post(checkout_url, follow=True)

    assert response.redirect_chain == [(checkout_url, 303)]
    assert messages_in(response) == ["We could not start the payment, try again."]
    assert refreshed(order).status == Order.Status.PENDING
    assert Order.objects.count() == 1


# The webhook: who may call it


def test_webhook_answers_get_with_405(client, stripe_settings):
    assert client.get(reverse("orders:stripe_webhook")).status_code == 405


@pytest.mark.parametrize(
    "signing",
    [
        {"signature": None},
        {"signature": "t=1700000000,v1=not-a-signature"},
        {"signature": "garbage"},
        {"secret": "whsec_someone_else"},
        {"timestamp": int(time.time()) - 60 * 60},
    ],
    ids=["missing", "bad", "malformed", "wrong-secret", "stale"],
)
def test_webhook_with_a_bad_signature_is_rejected_and_changes_nothing(
    order, post_webhook, event_json, session_json, signing, django_capture_on_commit_callbacks
):
    event = event_json("checkout.session.completed", paid_session(session_json, order))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event, **signing)

    assert response.status_code == 400
    assert refreshed(order).status == Order.Status.PENDING
    assert not StripeEvent.objects.exists()
    assert mail.outbox == []


def test_webhook_whose_body_is_not_json_is_rejected(order, post_webhook):
    response = post_webhook("this is not { json")

    assert response.status_code == 400
    assert refreshed(order).status == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_webhook_is_rejected_when_no_webhook_secret_is_set(
    order, post_webhook, event_json, session_json, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = event_json("checkout.session.completed", paid_session(session_json, order))

    # Anyone can sign with an empty key.
    response = post_webhook(event, secret="")

    assert response.status_code == 400
    assert refreshed(order).status == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_webhook_about_an_unknown_session_is_acknowledged_and_logged(
    order, post_webhook, event_json, session_json, caplog
):
    session = session_json(id="cs_test_elsewhere", status="complete", payment_status="paid")

    with caplog.at_level(logging.WARNING, logger="orders.payments"):
        response = post_webhook(event_json("checkout.session.completed", session))

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PENDING
    assert "cs_test_elsewhere" in caplog.text


def test_webhook_of_an_unhandled_event_type_is_acknowledged_and_ignored(
    order, post_webhook, event_json
):
    event = event_json("customer.created", {"id": "cus_test_1", "object": "customer"})

    response = post_webhook(event)

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PENDING


# The webhook: what each event does


def test_completed_paid_session_makes_the_order_paid_and_sends_the_emails_once(
    order, post_webhook, event_json, session_json, django_capture_on_commit_callbacks
):
    event = event_json("checkout.session.completed", paid_session(session_json, order))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event)

    assert response.status_code == 200
    order = refreshed(order)
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert order.payment_intent_id == "pi_test_paid"
    assert sorted(mail_to()) == [["buyer@example.com"], ["maker@example.com"]]


def test_event_delivered_twice_is_applied_once(
    order, post_webhook, event_json, session_json, django_capture_on_commit_callbacks, caplog
):
    event = event_json("checkout.session.completed", paid_session(session_json, order))

    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(event)
    with (
        caplog.at_level(logging.INFO, logger="orders.payments"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = post_webhook(event)

    assert (first.status_code, second.status_code) == (200, 200)
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert mail_to().count(["buyer@example.com"]) == 1
    # The order's state changes happen once anyway; the redelivery is
    # recognised before the order is even looked up.
    assert f"{event['id']} was already handled" in caplog.text


def test_completed_then_async_payment_succeeded_sends_one_receipt(
    order, post_webhook, event_json, session_json, django_capture_on_commit_callbacks
):
    session = paid_session(session_json, order)

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event_json("checkout.session.completed", session))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event_json("checkout.session.async_payment_succeeded", session))

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PAID
    assert mail_to().count(["buyer@example.com"]) == 1
    assert StripeEvent.objects.count() == 2


def test_completed_but_unpaid_session_leaves_the_order_pending_with_its_payment(
    order, post_webhook, event_json, session_json, django_capture_on_commit_callbacks
):
    # A bank debit: the session is complete, the money comes later.
    session = paid_session(session_json, order, payment_status="unpaid")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event_json("checkout.session.completed", session))

    assert response.status_code == 200
    order = refreshed(order)
    assert order.status == Order.Status.PENDING
    assert order.payment_intent_id == "pi_test_paid"
    assert mail.outbox == []


def test_async_payment_failed_makes_the_order_failed(order, post_webhook, event_json, session_json):
    session = paid_session(session_json, order, payment_status="unpaid")

    post_webhook(event_json("checkout.session.async_payment_failed", session))

    assert refreshed(order).status == Order.Status.FAILED


def test_expired_session_makes_the_order_expired(order, post_webhook, event_json, session_json):
    session = session_json(id=order.checkout_session_id, status="expired")

    post_webhook(event_json("checkout.session.expired", session))

    assert refreshed(order).status == Order.Status.EXPIRED


def test_expired_event_for_a_paid_order_leaves_it_paid(
    order, post_webhook, event_json, session_json
):
    order.mark_paid(payment_intent_id="pi_test_paid")
    session = session_json(id=order.checkout_session_id, status="expired")

    response = post_webhook(event_json("checkout.session.expired", session))

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PAID


def test_full_refund_makes_the_order_refunded_and_ends_the_download(
    order, buyer_client, post_webhook, event_json, charge_json
):
    order.mark_paid(payment_intent_id="pi_test_paid")
    download_url = reverse("orders:download", kwargs={"public_id": order.public_id})
    assert buyer_client.get(download_url).status_code == 200

    response = post_webhook(
        event_json("charge.refunded", charge_json(payment_intent="pi_test_paid"))
    )

    assert response.status_code == 200
    order = refreshed(order)
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_at is not None
    assert buyer_client.get(download_url).status_code == 404


def test_partial_refund_leaves_the_order_paid(order, post_webhook, event_json, charge_json):
    order.mark_paid(payment_intent_id="pi_test_paid")
    charge = charge_json(payment_intent="pi_test_paid", refunded=False, amount_refunded=100)

    post_webhook(event_json("charge.refunded", charge))

    assert refreshed(order).status == Order.Status.PAID


def test_refund_of_a_charge_without_a_payment_intent_refunds_no_order(
    post_webhook, event_json, charge_json
):
    # Orders paid without Stripe (free ones, the test provider) have no
    # payment intent either; a charge made outside Checkout must not match them.
    free_order = OrderFactory(paid=True, provider=Order.Provider.FREE, amount_cents=0)

    response = post_webhook(event_json("charge.refunded", charge_json(payment_intent=None)))

    assert response.status_code == 200
    assert refreshed(free_order).status == Order.Status.PAID


# The return page


def test_buyer_back_before_the_webhook_sees_the_paid_order_and_one_receipt(
    order,
    buyer_client,
    stripe_api,
    post_webhook,
    event_json,
    session_json,
    django_capture_on_commit_callbacks,
):
    session = paid_session(session_json, order)
    stripe_api.get(session_url(order.checkout_session_id), json=session)

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.get(order.get_absolute_url())

    assert response.status_code == 200
    assert response.context["order"].status == Order.Status.PAID
    assert "Thank you!" in response.text
    assert refreshed(order).payment_intent_id == "pi_test_paid"
    assert [call.request.method for call in stripe_api.calls] == ["GET"]
    assert mail_to().count(["buyer@example.com"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event_json("checkout.session.completed", session))

    assert mail_to().count(["buyer@example.com"]) == 1


def test_buyer_back_after_the_webhook_sees_the_paid_order_without_asking_stripe(
    order,
    buyer_client,
    stripe_api,
    post_webhook,
    event_json,
    session_json,
    django_capture_on_commit_callbacks,
):
    session = paid_session(session_json, order)
    stripe_api.get(session_url(order.checkout_session_id), json=session)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event_json("checkout.session.completed", session))

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.get(order.get_absolute_url())

    assert response.status_code == 200
    assert "Thank you!" in response.text
    assert len(stripe_api.calls) == 0
    assert mail_to().count(["buyer@example.com"]) == 1


def test_return_page_ignores_the_query_string_and_asks_stripe(
    order, buyer_client, stripe_api, session_json, django_capture_on_commit_callbacks
):
    stripe_api.get(session_url(order.checkout_session_id), json=session_json(id="cs_test_pending"))
    stripe_api.get(
        session_url("cs_test_someone_paid"),
        json=session_json(id="cs_test_someone_paid", status="complete", payment_status="paid"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.get(
            order.get_absolute_url(),
            {"session_id": "cs_test_someone_paid", "status": "paid", "payment_status": "paid"},
        )

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PENDING
    assert "Confirming your payment" in response.text
    assert [call.request.url for call in stripe_api.calls] == [
        session_url(order.checkout_session_id)
    ]
    assert mail.outbox == []


def test_return_page_stays_pending_when_stripe_cannot_be_asked(order, buyer_client, stripe_api):
    stripe_api.get(
        session_url(order.checkout_session_id), body=requests.ConnectionError("Unreachable")
    )

    response = buyer_client.get(order.get_absolute_url())

    assert response.status_code == 200
    assert refreshed(order).status == Order.Status.PENDING
    assert "Confirming your payment" in response.text


# Prices


def test_price_change_between_checkout_and_payment_keeps_the_price_paid(
    buyer_client,
    product,
    stripe_api,
    post_webhook,
    event_json,
    session_json,
    django_capture_on_commit_callbacks,
):
    stripe_api.post(SESSIONS_URL, json=session_json(id="cs_test_price"))
    buyer_client.post(reverse("orders:checkout", kwargs={"pk": product.pk}))
    Product.objects.filter(pk=product.pk).update(price_cents=900)
    order = Order.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event_json("checkout.session.completed", paid_session(session_json, order)))

    order = refreshed(order)
    assert order.status == Order.Status.PAID
    assert order.amount_cents == 500
    receipt = next(message for message in mail.outbox if message.to == ["buyer@example.com"])
    assert "Amount: $5.00" in receipt.body
