"""The creator refunds a sale from the dashboard."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from orders.models import Order
from orders.tests.conftest import STRIPE_API_BASE
from products.factories import ProductFactory
from products.tests.pages import assert_redirects_to_login, messages_in

from .conftest import sale

pytestmark = pytest.mark.django_db

REFUNDS_URL = f"{STRIPE_API_BASE}/v1/refunds"


def refund_url(order):
    return reverse("dashboard:refund", kwargs={"public_id": order.public_id})


def refreshed(order):
    order.refresh_from_db()
    return order


@pytest.fixture
def order(product):
    return sale(product, cents=500, buyer__email="buyer@example.com")


def refund(client, order, capture):
    with capture(execute=True):
        return client.post(refund_url(order), follow=True)


def test_creator_refunds_a_paid_order_and_the_buyer_is_told(
    logged_in_client, order, django_capture_on_commit_callbacks
):
    response = refund(logged_in_client, order, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("dashboard:index"), 303)]
    assert messages_in(response) == [
        "Refunded $5.00 to buyer@example.com. Their download has ended and they get an email."
    ]
    order = refreshed(order)
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_at is not None
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["buyer@example.com"], "Your refund for Cozy Icon Pack ($5.00)")
    ]


def test_refunding_twice_refunds_once_and_says_so(
    logged_in_client, order, django_capture_on_commit_callbacks
):
    refund(logged_in_client, order, django_capture_on_commit_callbacks)
    refunded_at = refreshed(order).refunded_at

    response = refund(logged_in_client, order, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("dashboard:index"), 303)]
    assert messages_in(response) == ["This order is refunded, so there is nothing to refund."]
    assert refreshed(order).refunded_at == refunded_at
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "status",
    [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED, Order.Status.EXPIRED],
)
def test_an_unpaid_order_cannot_be_refunded(
    logged_in_client, product, status, django_capture_on_commit_callbacks
):
    order = sale(product, status=status, paid_at=None)

    response = refund(logged_in_client, order, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("dashboard:index"), 303)]
    assert messages_in(response) == [f"This order is {status}, so there is nothing to refund."]
    order = refreshed(order)
    assert order.status == status
    assert order.refunded_at is None
    assert mail.outbox == []


def test_refund_answers_get_with_405(logged_in_client, order):
    assert logged_in_client.get(refund_url(order)).status_code == 405
    assert refreshed(order).status == Order.Status.PAID


def test_another_creators_order_is_not_found(
    logged_in_client, other_user, django_capture_on_commit_callbacks
):
    theirs = sale(ProductFactory(store=other_user.store))

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(refund_url(theirs))

    assert response.status_code == 404
    assert refreshed(theirs).status == Order.Status.PAID
    assert mail.outbox == []


def test_an_unknown_order_is_not_found(logged_in_client):
    url = reverse("dashboard:refund", kwargs={"public_id": uuid.uuid4()})

    assert logged_in_client.post(url).status_code == 404


def test_anonymous_visitor_is_sent_to_login_and_nothing_is_refunded(client, order):
    url = refund_url(order)

    assert_redirects_to_login(client.post(url), url)
    assert refreshed(order).status == Order.Status.PAID


# Through Stripe


@pytest.fixture
def stripe_order(product, stripe_settings):
    return sale(
        product,
        cents=500,
        buyer__email="buyer@example.com",
        provider=Order.Provider.STRIPE,
        checkout_session_id="cs_test_paid",
        payment_intent_id="pi_test_paid",
    )


def test_a_stripe_order_is_refunded_through_stripe_once(
    logged_in_client, stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.post(
        REFUNDS_URL,
        json={"id": "re_test_1", "object": "refund", "status": "succeeded", "amount": 500},
    )

    refund(logged_in_client, stripe_order, django_capture_on_commit_callbacks)

    assert refreshed(stripe_order).status == Order.Status.REFUNDED
    [call] = stripe_api.calls
    assert call.request.body == "payment_intent=pi_test_paid"
    # A retry or a double click gets the same refund from Stripe, not a second one.
    assert call.request.headers["Idempotency-Key"] == f"refund-{stripe_order.public_id}"
    assert [message.to for message in mail.outbox] == [["buyer@example.com"]]


def test_when_stripe_refuses_the_order_stays_paid_and_the_creator_is_told_why(
    logged_in_client, stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.post(
        REFUNDS_URL,
        status=400,
        json={
            "error": {
                "type": "invalid_request_error",
                "code": "charge_disputed",
                "message": "Charge ch_test_1 has been charged back; cannot issue a refund.",
            }
        },
    )

    response = refund(logged_in_client, stripe_order, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("dashboard:index"), 303)]
    assert messages_in(response) == [
        "The refund of Cozy Icon Pack to buyer@example.com failed: "
        "Charge ch_test_1 has been charged back; cannot issue a refund."
    ]
    order = refreshed(stripe_order)
    assert order.status == Order.Status.PAID
    assert order.refunded_at is None
    assert mail.outbox == []
