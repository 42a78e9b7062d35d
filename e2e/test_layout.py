"""The frame of every page in a real browser: the navbar at the widths where
it used to wrap, the skip link, the footer, and the admin's lists at 1280 px.

Each test also saves screenshots under test-artifacts/layout/ for a person
to look at; the tests pass or fail on their own checks.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.factories import DEFAULT_PASSWORD
from e2e.pages import DESKTOP, PHONE, account_menu, expect_fits_width, log_in
from orders.factories import OrderFactory
from orders.models import DiscountCode
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "layout"

# As long as real addresses get; the navbar must neither wrap nor grow for it.
LONG_EMAIL = "maximiliana.featherstonehaugh-wolfeschlegel@type-foundry-and-letterpress.example.com"


def shoot(page, name, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)


@pytest.fixture
def creator(db):
    return StoreFactory(owner__email=LONG_EMAIL, name="Featherstone Type Foundry").owner


def expect_navbar_on_one_line(page):
    """Every item the navbar shows on one row, and none of them wrapped
    inside (a two-line "New product" leaves the centres level)."""
    centres = page.evaluate(
        """() => {
          const navbar = document.querySelector("nav.navbar");
          const items = navbar.querySelectorAll(
            ".navbar-brand, .navbar-toggler, .navbar-nav > .nav-item"
          );
          const centres = [...items]
            .map((item) => item.getBoundingClientRect())
            .filter((box) => box.width > 0 && box.height > 0)
            .map((box) => Math.round(box.top + box.height / 2));
          return [...new Set(centres)].sort((a, b) => a - b);
        }"""
    )
    assert max(centres) - min(centres) <= 4, f"the navbar wraps: rows at {centres}"
    # Bootstrap's navbar is 56 px high with its items on one line.
    height = page.locator("nav.navbar").bounding_box()["height"]
    assert height <= 60, f"the navbar is {height} px high: an item wraps"


def gap_right_of_account_menu(page):
    """Pixels between the account menu and the right end of the navbar's content."""
    return page.evaluate(
        """() => {
          const container = document.querySelector("nav.navbar > .container");
          const end = container.getBoundingClientRect().right
            - parseFloat(getComputedStyle(container).paddingRight);
          return end - document.querySelector(".account-menu").getBoundingClientRect().right;
        }"""
    )


@pytest.mark.parametrize("width", [768, 800, 991, 992, 1280])
def test_navbar_keeps_to_one_line_for_a_creator_with_a_long_email(page, creator, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, creator.email)
    page.goto(reverse("products:index"))
    shoot(page, f"navbar-{width}", full_page=False)

    expect_navbar_on_one_line(page)
    assert gap_right_of_account_menu(page) <= 1, "the account menu is not at the navbar's right"
    expect_fits_width(page)

    # The account menu opens at every width, its button no wider than the
    # stylesheet allows whatever the email, the full address still in it.
    navbar = page.get_by_role("navigation")
    toggler = navbar.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    menu = account_menu(page)
    expect(menu).to_contain_text(LONG_EMAIL)
    email = navbar.locator(".account-menu-toggle .text-truncate")
    expect(email).to_have_text(LONG_EMAIL)
    sizes = email.evaluate("(el) => ({shown: el.clientWidth, full: el.scrollWidth})")
    assert sizes["shown"] < sizes["full"] <= 2000, "the email is not cut short"
    assert navbar.locator(".account-menu-toggle").bounding_box()["width"] <= 18 * 16
    shoot(page, f"navbar-{width}-menu-open", full_page=False)
    expect_fits_width(page)


def test_the_email_gives_way_before_the_navbar_wraps(page, creator):
    """At 768 px a wider brand (a logo, say) costs the email its room,
    not the navbar its single line."""
    page.set_viewport_size({"width": 768, "height": 800})
    log_in(page, creator.email)
    page.goto(reverse("products:index"))
    email = page.locator(".account-menu-toggle .text-truncate")
    room_before = email.bounding_box()["width"]

    # Through the CSSOM, which the site's CSP allows (a style attribute it would not).
    page.locator(".navbar-brand").evaluate("(brand) => { brand.style.paddingRight = '250px'; }")
    shoot(page, "navbar-768-wide-brand", full_page=False)

    expect_navbar_on_one_line(page)
    assert email.bounding_box()["width"] < room_before - 200
    expect_fits_width(page)


