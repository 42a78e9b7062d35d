"""The dashboard's figures come from the cache until something they show
changes, and are never another store's or stale."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from orders.factories import OrderFactory
from orders.models import Order
from products.factories import ProductFactory, StoreFactory
from products.tests.pages import messages_in

from . import pages
from .conftest import bulk_sales, sale
from .pages import row

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("dashboard:index")
# The session, the user, the catalog and sales versions (their store comes
# from the cache).
CACHE_HIT_QUERIES = 4
NEW_PRODUCT_LINK = f'<a class="nav-link" href="{reverse("products:create")}">New product</a>'


def dashboard(client):
    response = client.get(INDEX_URL)
    assert response.status_code == 200
    return response.text


def all_time(html):
    return row(html, "All time")[1:]


def test_the_figures_come_from_the_cache_the_second_time(
    logged_in_client, product, django_assert_max_num_queries, monkeypatch
):
    sale(product, cents=1200, buyer__email="kept@example.com")
    first = dashboard(logged_in_client)

    def not_again(*args, **kwargs):
        pytest.fail("the figures were worked out again")

    # Not even built: building the figures' querysets costs more than the
    # whole cached page.
    monkeypatch.setattr("dashboard.views._bar_chart", not_again)
    monkeypatch.setattr("dashboard.views.sales_figures", not_again)
    with django_assert_max_num_queries(CACHE_HIT_QUERIES):
        second = dashboard(logged_in_client)

    assert pages.tables(second) == pages.tables(first)
    assert pages.svg(second) == pages.svg(first)


def test_a_refund_through_the_dashboard_shows_at_once(
    logged_in_client, product, django_capture_on_commit_callbacks
):
    order = sale(product, cents=500, buyer__email="buyer@example.com")
    assert all_time(dashboard(logged_in_client)) == ["1", "$5.00", "$0.00", "$5.00"]

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(
            reverse("dashboard:refund", kwargs={"public_id": order.public_id}), follow=True
        )

    assert all_time(response.text) == ["1", "$5.00", "$5.00", "$0.00"]
    assert row(response.text, "Cozy Icon Pack")[1:] == ["1", "$5.00", "1 ($5.00)", "$0.00"]
    assert 'data-bs-target="#refund-modal"' not in response.text


@pytest.mark.parametrize("earlier", [Order.Status.PENDING, Order.Status.FAILED])
def test_a_payment_shows_at_once(logged_in_client, product, earlier):
    order = OrderFactory(product=product, amount_cents=700, status=earlier)
    assert all_time(dashboard(logged_in_client)) == ["0", "$0.00", "$0.00", "$0.00"]

    assert order.mark_paid()

    html = dashboard(logged_in_client)
    assert all_time(html) == ["1", "$7.00", "$0.00", "$7.00"]
    assert order.email in html


def test_a_store_opened_for_an_account_shows_at_once(client):
    user = UserFactory()
    client.force_login(user)
    turned_away = client.get(INDEX_URL, follow=True)
    assert messages_in(turned_away) == ["Your account has no store, so it cannot sell products."]
    assert NEW_PRODUCT_LINK not in turned_away.text

    StoreFactory(owner=user)

    html = dashboard(client)
    assert NEW_PRODUCT_LINK in html
    assert f'<a class="dropdown-item" href="{INDEX_URL}">Dashboard</a>' in html


def rename(product):
    product.name = "Renamed Pack"
    product.save()


@pytest.mark.parametrize(
    ("change", "shown"),
    [(rename, "Renamed Pack"), (lambda product: product.archive(), "Cozy Icon Pack Archived")],
    ids=["rename", "archive"],
)
def test_a_product_change_shows_in_the_per_product_table_at_once(
    logged_in_client, product, change, shown
):
    sale(product, cents=500)
    assert row(dashboard(logged_in_client), "Cozy Icon Pack")[1] == "1"

    change(product)

    assert row(dashboard(logged_in_client), shown)[1:] == ["1", "$5.00", "0 ($0.00)", "$5.00"]


def test_another_creator_never_sees_this_stores_figures(
    logged_in_client, client, product, other_user
):
    buyer = UserFactory()
    bulk_sales(product, 3, buyer=buyer, cents=500)
    theirs = ProductFactory(store=other_user.store, name="Not Your Product")
    bulk_sales(theirs, 1, buyer=buyer, cents=4200)
    assert all_time(dashboard(logged_in_client)) == ["3", "$15.00", "$0.00", "$15.00"]

    client.force_login(other_user)
    html = dashboard(client)

    assert all_time(html) == ["1", "$42.00", "$0.00", "$42.00"]
    assert "Cozy Icon Pack" not in html


def test_stores_that_never_sold_never_see_each_others_products(
    logged_in_client, client, product, other_user
):
    # Neither store has had an order change, so neither has a sales version
    # yet: only the store in the key keeps the two apart.
    ProductFactory(store=other_user.store, name="Not Your Product")
    assert "Cozy Icon Pack" in dashboard(logged_in_client)

    client.force_login(other_user)
    html = dashboard(client)

    assert "Not Your Product" in html
    assert "Cozy Icon Pack" not in html


def test_the_next_day_shows_the_next_30_days(logged_in_client, product, monkeypatch):
    now = timezone.now()
    sale(product, cents=500, paid_at=now - datetime.timedelta(days=29))
    assert row(dashboard(logged_in_client), "Last 30 days")[1] == "1"

    # The sale is 30 days old tomorrow: out of the last 30 days.
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=1))

    html = dashboard(logged_in_client)
    assert row(html, "Last 30 days")[1:] == ["0", "$0.00", "$0.00", "$0.00"]
    assert all_time(html)[0] == "1"
