"""The creator's dashboard: totals, the revenue chart and its table, per
product figures and the recent sales."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.factories import UserFactory
from orders.models import Order
from products.factories import ProductFactory
from products.tests.pages import assert_redirects_to_login, messages_in

from .conftest import bulk_sales, sale
from .pages import bars, row, svg, table_after, tables, text_labels

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("dashboard:index")
PAID, REFUNDED = Order.Status.PAID, Order.Status.REFUNDED


def dashboard(client):
    response = client.get(INDEX_URL)
    assert response.status_code == 200
    return response.text


def last_30_days():
    today = timezone.now().astimezone(datetime.UTC).date()
    return [today - datetime.timedelta(days=offset) for offset in range(29, -1, -1)]


# Who sees it


def test_anonymous_visitor_is_sent_to_login(client):
    assert_redirects_to_login(client.get(INDEX_URL), INDEX_URL)


def test_user_without_a_store_is_told_and_sent_away(client):
    client.force_login(UserFactory())

    response = client.get(INDEX_URL, follow=True)

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assert messages_in(response) == ["Your account has no store, so it cannot sell products."]


# Totals


def test_totals_count_sales_all_time_and_in_the_last_30_days(logged_in_client, product, other_user):
    sale(product, cents=123450, days_ago=1)
    sale(product, cents=500, days_ago=2, status=REFUNDED)
    sale(product, cents=10000, days_ago=40)
    sale(product, cents=2000, days_ago=40, status=REFUNDED)
    # Never sales, whatever their dates say.
    for status in [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED]:
        sale(product, cents=99900, days_ago=1, status=status)
    # Another store's sale.
    sale(ProductFactory(store=other_user.store), cents=77700, days_ago=1)

    html = dashboard(logged_in_client)

    assert row(html, "Last 30 days") == ["Last 30 days", "2", "$1,239.50", "$5.00", "$1,234.50"]
    assert row(html, "All time") == ["All time", "4", "$1,359.50", "$25.00", "$1,334.50"]


def test_a_store_without_sales_shows_zero_totals(logged_in_client, product):
    html = dashboard(logged_in_client)

    assert row(html, "Last 30 days") == ["Last 30 days", "0", "$0.00", "$0.00", "$0.00"]
    assert row(html, "All time") == ["All time", "0", "$0.00", "$0.00", "$0.00"]
    assert "No sales yet." in html


# The revenue chart and its table


def test_chart_has_a_bar_with_a_tooltip_for_each_of_the_last_30_days(logged_in_client, product):
    sale(product, cents=123450, days_ago=1)
    sale(product, cents=500, days_ago=1, status=REFUNDED)
    sale(product, cents=250, days_ago=0)

    chart = svg(dashboard(logged_in_client))

    days = last_30_days()
    assert chart.count("<rect") == 30
    heights, tooltips = zip(*bars(chart), strict=True)
    assert [tooltip.split(":")[0] for tooltip in tooltips] == [
        dateformat.format(day, "D, M j") for day in days
    ]
    # A refunded sale counts as a sale but brings in nothing.
    assert tooltips[-2].endswith(": $1,234.50 from 2 sales")
    assert tooltips[-1].endswith(": $2.50 from 1 sale")
    assert tooltips[0].endswith(": $0.00 from 0 sales")
    assert heights[-2] > heights[-1] > 0
    assert heights[:-2] == (0,) * 28


def test_chart_labels_its_dollar_axis_and_dates(logged_in_client, product):
    sale(product, cents=123450, days_ago=1)

    labels = text_labels(svg(dashboard(logged_in_client)))

    # The axis runs from nothing to a round amount above the best day.
    assert labels[0] == "$0"
    assert "$2,000" in labels
    # Today, and every 7th day before it.
    days = last_30_days()
    dates = [dateformat.format(day, "M j") for day in days]
    assert [date for date in dates if date in labels] == dates[1::7]


def test_table_gives_the_chart_days_as_numbers(logged_in_client, product):
    sale(product, cents=123450, days_ago=1)
    sale(product, cents=500, days_ago=1, status=REFUNDED)
    sale(product, cents=9900, days_ago=45)

    rows = table_after(dashboard(logged_in_client), "Net revenue per day, last 30 days")

    assert rows[0] == ["Day", "Sales", "Net revenue"]
    expected = [[dateformat.format(day, "D, M j"), "0", "$0.00"] for day in last_30_days()]
    expected[-2][1:] = ["2", "$1,234.50"]
    assert rows[1:] == expected


# Per product


def test_each_product_shows_its_sales_revenue_and_refunds(logged_in_client, store, product):
    sale(product, cents=500)
    sale(product, cents=700, days_ago=50)
    sale(product, cents=500, status=REFUNDED)
    sale(product, cents=500, status=Order.Status.PENDING)
    unsold = ProductFactory(store=store, name="Nobody Bought This")
    archived = ProductFactory(store=store, name="Old Brushes")
    sale(archived, cents=300)
    archived.archive()

    html = dashboard(logged_in_client)

    assert row(html, "Cozy Icon Pack") == ["Cozy Icon Pack", "3", "$17.00", "1 ($5.00)", "$12.00"]
    assert row(html, "Old Brushes Archived") == [
        "Old Brushes Archived",
        "1",
        "$3.00",
        "0 ($0.00)",
        "$3.00",
    ]
    assert row(html, unsold.name) == [unsold.name, "0", "$0.00", "0 ($0.00)", "$0.00"]
    # Only the products still on sale link to their page.
    assert f'href="{product.get_absolute_url()}"' in html
    assert f'href="{archived.get_absolute_url()}"' not in html


def test_another_stores_products_and_sales_never_appear(logged_in_client, product, other_user):
    theirs = ProductFactory(store=other_user.store, name="Not Your Product")
    sale(theirs, cents=4200, buyer__email="their-buyer@example.com")

    html = dashboard(logged_in_client)

    assert "Not Your Product" not in html
    assert "their-buyer@example.com" not in html
    assert "$42.00" not in html


# Recent sales


# Below md the buyer, date and status fold into other cells: repeats shown
# only there (e2e/test_creator_business.py checks that layout).
PHONE_ONLY = re.compile(r'<span class="[^"]*\bd-md-none\b[^"]*">.*?</span>', re.DOTALL)


def recent_sales(html):
    """The rows as from md up, without the phone's repeats."""
    return table_after(PHONE_ONLY.sub("", html), "Recent sales")[1:]


