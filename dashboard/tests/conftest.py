"""Fixtures for the creator's pages: their store, sales made the quick way,
and the fake Stripe from the orders tests (for refunds Stripe refuses)."""

import datetime

import pytest
from django.utils import timezone

from orders.factories import OrderFactory
from orders.models import Order
from orders.tests.conftest import stripe_api, stripe_settings  # noqa: F401 (fixtures)
from products.factories import ProductFactory


@pytest.fixture
def store(user):
    """The store of `user`, the creator `logged_in_client` is logged in as."""
    return user.store


@pytest.fixture
def product(store):
    return ProductFactory(store=store, name="Cozy Icon Pack", price_cents=500)


def sale(product, *, cents=500, days_ago=0, paid_at=None, status=Order.Status.PAID, **fields):
    """An order of `product` paid `days_ago` or at `paid_at` (refunded since,
    with that status; other statuses get the date too, to show it is the
    status that keeps them out of the figures)."""
    paid_at = paid_at or timezone.now() - datetime.timedelta(days=days_ago)
    if status == Order.Status.REFUNDED:
        fields.setdefault("refunded_at", paid_at)
    return OrderFactory(
        product=product,
        amount_cents=cents,
        status=status,
        created_at=paid_at,
        paid_at=paid_at,
        **fields,
    )


def bulk_sales(product, count, *, buyer, cents=500):
    """`count` paid orders of `product` in one INSERT, for tests about many rows."""
    now = timezone.now()
    Order.objects.bulk_create(
        [
            Order(
                buyer=buyer,
                email=buyer.email,
                product=product,
                store_id=product.store_id,
                product_name=product.name,
                amount_cents=cents,
                provider=Order.Provider.TEST,
                status=Order.Status.PAID,
                created_at=now - datetime.timedelta(minutes=index),
                paid_at=now - datetime.timedelta(minutes=index),
            )
            for index in range(count)
        ],
        batch_size=1000,
    )
