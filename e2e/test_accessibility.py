"""Every page of the site checked by axe-core at 1280 and 375 px, logged out
and logged in: no violation of any impact. Then the keyboard in the two
modals (refund, delete): focus goes in, stays in, and comes back.

axe-core is vendored under e2e/vendor/axe-core/ (from the npm registry's
`axe-core` package), for the tests only: the site never serves it. It is
handed to the page with `page.evaluate`, which the site's Content-Security-
Policy (`script-src 'self'`) does not apply to, as it would to a script tag.

The pages named in the issue's "Done when" are also saved as full-page
screenshots under test-artifacts/pages/ on every run, for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts.factories import UserFactory
from e2e.pages import DESKTOP, PHONE, picture
from orders.factories import OrderFactory
from orders.models import DiscountCode
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
AXE_SOURCE = (HERE / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
SHOTS = HERE.parent / "test-artifacts" / "pages"

# Runs axe on the whole document and keeps what a failure message needs.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}"""


def axe_violations(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE)


def describe(violations, where):
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['rule']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {node['target']}\n      {node['summary']}" for node in violation["nodes"]
        )
    return lines


def log_in_quickly(page, live_server, user):
    """The user's session cookie set in the browser, without the login form
    (test_journeys goes through the form)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


class Site:
    """What the pages show: a creator's store with products, pictures and
    sales, and a buyer with orders."""

    def __init__(self):
        self.store = StoreFactory(owner__email="creator@example.com", name="Quiet Type Foundry")
        self.creator = self.store.owner
        self.products = [
            ProductFactory(
                store=self.store,
                name=name,
                description="Four weights, with italics, for long reading on screens.",
                price_cents=price_cents,
                picture=picture(),
            )
            for name, price_cents in [
                ("Quiet Font Family", 2400),
                ("Soup recipes", 500),
                ("Field recordings", 900),
            ]
        ]
        self.product = self.products[0]
        self.other_store = StoreFactory(name="Soup Kitchen")
        # One the buyer has not bought: checkout sends an owner to the order.
        self.unbought_product = ProductFactory(
            store=self.other_store, name="Winter stews", picture=picture()
        )
        self.new_creator = StoreFactory(name="Nothing Yet").owner
        self.buyer = UserFactory(email="buyer@example.com")
        self.paid_order = OrderFactory(product=self.product, buyer=self.buyer, paid=True)
        OrderFactory(product=self.products[1], buyer=self.buyer, paid=True)
        self.pending_order = OrderFactory(product=self.products[2], buyer=self.buyer)
        DiscountCode.objects.create(store=self.store, code="SPRING-SALE", percent_off=20)
        DiscountCode.objects.create(store=self.store, code="FIVE-OFF", amount_off_cents=500)


@pytest.fixture
def site(db):
    return Site()


def password_reset_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
    )


# name: (who is logged in, the page's address from the site, screenshot it?)
PAGES = {
    "home": (None, lambda site: reverse("home"), True),
    "home-creator": ("creator", lambda site: reverse("home"), False),
    "catalog": (None, lambda site: reverse("products:index"), True),
    "catalog-buyer": ("buyer", lambda site: reverse("products:index"), False),
    "catalog-no-results": (None, lambda site: reverse("products:index") + "?q=zzzz", False),
    "product": (None, lambda site: site.product.get_absolute_url(), True),
    "product-owner": ("creator", lambda site: site.product.get_absolute_url(), False),
    "store": (None, lambda site: site.store.get_absolute_url(), True),
    "store-owner": ("creator", lambda site: site.store.get_absolute_url(), False),
    "store-empty-owner": (
        "new_creator",
        lambda site: site.new_creator.store.get_absolute_url(),
        False,
    ),
    "stores": (None, lambda site: reverse("products:store_index"), False),
    "login": (None, lambda site: reverse("accounts:login"), False),
    "signup": (None, lambda site: reverse("accounts:signup"), True),
    "password-reset": (None, lambda site: reverse("accounts:password_reset"), False),
    "password-reset-confirm": (None, lambda site: password_reset_link(site.buyer), False),
    "password-change": ("buyer", lambda site: reverse("accounts:password_change"), False),
    "logout-confirm": ("buyer", lambda site: reverse("accounts:logout"), False),
    "logout-confirm-logged-out": (None, lambda site: reverse("accounts:logout"), False),
    "checkout": (
        "buyer",
        lambda site: reverse("orders:checkout", args=[site.unbought_product.pk]),
        True,
    ),
    "test-payment": (
        "buyer",
        lambda site: reverse("orders:test_payment", args=[site.pending_order.public_id]),
        False,
    ),
    "order": ("buyer", lambda site: site.paid_order.get_absolute_url(), True),
    "library": ("buyer", lambda site: reverse("orders:library"), True),
    "library-empty": ("creator", lambda site: reverse("orders:library"), False),
    "dashboard": ("creator", lambda site: reverse("dashboard:index"), True),
    "codes": ("creator", lambda site: reverse("dashboard:codes"), False),
    "product-form": ("creator", lambda site: reverse("products:create"), True),
    "product-edit-form": (
        "creator",
        lambda site: reverse("products:edit", args=[site.product.pk]),
        True,
    ),
    "not-found": (None, lambda site: "/no-such-page/", False),
    "store-form": (
        "creator",
        lambda site: reverse("products:store_edit", args=[site.store.slug]),
        False,
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(page, page_problems, live_server, site, name):
    who, address, screenshot = PAGES[name]
    if who:
        log_in_quickly(page, live_server, getattr(site, who))
    url = address(site)
    if url == reverse("accounts:logout"):
        # GET on the logout address answers 405, with a page of ours.
        page_problems.allow(405, live_server.url + url)
    if name == "not-found":
        page_problems.allow(404, live_server.url + url)
    problems = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(url)
        # Not sent elsewhere (an owner's checkout goes to the order); the
        # reset link alone goes on to its set-password address.
        if name != "password-reset-confirm":
            assert page.url == live_server.url + url, f"{url} went to {page.url}"
        if screenshot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)
        problems += describe(axe_violations(page), f"{url} at {size['width']} px")
    assert not problems, "axe found violations:\n" + "\n".join(problems)


def test_account_menu_open_has_no_accessibility_violations(page, live_server, site):
    log_in_quickly(page, live_server, site.creator)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(reverse("home"))
        if size is PHONE:
            page.get_by_role("button", name="Toggle navigation").click()
        page.get_by_role("button", name=re.compile(r"^Account menu for ")).click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        problems = describe(axe_violations(page), f"the account menu at {size['width']} px")
        assert not problems, "axe found violations:\n" + "\n".join(problems)


def focus_inside(page, selector):
    return page.evaluate(f"document.querySelector({selector!r}).contains(document.activeElement)")


def expect_modal_keeps_and_returns_focus(page, opener, modal_selector):
    """Opened from the keyboard, the modal takes the focus, Tab and Shift+Tab
    go round inside it, and Escape closes it with the focus back on `opener`."""
    # No fade: axe must not catch the page behind half-way under the backdrop.
    page.emulate_media(reduced_motion="reduce")
    opener.focus()
    page.keyboard.press("Enter")
    modal = page.locator(modal_selector)
    expect(modal).to_be_visible()
    expect(modal).to_have_class(re.compile(r"\bshow\b"))
    # Bootstrap focuses the dialog itself once it has faded in.
    expect(page.locator(f"{modal_selector}:focus, {modal_selector} :focus")).to_have_count(1)
    problems = describe(axe_violations(page), f"{modal_selector} open")
    assert not problems, "axe found violations:\n" + "\n".join(problems)
    # More presses than the modal has controls: the focus has gone round.
    for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:
        page.keyboard.press(key)
        assert focus_inside(page, modal_selector), f"{key} left the modal"
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    expect(opener).to_be_focused()


def test_refund_modal_keeps_and_returns_focus(page, live_server, site):
    log_in_quickly(page, live_server, site.creator)
    page.goto(reverse("dashboard:index"))
    sale = page.get_by_role("row").filter(has_text=site.paid_order.product_name)
    refund = sale.get_by_role("button", name="Refund", exact=True)
    expect_modal_keeps_and_returns_focus(page, refund, "#refund-modal")


def test_delete_modal_keeps_and_returns_focus(page, live_server, site):
    log_in_quickly(page, live_server, site.creator)
    page.goto(reverse("products:edit", args=[site.product.pk]))
    delete = page.get_by_role("button", name="Delete product…")
    expect_modal_keeps_and_returns_focus(page, delete, "#delete-product")