def test_skip_link_shows_on_focus_and_jumps_to_the_content(page):
    page.goto(reverse("products:index"))
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["width"] <= 1, "the skip link shows before it has focus"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20
    shoot(page, "skip-link-focused", full_page=False)

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    # The next Tab goes on from the content, past the navbar's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main#content') !== null")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_footer_links_a_creator_to_their_pages(page, creator, viewport):
    page.set_viewport_size(viewport)
    log_in(page, creator.email)
    page.goto(reverse("home"))
    footer = page.get_by_role("contentinfo")
    footer.scroll_into_view_if_needed()
    shoot(page, f"footer-creator-{viewport['width']}", full_page=False)
    expect_fits_width(page)

    footer.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard:index")) + "$"))
    page.get_by_role("contentinfo").get_by_role("link", name="Library").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("orders:library")) + "$"))


def test_footer_invites_a_visitor_to_sell(page):
    page.set_viewport_size(PHONE)
    page.goto(reverse("products:index"))
    footer = page.get_by_role("contentinfo")
    footer.scroll_into_view_if_needed()
    shoot(page, "footer-visitor-375", full_page=False)

    footer.get_by_role("link", name="Sell on Yumroad").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:signup")) + "$"))


def test_get_on_logout_is_a_page_that_logs_out(page, page_problems, live_server, creator):
    log_in(page, creator.email)
    url = reverse("accounts:logout")
    page_problems.allow(405, live_server.url + url)  # the contract: GET answers 405

    response = page.goto(url)
    assert response.status == 405
    expect(page.get_by_role("heading", name="Log out?")).to_be_visible()
    shoot(page, "logout-confirm-1280")
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


ADMIN_CHANGELISTS = {
    "products": "admin:products_product_changelist",
    "stores": "admin:products_store_changelist",
    "orders": "admin:orders_order_changelist",
    "discount-codes": "admin:orders_discountcode_changelist",
}


@pytest.fixture
def busy_site(db):
    """Rows as wide as real ones get: long names, emails and store names."""
    product = ProductFactory(
        name="The Complete Letterpress Workshop: Type, Ink and Paper",
        store__name="Featherstone & Wolfeschlegel Type Foundry and Letterpress",
        store__owner__email=LONG_EMAIL,
        price_cents=1234500,
    )
    ProductFactory(store=product.store, archived_at=product.created_at)
    OrderFactory(
        product=product, buyer__email=LONG_EMAIL.replace("maximiliana", "buyer"), paid=True
    )
    DiscountCode.objects.create(
        store=product.store, code="SPRING-LAUNCH-2025", amount_off_cents=1250, max_uses=100
    )


@pytest.mark.parametrize("name", ADMIN_CHANGELISTS)
def test_admin_changelist_fits_at_1280(
    page, page_problems, live_server, django_user_model, busy_site, name
):
    staff = django_user_model.objects.create_superuser("staff@example.com", DEFAULT_PASSWORD)
    # The admin's pages name no icon, so the browser asks for the default one.
    page_problems.allow(404, f"{live_server.url}/favicon.ico")
    page.set_viewport_size(DESKTOP)
    log_in(page, staff.email)

    page.goto(reverse(ADMIN_CHANGELISTS[name]))
    expect(page).to_have_title(re.compile(r"Yumroad administration$"))
    shoot(page, f"admin-{name}-1280", full_page=False)
    widths = page.locator("#result_list").evaluate(
        "(table) => ({table: table.scrollWidth, frame: table.parentElement.clientWidth})"
    )
    assert widths["table"] <= widths["frame"], f"the {name} list scrolls sideways: {widths}"
    expect_fits_width(page)


def test_admin_takes_prices_in_dollars(page, page_problems, live_server, django_user_model):
    product = ProductFactory(name="Letterpress Workshop", price_cents=1250)
    staff = django_user_model.objects.create_superuser("staff@example.com", DEFAULT_PASSWORD)
    page_problems.allow(404, f"{live_server.url}/favicon.ico")
    log_in(page, staff.email)

    page.goto(reverse("admin:products_product_change", args=[product.pk]))
    price = page.get_by_label("Price:")
    expect(price).to_have_value("12.50")
    shoot(page, "admin-product-change-1280")
    price.fill("19.99")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    product.refresh_from_db()
    assert product.price_cents == 1999

    page.goto(reverse("admin:products_store_change", args=[product.store.pk]))
    expect(page.locator('input[name="products-0-price_cents"]')).to_have_value("19.99")
    shoot(page, "admin-store-change-1280")
