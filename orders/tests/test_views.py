import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, quote, unquote, urlsplit

import factory
import pytest
from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from storages.backends.s3 import S3Storage

from orders.factories import OrderFactory
from orders.models import Order
from products.factories import ProductFactory
from products.models import Product
from products.tests.pages import assert_redirects_to_login, messages_in

pytestmark = pytest.mark.django_db

Status = Order.Status
ORDER_URL_NAMES = ["orders:detail", "orders:download", "orders:test_payment"]
FILE_BYTES = b"%PDF-1.7 the whole field guide\n"


@pytest.fixture
def product(user):
    """A $5 product with a file, in the store of the `user` fixture."""
    return ProductFactory(store=user.store, name="Field Guide", price_cents=500)


def checkout_url(product):
    return reverse("orders:checkout", args=[product.pk])


def payment_page_url(order):
    return reverse("orders:test_payment", args=[order.public_id])


def download_url(order):
    return reverse("orders:download", args=[order.public_id])


def assert_see_other(response, url):
    assert response.status_code == 303
    assert response.url == url


def receipts():
    return [message for message in mail.outbox if message.subject.startswith("Your receipt")]


def links_to(response, url):
    return re.search(rf'<a [^>]*href="{re.escape(url)}"', response.text) is not None


# Checkout: the page


def test_checkout_sends_an_anonymous_visitor_to_log_in_and_back(client, product):
    url = checkout_url(product)

    assert_redirects_to_login(client.get(url), url)
    assert_redirects_to_login(client.post(url), url)
    assert not Order.objects.exists()


@pytest.mark.parametrize(("price_cents", "button"), [(500, "Pay $5.00"), (0, "Get it free")])
def test_checkout_shows_one_button_with_the_price(buyer_client, user, price_cents, button):
    product = ProductFactory(store=user.store, price_cents=price_cents)

    response = buyer_client.get(checkout_url(product))

    assert response.status_code == 200
    assert re.search(rf'<button type="submit"[^>]*>{re.escape(button)}</button>', response.text)
    assert not Order.objects.exists()


# Checkout: the order it makes


def test_checkout_makes_a_pending_order_and_sends_the_buyer_to_the_test_payment_page(
    buyer_client, buyer, product
):
    response = buyer_client.post(checkout_url(product))

    order = Order.objects.get()
    assert_see_other(response, payment_page_url(order))
    assert order.status == Status.PENDING
    assert order.provider == Order.Provider.TEST
    assert (order.buyer, order.email) == (buyer, "buyer@example.com")
    assert (order.product, order.store) == (product, product.store)
    assert (order.product_name, order.amount_cents, order.currency) == ("Field Guide", 500, "usd")
    assert order.paid_at is None
    assert mail.outbox == []


def test_checkout_charges_the_price_at_the_moment_of_the_order(buyer_client, product):
    buyer_client.get(checkout_url(product))
    Product.objects.filter(pk=product.pk).update(price_cents=750)

    buyer_client.post(checkout_url(product))

    assert Order.objects.get().amount_cents == 750


def test_a_free_product_is_paid_at_once_and_the_emails_go_out(
    buyer_client, buyer, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store, price_cents=0)

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(checkout_url(product))

    order = Order.objects.get()
    assert_see_other(response, order.get_absolute_url())
    assert order.status == Status.PAID
    assert order.provider == Order.Provider.FREE
    assert order.amount_cents == 0
    assert order.paid_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == [buyer.email, user.email]