def test_recent_sales_are_the_20_newest_with_their_details(logged_in_client, product):
    for minutes in range(22):
        sale(
            product,
            cents=1000 + minutes,
            buyer__email=f"buyer{minutes:02d}@example.com",
            paid_at=timezone.now() - datetime.timedelta(minutes=minutes),
        )

    html = dashboard(logged_in_client)

    rows = recent_sales(html)
    assert [cells[2] for cells in rows] == [
        f"buyer{minutes:02d}@example.com" for minutes in range(20)
    ]
    assert "buyer20@example.com" not in html
    assert "buyer21@example.com" not in html
    newest = Order.objects.get(email="buyer00@example.com")
    assert rows[0][:5] == [
        dateformat.format(newest.paid_at, "M j, Y H:i"),
        "Cozy Icon Pack",
        "buyer00@example.com",
        "$10.00",
        "Paid",
    ]


def test_only_a_paid_sale_has_a_refund_button(logged_in_client, product):
    paid = sale(product, cents=1200, buyer__email="kept@example.com")
    refunded = sale(
        product, cents=800, days_ago=1, status=REFUNDED, buyer__email="returned@example.com"
    )
    pending = sale(product, status=Order.Status.PENDING, buyer__email="waiting@example.com")

    html = dashboard(logged_in_client)

    rows = recent_sales(html)
    assert [(cells[2], cells[3], cells[4]) for cells in rows] == [
        ("kept@example.com", "$12.00", "Paid"),
        ("returned@example.com", "$8.00", "Refunded"),
    ]
    assert rows[0][5].startswith("Refund")
    assert rows[1][5] == ""
    # Each button fills in the one confirmation, whose form posts the refund.
    refund_buttons = re.findall(r'<button\b[^>]*\bdata-refund-url="([^"]+)"', html)
    assert refund_buttons == [refund_url(paid)]
    assert len(re.findall(r'<form class="modal-content" method="post"', html)) == 1
    assert refund_url(refunded) not in html
    assert refund_url(pending) not in html
    assert "waiting@example.com" not in html


def refund_url(order):
    return reverse("dashboard:refund", kwargs={"public_id": order.public_id})


# Queries


@pytest.mark.parametrize("orders", [3, 300])
def test_dashboard_queries_do_not_grow_with_orders(
    logged_in_client, store, product, django_assert_max_num_queries, orders
):
    buyer = UserFactory()
    second = ProductFactory(store=store)
    archived = ProductFactory(store=store)
    bulk_sales(product, orders - 2, buyer=buyer)
    bulk_sales(second, 1, buyer=buyer, cents=700)
    bulk_sales(archived, 1, buyer=buyer, cents=900)
    archived.archive()

    # The session, the user, their store, the sales and catalog versions,
    # and the four figures: the page is not cached yet.
    with django_assert_max_num_queries(9):
        html = dashboard(logged_in_client)

    assert len(recent_sales(html)) == min(orders, 20)
    assert row(html, "All time")[1] == str(orders)
    assert len(tables(html)) == 4
