"""Every sale of the store as a CSV file, streamed."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from orders.models import Order
from products.factories import ProductFactory
from products.tests.pages import assert_redirects_to_login, messages_in

from .conftest import bulk_sales, sale

pytestmark = pytest.mark.django_db

CSV_URL = reverse("dashboard:sales_csv")
HEADER = ["date", "order", "product", "buyer", "amount", "status"]


def download(client):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    return response


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_header_and_a_row_per_sale(logged_in_client, product):
    paid_at = datetime.datetime(2024, 5, 1, 12, 30, 5, tzinfo=datetime.UTC)
    order = sale(product, cents=500, paid_at=paid_at, buyer__email="buyer@example.com")

    response = download(logged_in_client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_rows(response) == [
        HEADER,
        [
            "2024-05-01T12:30:05+00:00",
            str(order.public_id),
            "Cozy Icon Pack",
            "buyer@example.com",
            "5.00",
            "paid",
        ],
    ]


def test_csv_dates_are_in_utc_and_amounts_in_dollars_and_cents(logged_in_client, product):
    new_york = datetime.timezone(datetime.timedelta(hours=-4))
    sale(product, cents=123450, paid_at=datetime.datetime(2024, 5, 1, 22, 0, tzinfo=new_york))
    sale(product, cents=7, paid_at=datetime.datetime(2024, 5, 3, tzinfo=datetime.UTC))
    sale(product, cents=0, paid_at=datetime.datetime(2024, 5, 4, tzinfo=datetime.UTC))

    rows = csv_rows(download(logged_in_client))[1:]

    assert [(cells[0], cells[4]) for cells in rows] == [
        ("2024-05-02T02:00:00+00:00", "1234.50"),
        ("2024-05-03T00:00:00+00:00", "0.07"),
        ("2024-05-04T00:00:00+00:00", "0.00"),
    ]


def test_csv_has_only_this_stores_sales_refunded_ones_included(
    logged_in_client, product, other_user
):
    kept = sale(product, days_ago=2)
    refunded = sale(product, days_ago=1, status=Order.Status.REFUNDED)
    for status in [
        Order.Status.PENDING,
        Order.Status.FAILED,
        Order.Status.CANCELED,
        Order.Status.EXPIRED,
    ]:
        sale(product, status=status)
    sale(ProductFactory(store=other_user.store))

    rows = csv_rows(download(logged_in_client))[1:]

    assert [(cells[1], cells[5]) for cells in rows] == [
        (str(kept.public_id), "paid"),
        (str(refunded.public_id), "refunded"),
    ]


def test_csv_is_streamed_as_an_attachment_named_for_the_store_and_day(logged_in_client, store):
    response = download(logged_in_client)

    assert isinstance(response, StreamingHttpResponse)
    today = timezone.now().astimezone(datetime.UTC).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="yumroad-sales-{store.slug}-{today}.csv"'
    )
    assert csv_rows(response) == [HEADER]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text(
    logged_in_client, store, start
):
    product = ProductFactory(store=store, name=f"{start}HYPERLINK(1)")
    # Kept as the buyer typed it at the time, even if no longer a valid address.
    sale(product, email=f"{start}buyer@example.com")

    cells = csv_rows(download(logged_in_client))[1]

    assert cells[2] == f"'{start}HYPERLINK(1)"
    assert cells[3] == f"'{start}buyer@example.com"


def test_csv_leaves_ordinary_cells_alone(logged_in_client, store):
    product = ProductFactory(store=store, name="Plain 'quoted' name, 2=2")
    sale(product, buyer__email="o'brien@example.com")

    cells = csv_rows(download(logged_in_client))[1]

    assert cells[2:4] == ["Plain 'quoted' name, 2=2", "o'brien@example.com"]


def test_anonymous_visitor_is_sent_to_login(client):
    assert_redirects_to_login(client.get(CSV_URL), CSV_URL)


def test_user_without_a_store_gets_no_csv(client):
    client.force_login(UserFactory())

    response = client.get(CSV_URL, follow=True)

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assert messages_in(response) == ["Your account has no store, so it cannot sell products."]


def peak_memory_while_downloading(client):
    """The most memory Python held while the CSV was made and read, in bytes."""
    response = download(client)
    tracemalloc.start()
    try:
        rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return rows, peak


def test_csv_memory_stays_flat_however_many_sales(logged_in_client, product):
    # The rows are read from the database a chunk at a time, so memory grows
    # until a couple of chunks are held and then stays flat; 4,000 rows is
    # past that point.
    buyer = UserFactory()
    bulk_sales(product, 4_000, buyer=buyer)
    rows, small_peak = peak_memory_while_downloading(logged_in_client)
    assert rows == 1 + 4_000

    bulk_sales(product, 8_000, buyer=buyer)
    rows, large_peak = peak_memory_while_downloading(logged_in_client)
    assert rows == 1 + 12_000

    # Three times the rows: a list of them all would take about three times the memory.
    assert large_peak < 2 * small_peak