@pytest.mark.parametrize("method", ["get", "post"])
def test_creator_cannot_buy_their_own_product(logged_in_client, product, method):
    response = getattr(logged_in_client, method)(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == product.get_absolute_url()
    assert messages_in(response) == ["This is your own product, so there is nothing to buy."]
    assert not Order.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_buyer_who_owns_the_product_is_sent_to_their_order(buyer_client, buyer, product, method):
    owned = OrderFactory(buyer=buyer, product=product, paid=True)

    response = getattr(buyer_client, method)(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == owned.get_absolute_url()
    assert messages_in(response) == ["You already own this."]
    assert list(Order.objects.all()) == [owned]


def test_a_buyer_who_paid_after_opening_the_checkout_is_sent_to_their_order(
    buyer_client, buyer, product
):
    order = OrderFactory(buyer=buyer, product=product)
    assert buyer_client.get(checkout_url(product)).status_code == 200

    order.mark_paid()
    response = buyer_client.get(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == order.get_absolute_url()
    assert messages_in(response) == ["You already own this."]


@pytest.mark.parametrize("status", [Status.PENDING, Status.FAILED, Status.REFUNDED])
def test_a_buyer_without_a_paid_order_can_check_out_again(buyer_client, buyer, product, status):
    earlier = OrderFactory(buyer=buyer, product=product, status=status)

    response = buyer_client.post(checkout_url(product))

    order = Order.objects.exclude(pk=earlier.pk).get()
    assert_see_other(response, payment_page_url(order))
    assert order.status == Status.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_product_without_a_file_cannot_be_bought(buyer_client, user, method):
    product = ProductFactory(store=user.store, file="")

    response = getattr(buyer_client, method)(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == product.get_absolute_url()
    assert messages_in(response) == ["This product is not available yet."]
    assert not Order.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_archived_product_cannot_be_checked_out(buyer_client, product, method):
    product.archive()

    response = getattr(buyer_client, method)(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == product.store.get_absolute_url()
    assert messages_in(response) == ["This product is no longer for sale."]
    assert not Order.objects.exists()


def test_buyer_of_an_archived_product_is_sent_to_their_order(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    product.archive()

    response = buyer_client.get(checkout_url(product), follow=True)

    assert response.redirect_chain[0][0] == order.get_absolute_url()
    assert messages_in(response) == ["You already own this."]


def test_an_archived_products_page_is_404_after_its_checkout_was_opened(buyer_client, product):
    product.archive()
    buyer_client.get(checkout_url(product))

    assert buyer_client.get(product.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_checkout_of_an_unknown_product_is_404(buyer_client, method):
    response = getattr(buyer_client, method)(reverse("orders:checkout", args=[999999]))

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_checkout_post_with_garbage_fields_is_no_server_error(buyer_client, product):
    response = buyer_client.post(
        checkout_url(product),
        {"amount": "lots", "code": "\x00" * 3, "price_cents": "-1", "product": "999"},
    )

    assert response.status_code in (200, 303)
    assert all(order.amount_cents == 500 for order in Order.objects.all())


# Test payment page


@pytest.fixture
def pending_order(buyer, product):
    return OrderFactory(buyer=buyer, product=product)


def test_test_payment_page_says_no_money_moves(buyer_client, pending_order):
    response = buyer_client.get(payment_page_url(pending_order))

    assert response.status_code == 200
    assert "Test mode: no money moves." in response.text
    assert "Pay $5.00" in response.text


def test_pay_marks_the_order_paid_and_sends_the_buyer_to_it(
    buyer_client, pending_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(payment_page_url(pending_order), {"outcome": "pay"})

    assert_see_other(response, pending_order.get_absolute_url())
    pending_order.refresh_from_db()
    assert pending_order.status == Status.PAID
    assert [message.to for message in receipts()] == [["buyer@example.com"]]


@pytest.mark.parametrize(
    ("outcome", "status"), [("decline", Status.FAILED), ("cancel", Status.CANCELED)]
)
def test_decline_or_cancel_ends_the_order_unpaid(
    buyer_client, pending_order, django_capture_on_commit_callbacks, outcome, status
):
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(payment_page_url(pending_order), {"outcome": outcome})

    assert_see_other(response, pending_order.get_absolute_url())
    pending_order.refresh_from_db()
    assert pending_order.status == status
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose Pay, Decline or Cancel."),
        ({"outcome": "steal"}, "Select a valid choice."),
    ],
)
def test_a_missing_or_bogus_outcome_shows_an_error_and_changes_nothing(
    buyer_client, pending_order, data, error
):
    response = buyer_client.post(payment_page_url(pending_order), data)

    assert response.status_code == 200
    assert error in response.text
    pending_order.refresh_from_db()
    assert pending_order.status == Status.PENDING


def test_paying_twice_sends_one_receipt(
    buyer_client, pending_order, django_capture_on_commit_callbacks
):
    url = payment_page_url(pending_order)

    with django_capture_on_commit_callbacks(execute=True):
        first = buyer_client.post(url, {"outcome": "pay"})
        second = buyer_client.post(url, {"outcome": "pay"})

    assert_see_other(first, pending_order.get_absolute_url())
    assert_see_other(second, pending_order.get_absolute_url())
    assert len(receipts()) == 1


def test_a_declined_order_cannot_be_paid_from_a_stale_test_page(buyer_client, pending_order):
    pending_order.mark_failed()

    response = buyer_client.post(payment_page_url(pending_order), {"outcome": "pay"})

    assert_see_other(response, pending_order.get_absolute_url())
    pending_order.refresh_from_db()
    assert pending_order.status == Status.FAILED


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_test_payment_page_is_404(client, other_user, pending_order, method):
    client.force_login(other_user)

    response = getattr(client, method)(payment_page_url(pending_order), {"outcome": "pay"})

    assert response.status_code == 404
    pending_order.refresh_from_db()
    assert pending_order.status == Status.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_test_payment_page_is_404_when_the_site_uses_stripe(
    settings, buyer_client, pending_order, method
):
    settings.PAYMENT_PROVIDER = "stripe"

    response = getattr(buyer_client, method)(payment_page_url(pending_order), {"outcome": "pay"})

    assert response.status_code == 404
    pending_order.refresh_from_db()
    assert pending_order.status == Status.PENDING


# Every order URL


@pytest.mark.parametrize("name", ORDER_URL_NAMES)
@pytest.mark.parametrize("public_id", ["not-a-uuid", "12345", str(uuid.uuid4())])
def test_a_malformed_or_unknown_order_number_is_404(buyer_client, pending_order, name, public_id):
    placeholder = uuid.uuid4()
    url = reverse(name, args=[placeholder]).replace(str(placeholder), public_id)

    assert buyer_client.get(url).status_code == 404
    assert buyer_client.post(url, {"outcome": "pay"}).status_code == 404


@pytest.mark.parametrize("name", [*ORDER_URL_NAMES, "orders:library"])
def test_order_pages_send_an_anonymous_visitor_to_log_in(client, pending_order, name):
    url = (
        reverse(name) if name == "orders:library" else reverse(name, args=[pending_order.public_id])
    )

    assert_redirects_to_login(client.get(url), url)


# Order page


def test_a_paid_order_says_thank_you_with_a_download_button(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)

    response = buyer_client.get(order.get_absolute_url())

    assert response.status_code == 200
    assert "Thank you!" in response.text
    assert "Field Guide" in response.text
    assert "$5.00" in response.text
    assert links_to(response, download_url(order))


def test_a_pending_order_is_confirming_and_refreshes_itself(buyer_client, pending_order):
    response = buyer_client.get(pending_order.get_absolute_url())

    assert "Confirming your payment" in response.text
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', response.text)
    assert download_url(pending_order) not in response.text


@pytest.mark.parametrize(
    ("status", "what_happened"),
    [
        (Status.FAILED, "The payment was declined."),
        (Status.CANCELED, "You canceled the payment."),
        (Status.EXPIRED, "The payment page expired"),
    ],
)
def test_an_unpaid_order_says_what_happened_and_offers_to_try_again(
    buyer_client, buyer, product, status, what_happened
):
    order = OrderFactory(buyer=buyer, product=product, status=status)

    response = buyer_client.get(order.get_absolute_url())

    assert what_happened in response.text
    assert re.search(
        rf'<a [^>]*href="{re.escape(checkout_url(product))}"[^>]*>Try again</a>', response.text
    )
    assert download_url(order) not in response.text
    assert 'http-equiv="refresh"' not in response.text


def test_a_refunded_order_has_no_download(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    order.mark_refunded()

    response = buyer_client.get(order.get_absolute_url())

    assert "Order refunded" in response.text
    assert download_url(order) not in response.text
    assert "Try again" not in response.text


def test_someone_elses_order_page_is_404(client, other_user, pending_order):
    client.force_login(other_user)

    assert client.get(pending_order.get_absolute_url()).status_code == 404


# Download


def test_buyer_downloads_a_paid_order_as_an_attachment_with_its_original_name(
    buyer_client, buyer, user
):
    product = ProductFactory(
        store=user.store,
        file=factory.django.FileField(filename="Field Guide (2nd ed).pdf", data=FILE_BYTES),
        file_name="Field Guide (2nd ed).pdf",
    )
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    assert "Guide" not in product.file.name  # stored under a generated name

    response = buyer_client.get(download_url(order))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Field Guide (2nd ed).pdf"'
    assert b"".join(response.streaming_content) == FILE_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED, Status.REFUNDED]
)
def test_an_order_that_is_not_paid_has_no_download(buyer_client, buyer, product, status):
    order = OrderFactory(buyer=buyer, product=product, status=status)

    assert buyer_client.get(download_url(order)).status_code == 404


def test_someone_elses_paid_order_has_no_download(client, other_user, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    client.force_login(other_user)

    assert client.get(download_url(order)).status_code == 404


def test_a_paid_order_whose_file_was_removed_says_so_and_has_no_download(
    buyer_client, buyer, product
):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    Product.objects.filter(pk=product.pk).update(file="")

    response = buyer_client.get(order.get_absolute_url())

    assert "The creator has removed the file" in response.text
    assert download_url(order) not in response.text
    assert buyer_client.get(download_url(order)).status_code == 404


def test_behind_nginx_the_download_is_an_x_accel_redirect(settings, buyer_client, buyer, product):
    settings.PRIVATE_X_ACCEL_PREFIX = "/protected/"
    order = OrderFactory(buyer=buyer, product=product, paid=True)

    response = buyer_client.get(download_url(order))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected/" + product.file.name
    assert response["Content-Disposition"] == 'attachment; filename="guide.txt"'
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def presigned_storage(settings, monkeypatch):
    """Product files on S3-compatible storage, as settings.py configures it
    from AWS_STORAGE_BUCKET_NAME; signing a link is local, so no request
    leaves the test."""
    settings.PRIVATE_STORAGE_PRESIGNED = True
    storage = S3Storage(
        bucket_name="yumroad-private",
        endpoint_url="https://s3.test",
        region_name="us-east-1",
        access_key="test-key",
        secret_key="test-secret",
        location="private",
        querystring_expire=300,
        signature_version="s3v4",
    )
    monkeypatch.setattr(Product._meta.get_field("file"), "storage", storage)
    return storage


def test_on_object_storage_the_download_redirects_to_a_link_that_expires_in_minutes(
    presigned_storage, buyer_client, buyer
):
    product = ProductFactory(file="products/ab/abcdef.txt", file_name="Рецепты и заметки.txt")
    order = OrderFactory(buyer=buyer, product=product, paid=True)

    response = buyer_client.get(download_url(order))

    assert response.status_code == 302
    link = urlsplit(response["Location"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == (
        "https://s3.test/yumroad-private/private/products/ab/abcdef.txt"
    )
    query = parse_qs(link.query)
    assert query["X-Amz-Expires"] == ["300"]
    # The name travels RFC 5987-encoded, so any name signs and comes back intact.
    assert query["response-content-disposition"] == [
        f"attachment; filename*=utf-8''{quote('Рецепты и заметки.txt')}"
    ]
    assert "no-store" in response["Cache-Control"]


def test_on_object_storage_someone_elses_order_still_has_no_download(
    presigned_storage, client, other_user, buyer
):
    product = ProductFactory(file="products/ab/abcdef.txt")
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    client.force_login(other_user)

    assert client.get(download_url(order)).status_code == 404


def test_x_accel_redirect_escapes_a_file_name_that_is_not_ascii(settings, buyer_client, buyer):
    settings.PRIVATE_X_ACCEL_PREFIX = "/protected/"
    product = ProductFactory(
        file=factory.django.FileField(filename="Рецепты и заметки.txt"),
        file_name="Рецепты и заметки.txt",
    )
    order = OrderFactory(buyer=buyer, product=product, paid=True)

    response = buyer_client.get(download_url(order))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"].isascii()
    assert unquote(response["X-Accel-Redirect"]) == "/protected/" + product.file.name
    assert "filename*=utf-8''" in response["Content-Disposition"]


# Archive: deleting a product that has orders


def test_deleting_a_product_with_orders_archives_it(logged_in_client, product):
    OrderFactory(product=product, paid=True)

    response = logged_in_client.post(reverse("products:delete", args=[product.pk]), follow=True)

    product.refresh_from_db()
    assert product.archived_at is not None
    [message] = messages_in(response)
    assert "archived" in message
    assert "deleted" not in message


def test_an_archived_product_leaves_every_listing(client, user, product):
    ProductFactory(store=user.store, name="Paper Kit")
    OrderFactory(product=product, paid=True)
    pages = {
        "index": reverse("products:index"),
        "search": reverse("products:index") + "?q=Field",
        "store": user.store.get_absolute_url(),
        "stores": reverse("products:store_index"),
        "home": reverse("home"),
    }
    # Visitors' pages are cached: the archive must make them stale too.
    assert all("Field Guide" in client.get(url).text for url in pages.values())
    assert "2 products</p>" in client.get(pages["home"]).text
    client.force_login(user)
    client.post(reverse("products:delete", args=[product.pk]))
    client.logout()

    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert "Field Guide" not in response.text, name
    assert "Paper Kit" in client.get(pages["store"]).text
    assert "1 product</p>" in client.get(pages["home"]).text
    assert client.get(product.get_absolute_url()).status_code == 404


def test_buyer_of_an_archived_product_still_downloads_it(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    product.archive()

    order_page = buyer_client.get(order.get_absolute_url())
    library = buyer_client.get(reverse("orders:library"))
    download = buyer_client.get(download_url(order))

    assert links_to(order_page, download_url(order))
    assert links_to(library, download_url(order))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"The thing itself.\n"


def test_deleting_a_product_without_orders_deletes_it_and_its_file(
    logged_in_client, product, private_storage, django_capture_on_commit_callbacks
):
    file_name = product.file.name
    assert private_storage.exists(file_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(reverse("products:delete", args=[product.pk]), follow=True)

    assert not Product.objects.filter(pk=product.pk).exists()
    assert messages_in(response) == ["Product “Field Guide” deleted."]
    assert not private_storage.exists(file_name)


def test_deleting_a_product_whose_orders_all_failed_still_archives_it(logged_in_client, product):
    OrderFactory(product=product, status=Status.FAILED)

    logged_in_client.post(reverse("products:delete", args=[product.pk]))

    product.refresh_from_db()
    assert product.is_archived


# Library


def test_library_lists_paid_and_refunded_orders_newest_first(buyer_client, buyer):
    now = timezone.now()
    newest = OrderFactory(
        buyer=buyer,
        paid=True,
        product__name="Golden Font",
        product__price_cents=123450,
        product__store__name="Paper and Ink",
        created_at=now - timedelta(days=1),
    )
    refunded = OrderFactory(buyer=buyer, status=Status.REFUNDED, created_at=now - timedelta(days=2))
    oldest = OrderFactory(buyer=buyer, paid=True, created_at=now - timedelta(days=3))
    for status in [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED]:
        OrderFactory(buyer=buyer, status=status, created_at=now)
    OrderFactory(paid=True, created_at=now)  # another buyer's

    response = buyer_client.get(reverse("orders:library"))

    assert list(response.context["page_obj"]) == [newest, refunded, oldest]
    assert "Golden Font" in response.text
    assert "Paper and Ink" in response.text
    assert "$1,234.50" in response.text
    assert date_filter(localtime(newest.created_at), "DATE_FORMAT") in response.text
    assert links_to(response, newest.get_absolute_url())
    assert links_to(response, download_url(newest))
    assert links_to(response, download_url(oldest))
    assert download_url(refunded) not in response.text
    assert "Refunded" in response.text


def test_library_of_a_buyer_with_nothing_says_so(buyer_client):
    OrderFactory(paid=True)

    response = buyer_client.get(reverse("orders:library"))

    assert "You have not bought anything yet." in response.text


@pytest.mark.parametrize("count", [2, 20])
def test_library_queries_do_not_grow_with_orders(
    buyer_client, buyer, django_assert_max_num_queries, count
):
    OrderFactory.create_batch(count, buyer=buyer, paid=True)
    OrderFactory.create_batch(2, buyer=buyer, status=Status.REFUNDED)

    # Rendered anew: session, user, their store (the navbar), the two
    # versions its fragment is keyed by (the buyer's orders, the catalog),
    # the count and the page.
    with django_assert_max_num_queries(7):
        response = buyer_client.get(reverse("orders:library"))

    assert len(response.context["page_obj"]) == count + 2


def test_the_library_comes_from_the_cache_until_something_changes(
    buyer_client, buyer, django_assert_num_queries
):
    OrderFactory.create_batch(3, buyer=buyer, paid=True)
    buyer_client.get(reverse("orders:library"))

    # The session, the user, and the two versions the page is keyed by.
    with django_assert_num_queries(4):
        response = buyer_client.get(reverse("orders:library"))

    assert response.text.count("Download") == 3


def test_the_library_shows_a_payment_and_a_refund_at_once(buyer_client, buyer, product):
    paid = OrderFactory(buyer=buyer, paid=True, product__name="First purchase")
    pending = OrderFactory(buyer=buyer, product=product)
    assert "Field Guide" not in buyer_client.get(reverse("orders:library")).text

    pending.mark_paid()
    page = buyer_client.get(reverse("orders:library")).text
    assert "Field Guide" in page
    assert download_url(pending) in page

    paid.mark_refunded()
    page = buyer_client.get(reverse("orders:library")).text
    assert download_url(paid) not in page
    assert "Refunded" in page


def test_the_library_shows_a_product_change_at_once(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)
    assert download_url(order) in buyer_client.get(reverse("orders:library")).text

    product.store.name = "Renamed store"
    product.store.save()

    assert "Renamed store" in buyer_client.get(reverse("orders:library")).text


def test_a_library_is_never_shown_to_another_buyer(buyer_client, buyer, client, other_user):
    OrderFactory(buyer=buyer, paid=True, product__name="Mine only")
    OrderFactory(buyer=other_user, paid=True, product__name="Theirs only")
    assert "Mine only" in buyer_client.get(reverse("orders:library")).text

    other = type(client)()
    other.force_login(other_user)
    page = other.get(reverse("orders:library")).text

    assert "Theirs only" in page
    assert "Mine only" not in page


# Product page and navbar


def test_a_buyer_who_owns_the_product_sees_download_instead_of_buy(buyer_client, buyer, product):
    order = OrderFactory(buyer=buyer, product=product, paid=True)

    response = buyer_client.get(product.get_absolute_url())

    assert links_to(response, download_url(order))
    assert links_to(response, order.get_absolute_url())
    assert checkout_url(product) not in response.text


def test_the_product_page_shows_a_payment_and_a_refund_at_once_to_the_buyer_only(
    buyer_client, buyer, product, other_user
):
    order = OrderFactory(buyer=buyer, product=product)
    assert links_to(buyer_client.get(product.get_absolute_url()), checkout_url(product))

    order.mark_paid()
    page = buyer_client.get(product.get_absolute_url())
    assert links_to(page, download_url(order))
    assert checkout_url(product) not in page.text
    other = type(buyer_client)()
    other.force_login(other_user)
    others_page = other.get(product.get_absolute_url())
    assert links_to(others_page, checkout_url(product))
    assert "/download/" not in others_page.text

    order.mark_refunded()
    page = buyer_client.get(product.get_absolute_url())
    assert links_to(page, checkout_url(product))
    assert "/download/" not in page.text


@pytest.mark.parametrize("status", [Status.PENDING, Status.REFUNDED])
def test_a_buyer_without_a_paid_order_still_sees_buy(buyer_client, buyer, product, status):
    OrderFactory(buyer=buyer, product=product, status=status)

    response = buyer_client.get(product.get_absolute_url())

    assert links_to(response, checkout_url(product))
    assert "/download/" not in response.text


def test_navbar_links_to_the_library_for_logged_in_users_only(client, buyer):
    library = reverse("orders:library")

    assert library not in client.get(reverse("home")).text
    client.force_login(buyer)
    assert re.search(
        rf'<a [^>]*href="{library}"[^>]*>Library</a>', client.get(reverse("home")).text
    )
