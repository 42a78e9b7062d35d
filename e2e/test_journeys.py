"""What people do on the site, page by page in a real browser.

Each test is one journey; the `page` fixture also fails it on any JavaScript
error or failed request (a missing stylesheet, script or picture) on the way.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from e2e.pages import (
    PHONE,
    account_menu,
    current_page,
    expect_fits_width,
    field,
    log_in,
    log_out,
    picture,
    png,
)
from orders.models import Order
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.e2e


def expect_picture_shown(img):
    """The picture is a generated size of an upload (not the placeholder) and
    the browser decoded it."""
    img.scroll_into_view_if_needed()  # cards load their pictures lazily
    expect(img).to_have_attribute("src", re.compile(r"/media/products/.+\.320w\.webp$"))
    expect(img).to_have_js_property("complete", True)
    expect(img).not_to_have_js_property("naturalWidth", 0)


def test_visitor_signs_up_adds_a_product_and_logs_back_in_to_it(page, tmp_path):
    mug = tmp_path / "mug.png"
    mug.write_bytes(png())

    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    field(page, "Email address").fill("potter@example.com")
    field(page, "Password").fill(DEFAULT_PASSWORD)
    field(page, "Password confirmation").fill(DEFAULT_PASSWORD)
    field(page, "Store name").fill("Clay Corner")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Your account and store are ready.")).to_be_visible()
    expect(page.get_by_role("navigation")).to_contain_text("potter@example.com")

    page.get_by_role("link", name="New product").click()
    field(page, "Name").fill("Speckled mug")
    field(page, "Description").fill("Wheel-thrown stoneware, holds 300 ml.")
    field(page, "Price").fill("24.50")
    field(page, "Picture").set_input_files(mug)
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_text("Product created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Speckled mug")).to_be_visible()
    expect(page.get_by_text("$24.50")).to_be_visible()
    expect_picture_shown(page.get_by_role("img", name="Speckled mug"))

    page.get_by_role("link", name="Yumroad", exact=True).click()
    expect(page.get_by_role("link", name="Clay Corner")).to_be_visible()  # featured store
    expect(page.get_by_role("link", name="Speckled mug")).to_be_visible()
    expect_picture_shown(page.get_by_role("img", name="Speckled mug"))

    account_menu(page).get_by_role("link", name="My store").click()
    expect(page.get_by_role("heading", name="Clay Corner")).to_be_visible()
    expect(page.get_by_role("link", name="Speckled mug")).to_be_visible()

    log_out(page)
    page.goto(reverse("products:create"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/products/create/$"))
    field(page, "Email").fill("potter@example.com")
    field(page, "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/products/create/$"))
    expect(page.get_by_role("heading", name="New product")).to_be_visible()


def test_other_user_sees_no_edit_links_and_gets_404_on_edit(page, page_problems, live_server):
    product = ProductFactory(
        name="Hand-bound notebook", store__name="Paper Trail", picture=picture()
    )
    neighbour = StoreFactory(owner__email="neighbour@example.com").owner
    log_in(page, neighbour.email)

    page.goto(product.get_absolute_url())
    expect(page.get_by_role("heading", name="Hand-bound notebook")).to_be_visible()
    expect_picture_shown(page.get_by_role("img", name="Hand-bound notebook"))
    expect(page.get_by_role("link", name="Edit product")).to_have_count(0)

    page.get_by_role("link", name="Paper Trail").click()
    expect(page.get_by_role("heading", name="Paper Trail")).to_be_visible()
    expect(page.get_by_role("link", name="Hand-bound notebook")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^(Edit|Rename)"))).to_have_count(0)

    edit_url = reverse("products:edit", args=[product.pk])
    page_problems.allow(404, live_server.url + edit_url)  # the only error response expected
    response = page.goto(edit_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    navbar = page.get_by_role("navigation")
    expect(navbar.get_by_role("link", name="Yumroad", exact=True)).to_be_visible()
    expect(navbar).to_contain_text("neighbour@example.com")

    # The same page shows the owner the link, so the checks above look in the right place.
    log_out(page)
    log_in(page, product.store.owner.email)
    page.goto(product.get_absolute_url())
    expect(page.get_by_role("link", name="Edit product")).to_be_visible()


def test_search_results_page_on_with_the_query_kept(page):
    store = StoreFactory(name="Wick and Wax")
    for n in range(15):
        ProductFactory(store=store, name=f"Beeswax candle {n:02d}")
    for n in range(6):
        ProductFactory(store=store, name=f"Linen apron {n}", description="Undyed linen.")
    candles = page.get_by_role("link", name=re.compile(r"^Beeswax candle"))

    page.goto(reverse("products:index"))
    page.get_by_role("searchbox", name="Search").fill("candle")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("15 results for “candle”")).to_be_visible()
    expect(candles).to_have_count(12)
    expect(page.get_by_role("link", name=re.compile(r"^Linen apron"))).to_have_count(0)

    page.get_by_role("link", name="Next").click()
    expect(current_page(page)).to_have_text("Page 2")
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["candle"]
    assert query["page"] == ["2"]
    expect(candles).to_have_count(3)
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("candle")

    page.get_by_role("link", name="Previous").click()
    expect(current_page(page)).to_have_text("Page 1")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["candle"]
    expect(candles).to_have_count(12)


def expect_navbar_collapsed(page):
    navbar = page.get_by_role("navigation").first
    toggler = navbar.get_by_role("button", name="Toggle navigation")
    products = navbar.get_by_role("link", name="Products", exact=True)
    expect(toggler).to_be_visible()
    expect(products).to_be_hidden()
    toggler.click()
    expect(products).to_be_visible()


def test_pages_fit_a_phone_and_the_navbar_collapses(page):
    product = ProductFactory(
        name="Field recordings from a long walk along the northern coast",
        store__name="The Very Long Named Sound Archive of Coastal Walks",
        description="Four hours of wind, waves and gulls.\nRecorded in 2024.",
        price_cents=1_234_500,
        picture=picture(),
    )
    ProductFactory.create_batch(3, store=product.store)
    page.set_viewport_size(PHONE)

    for url in [
        "/",
        reverse("products:index"),
        product.get_absolute_url(),
        product.store.get_absolute_url(),
        reverse("accounts:signup"),
    ]:
        page.goto(url)
        expect_fits_width(page)
        expect_navbar_collapsed(page)

    # The owner's own pages: their email in the navbar, the store's edit list, the forms.
    log_in(page, product.store.owner.email)
    for url in [
        product.store.get_absolute_url(),
        reverse("products:create"),
        reverse("products:edit", args=[product.pk]),
    ]:
        page.goto(url)
        expect_fits_width(page)
        expect_navbar_collapsed(page)
        expect(account_menu(page).get_by_role("button", name="Log out")).to_be_visible()


RECIPES = b"Grandma's soup\n\n1 onion, 2 carrots, a lot of patience.\n\xe2\x9c\x93 done\n"


def recipes_product(**kwargs):
    """A $5.00 product whose file has known bytes."""
    return ProductFactory(
        name="Soup recipes",
        store__name="Soup Kitchen",
        file=ContentFile(RECIPES, name="recipes.txt"),
        file_name="recipes.txt",
        price_cents=500,
        picture=picture(),
        **kwargs,
    )


def test_visitor_buys_a_product_after_signing_up_and_downloads_it(page, mailoutbox):
    product = recipes_product()
    checkout_path = reverse("orders:checkout", args=[product.pk])

    page.goto(product.get_absolute_url())
    expect(page.get_by_role("heading", name="Soup recipes")).to_be_visible()
    expect(page.get_by_text("$5.00")).to_be_visible()
    page.get_by_role("link", name="Buy now").click()

    # Sent to log in, then on to sign up, with the checkout kept as `next`.
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert parse_qs(urlsplit(page.url).query)["next"] == [checkout_path]
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Open your store")).to_be_visible()
    assert parse_qs(urlsplit(page.url).query)["next"] == [checkout_path]
    field(page, "Email address").fill("cook@example.com")
    field(page, "Password").fill(DEFAULT_PASSWORD)
    field(page, "Password confirmation").fill(DEFAULT_PASSWORD)
    field(page, "Store name").fill("Cook's Corner")
    page.get_by_role("button", name="Sign up").click()

    # Back at the checkout, now as the new buyer.
    expect(page.get_by_text("Your account and store are ready.")).to_be_visible()
    assert urlsplit(page.url).path == checkout_path
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_role("navigation")).to_contain_text("cook@example.com")
    page.get_by_role("button", name="Pay $5.00").click()

    expect(page.get_by_role("heading", name="Test payment")).to_be_visible()
    expect(page.get_by_text("Test mode: no money moves")).to_be_visible()
    page.get_by_role("button", name="Pay $5.00").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    order = Order.objects.get()
    assert order.buyer.email == "cook@example.com"
    assert (order.status, order.amount_cents) == ("paid", 500)
    order_path = order.get_absolute_url()
    assert urlsplit(page.url).path == order_path
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download recipes.txt").click()
    download = download_info.value
    assert download.suggested_filename == "recipes.txt"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == RECIPES

    # The receipt went out once, after the payment committed, with a link to the order.
    receipts = [message for message in mailoutbox if message.to == ["cook@example.com"]]
    assert len(receipts) == 1
    assert "Soup recipes" in receipts[0].subject
    assert settings.SITE_URL + order_path in receipts[0].body

    account_menu(page).get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Your library")).to_be_visible()
    purchase = page.locator(".list-group-item").filter(has_text="Soup recipes")
    expect(purchase).to_have_count(1)
    expect(purchase.get_by_role("link", name="Download")).to_have_attribute(
        "href", reverse("orders:download", args=[order.public_id])
    )


def test_declined_payment_offers_to_try_again(page, mailoutbox):
    product = recipes_product()
    buyer = UserFactory(email="unlucky@example.com")
    log_in(page, buyer.email)

    page.goto(product.get_absolute_url())
    page.get_by_role("link", name="Buy now").click()
    page.get_by_role("button", name="Pay $5.00").click()
    expect(page.get_by_text("Test mode: no money moves")).to_be_visible()
    page.get_by_role("button", name="Decline").click()

    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    expect(page.get_by_text("The payment was declined.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Download"))).to_have_count(0)
    assert Order.objects.get().status == "failed"
    assert mailoutbox == []

    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_role("button", name="Pay $5.00")).to_be_visible()
