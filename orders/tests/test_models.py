from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.factories import UserFactory
from orders.factories import OrderFactory
from orders.models import LibraryVersion, Order, SalesVersion
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db

Status = Order.Status
NOT_PAYABLE_FROM = [Status.PAID, Status.REFUNDED]
ENDINGS = ["mark_failed", "mark_canceled", "mark_expired"]
ENDING_STATUS = {
    "mark_failed": Status.FAILED,
    "mark_canceled": Status.CANCELED,
    "mark_expired": Status.EXPIRED,
}


def stored_status(order):
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def aged_orders(*statuses, **kwargs):
    """One order per status, the first the newest; created oldest-last and
    back-dated, so newest-first differs from creation order."""
    now = timezone.now()
    return [
        OrderFactory(status=status, created_at=now - timedelta(hours=age), **kwargs)
        for age, status in enumerate(statuses)
    ]


# mark_paid


def test_mark_paid_is_true_once_and_false_after():
    order = OrderFactory()

    assert order.mark_paid() is True
    assert order.mark_paid() is False
    assert Order.objects.get(pk=order.pk).mark_paid() is False

    order.refresh_from_db()
    assert order.status == Status.PAID
    assert order.paid_at is not None


def test_mark_paid_updates_the_instance_it_was_called_on():
    order = OrderFactory()

    order.mark_paid()

    assert order.status == Status.PAID
    assert order.paid_at is not None


@pytest.mark.parametrize("status", [Status.FAILED, Status.CANCELED, Status.EXPIRED])
def test_a_payment_that_succeeds_wins_over_a_failed_canceled_or_expired_order(status):
    order = OrderFactory(status=status)

    assert order.mark_paid() is True
    assert stored_status(order) == Status.PAID


def test_a_refunded_order_is_never_paid_again():
    order = OrderFactory(status=Status.REFUNDED, refunded_at=timezone.now())

    assert order.mark_paid() is False
    assert stored_status(order) == Status.REFUNDED


def test_mark_paid_enqueues_the_receipt_and_the_sale_notice_after_commit(
    django_capture_on_commit_callbacks,
):
    order = OrderFactory(
        buyer__email="buyer@example.com", product__store__owner__email="maker@example.com"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        order.mark_paid()
    assert mail.outbox == []  # nothing is sent before the commit

    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "buyer@example.com",
        "maker@example.com",
    ]


@pytest.mark.parametrize("status", NOT_PAYABLE_FROM)
def test_mark_paid_that_changes_nothing_enqueues_nothing(
    django_capture_on_commit_callbacks, status
):
    order = OrderFactory(status=status)

    with django_capture_on_commit_callbacks() as callbacks:
        order.mark_paid()

    assert callbacks == []


def test_mark_paid_keeps_the_payment_intent():
    order = OrderFactory(provider=Order.Provider.STRIPE)

    order.mark_paid(payment_intent_id="pi_123")

    order.refresh_from_db()
    assert order.payment_intent_id == "pi_123"


# mark_failed, mark_canceled, mark_expired


@pytest.mark.parametrize("method", ENDINGS)
def test_a_pending_order_can_fail_be_canceled_or_expire_once(method):
    order = OrderFactory()

    assert getattr(order, method)() is True
    assert getattr(order, method)() is False
    assert stored_status(order) == ENDING_STATUS[method]


@pytest.mark.parametrize("method", ENDINGS)
@pytest.mark.parametrize(
    "status", [Status.PAID, Status.FAILED, Status.CANCELED, Status.EXPIRED, Status.REFUNDED]
)
def test_only_a_pending_order_can_fail_be_canceled_or_expire(
    django_capture_on_commit_callbacks, method, status
):
    order = OrderFactory(status=status)

    with django_capture_on_commit_callbacks() as callbacks:
        assert getattr(order, method)() is False

    assert stored_status(order) == status
    assert callbacks == []


# mark_refunded


def test_a_paid_order_is_refunded_once():
    order = OrderFactory(paid=True)

    assert order.mark_refunded() is True
    assert order.mark_refunded() is False

    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert order.refunded_at is not None
    assert not order.is_downloadable


@pytest.mark.parametrize("status", [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED])
def test_only_a_paid_order_can_be_refunded(status):
    order = OrderFactory(status=status)

    assert order.mark_refunded() is False
    assert stored_status(order) == status
    assert Order.objects.get(pk=order.pk).refunded_at is None


# The store's sales version, which the dashboard's cached figures are keyed by


def sales_version(store):
    return SalesVersion.current(store.pk)


@pytest.mark.parametrize(
    ("status", "method"),
    [
        (Status.PENDING, "mark_paid"),
        (Status.FAILED, "mark_paid"),
        (Status.PENDING, "mark_failed"),
        (Status.PENDING, "mark_canceled"),
        (Status.PENDING, "mark_expired"),
        (Status.PAID, "mark_refunded"),
    ],
)
def test_every_status_change_gives_the_store_a_new_sales_version(status, method):
    order = OrderFactory(status=status)
    other_store = OrderFactory(status=status).store
    before, others_before = sales_version(order.store), sales_version(other_store)

    assert getattr(order, method)()

    assert sales_version(order.store) not in (before, None)
    assert sales_version(other_store) == others_before


