"""Many reports of one payment at once (a webhook, the buyer's return, a
double click) make the order paid once and send each email once.

Real threads with their own database connections, so the test needs
committed data (`transaction=True`): the conditional UPDATE in
`Order.mark_paid` is what keeps them apart, not the test's transaction.
"""

import threading

import pytest
from django.core import mail
from django.db import connection

from orders.factories import OrderFactory
from orders.models import DiscountCode, Order
from products.factories import StoreFactory

THREADS = 8


def run_at_once(count, function):
    """Call `function` in `count` threads released together; their results
    and exceptions, in no particular order."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(function())
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_an_order_paid_by_many_at_once_is_paid_once_with_one_receipt_and_one_sale_email():
    order = OrderFactory(
        buyer__email="buyer@example.com", product__store__owner__email="maker@example.com"
    )

    results, errors = run_at_once(THREADS, lambda: Order.objects.get(pk=order.pk).mark_paid())

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert sorted(message.to[0] for message in mail.outbox) == [
        "buyer@example.com",
        "maker@example.com",
    ]


@pytest.mark.django_db(transaction=True)
def test_buyers_racing_for_a_codes_last_uses_never_pass_max_uses():
    code = DiscountCode.objects.create(
        store=StoreFactory(), code="LAST-THREE", percent_off=10, max_uses=3
    )

    results, errors = run_at_once(THREADS, lambda: DiscountCode.objects.get(pk=code.pk).take_use())

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 3) + [True] * 3
    code.refresh_from_db()
    assert code.uses == 3
