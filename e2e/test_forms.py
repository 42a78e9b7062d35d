"""Forms in a real browser: "$" before money fields, the current picture as
a thumbnail, password rules shown while the password is typed and its errors
on the field itself.

Screenshots go to test-artifacts/forms/ for a person to look at; the tests
pass or fail on their own checks.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.factories import UserFactory
from e2e.pages import DESKTOP, PHONE, expect_fits_width, field, log_in, picture
from products.factories import ProductFactory

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "forms"
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])


def shoot(page, name, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{viewport['width']}.png", full_page=True)


def prefix_of(input_locator):
    """The text of the input group's addon before `input_locator`."""
    return input_locator.locator("xpath=preceding-sibling::span[1]").inner_text()


@VIEWPORTS
def test_the_product_form_shows_dollars_and_the_current_picture(page, db, viewport):
    product = ProductFactory(name="Quiet Font Family", price_cents=1200, picture=picture())
    page.set_viewport_size(viewport)
    log_in(page, product.store.owner.email)

    page.goto(reverse("products:edit", args=[product.pk]))

    price = field(page, "Price")
    expect(price).to_have_value("12.00")
    assert prefix_of(price) == "$"
    thumbnail = page.get_by_role("img", name="The current picture")
    expect(thumbnail).to_have_js_property("complete", True)
    expect(thumbnail).not_to_have_js_property("naturalWidth", 0)
    box = thumbnail.bounding_box()
    assert (box["width"], box["height"]) == (96, 72)
    expect(page.get_by_text(product.picture.name)).to_have_count(0)
    expect_fits_width(page)
    shoot(page, "product-edit", viewport)

    price.fill("-3")
    page.get_by_role("button", name="Save changes").click()
    # The error shows under the field, after the "$" group.
    expect(page.get_by_text("Ensure this value is greater than or equal to 0.")).to_be_visible()
    shoot(page, "product-edit-price-error", viewport)


@VIEWPORTS
def test_the_checkout_and_the_codes_page_show_dollars(page, db, viewport):
    product = ProductFactory(name="Lo-fi Beat Tape", price_cents=500, pay_what_you_want=True)
    page.set_viewport_size(viewport)
    log_in(page, UserFactory().email)

    page.goto(reverse("orders:checkout", args=[product.pk]))
    amount = field(page, "Your price")
    expect(amount).to_have_value("5.00")
    assert prefix_of(amount) == "$"
    expect_fits_width(page)
    shoot(page, "checkout-pay-what-you-want", viewport)

    page.context.clear_cookies()  # logged out
    log_in(page, product.store.owner.email)
    page.goto(reverse("dashboard:codes"))
    amount_off = field(page, "Amount off")
    assert prefix_of(amount_off) == "$"
    expect_fits_width(page)
    shoot(page, "dashboard-codes", viewport)


def height_of(locator):
    return locator.evaluate("(element) => element.getBoundingClientRect().height")


@VIEWPORTS
def test_signup_shows_password_rules_while_typing_and_errors_on_the_password(page, db, viewport):
    page.set_viewport_size(viewport)
    page.goto(reverse("accounts:signup"))
    password = field(page, "Password")
    rules = page.locator("#id_password1_helptext > ul")

    # Out of the way until the password is being typed, but still the
    # field's description for screen readers.
    assert height_of(rules) <= 1
    expect(password).to_have_accessible_description(re.compile("at least 8 characters"))
    shoot(page, "signup", viewport)
    password.focus()
    assert height_of(rules) > 40
    expect(rules).to_be_visible()
    shoot(page, "signup-password-focused", viewport)

    field(page, "Email address").fill("new@example.com")
    password.fill("83749261")
    field(page, "Password confirmation").fill("83749261")
    field(page, "Store name").fill("New Things")
    page.get_by_role("button", name="Sign up").click()

    expect(password).to_have_attribute("aria-invalid", "true")
    expect(field(page, "Password confirmation")).not_to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_password1_error")
    expect(error).to_have_text("This password is entirely numeric.")
    expect(error).to_be_visible()
    shoot(page, "signup-password-error", viewport)