def test_a_call_that_changes_nothing_keeps_the_sales_version():
    order = OrderFactory(paid=True)
    before = sales_version(order.store)

    assert not order.mark_paid()
    assert not order.mark_failed()

    assert sales_version(order.store) == before


def test_a_new_pending_order_keeps_the_versions_and_a_new_sale_changes_them():
    store = StoreFactory()
    product = ProductFactory(store=store)
    buyer = UserFactory()

    OrderFactory(product=product, buyer=buyer)
    assert sales_version(store) is None
    assert LibraryVersion.current(buyer.pk) is None

    OrderFactory(product=product, buyer=buyer, paid=True)
    assert sales_version(store) is not None
    assert LibraryVersion.current(buyer.pk) is not None


def test_bump_gives_each_store_a_new_version_in_one_statement(django_assert_num_queries):
    stores = StoreFactory.create_batch(3)
    SalesVersion.bump(stores[0].pk)
    before = [sales_version(store) for store in stores]

    with django_assert_num_queries(1):
        SalesVersion.bump(stores[0].pk, stores[1].pk, stores[0].pk)

    after = [sales_version(store) for store in stores]
    assert after[0] not in (before[0], None)
    assert after[1] is not None
    assert after[2] is None


def test_bulk_created_orders_give_their_stores_and_buyers_new_versions():
    buyer = UserFactory()
    products = ProductFactory.create_batch(2)
    untouched = OrderFactory(paid=True)
    SalesVersion.bump(products[0].store_id)
    LibraryVersion.bump(buyer.pk)
    before = [sales_version(product.store) for product in products]
    buyer_before = LibraryVersion.current(buyer.pk)
    untouched_before = sales_version(untouched.store), LibraryVersion.current(untouched.buyer_id)

    # bulk_create sends no post_save.
    Order.objects.bulk_create(
        [OrderFactory.build(buyer=buyer, product=product, paid=True) for product in products]
    )

    after = [sales_version(product.store) for product in products]
    assert after[0] not in (before[0], None)
    assert after[1] is not None
    assert LibraryVersion.current(buyer.pk) not in (buyer_before, None)
    assert (
        sales_version(untouched.store),
        LibraryVersion.current(untouched.buyer_id),
    ) == untouched_before


# Emails are claimed once


@pytest.mark.parametrize("field", ["receipt_sent_at", "sale_notice_sent_at"])
def test_each_email_is_claimed_once(field):
    order = OrderFactory(paid=True)

    assert order.claim_email(field) is True
    assert order.claim_email(field) is False


def test_claiming_one_email_leaves_the_other_unclaimed():
    order = OrderFactory(paid=True)

    order.claim_email("receipt_sent_at")

    assert order.claim_email("sale_notice_sent_at") is True


# QuerySets


def test_paid_is_only_the_paid_orders():
    paid = OrderFactory(paid=True)
    for status in [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED]:
        OrderFactory(status=status)
    OrderFactory(status=Status.REFUNDED)

    assert list(Order.objects.paid()) == [paid]


def test_for_buyer_is_only_the_buyers_orders():
    buyer = UserFactory()
    mine = OrderFactory(buyer=buyer)
    OrderFactory()

    assert list(Order.objects.for_buyer(buyer)) == [mine]


def test_for_store_is_only_the_stores_orders():
    store = StoreFactory()
    sold_here = OrderFactory(product__store=store)
    OrderFactory()

    assert list(Order.objects.for_store(store)) == [sold_here]


def test_for_library_is_paid_and_refunded_orders_newest_first():
    orders = aged_orders(
        Status.PAID,
        Status.PENDING,
        Status.REFUNDED,
        Status.FAILED,
        Status.PAID,
        Status.CANCELED,
        Status.EXPIRED,
    )

    assert list(Order.objects.for_library()) == [orders[0], orders[2], orders[4]]


def test_querysets_chain():
    buyer = UserFactory()
    store = StoreFactory()
    wanted = OrderFactory(buyer=buyer, product__store=store, paid=True)
    OrderFactory(buyer=buyer, product__store=store)
    OrderFactory(buyer=buyer, paid=True)
    OrderFactory(product__store=store, paid=True)

    assert list(Order.objects.for_buyer(buyer).for_store(store).paid()) == [wanted]


# Amounts and copied fields


@pytest.mark.parametrize(
    ("cents", "shown"), [(123450, "$1,234.50"), (500, "$5.00"), (5, "$0.05"), (0, "$0.00")]
)
def test_amount_is_shown_as_dollars(cents, shown):
    assert OrderFactory(amount_cents=cents).amount == shown


def test_a_later_price_change_or_rename_does_not_change_the_order():
    product = ProductFactory(name="Golden Font", price_cents=500)
    order = OrderFactory(product=product)

    product.name = "Golden Font 2"
    product.price_cents = 900
    product.save()

    order.refresh_from_db()
    assert (order.product_name, order.amount_cents, order.amount) == (
        "Golden Font",
        500,
        "$5.00",
    )


def test_order_url_uses_the_public_id():
    order = OrderFactory()

    assert str(order.public_id) in order.get_absolute_url()
    assert f"/{order.pk}/" not in order.get_absolute_url()
