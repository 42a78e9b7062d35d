"""What a visitor does in the browser, as steps the journeys share."""

import io
import re

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from accounts.factories import DEFAULT_PASSWORD

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def png(color="#0d6efd", size=(40, 30)):
    """A small real PNG, as bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def picture():
    """An uploaded picture for a factory-made product."""
    return ContentFile(png("#d63384"), name="picture.png")


def field(page, label):
    """The form field labelled `label` (crispy marks a required one with "*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def log_in(page, email, password=DEFAULT_PASSWORD):
    page.goto(reverse("accounts:login"))
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Logged in successfully.")).to_be_visible()


def account_menu(page):
    """Open the navbar's account menu (under the user's email) and return it."""
    navbar = page.get_by_role("navigation").first
    navbar.get_by_role("button", name=re.compile(r"^Account menu for ")).click()
    menu = navbar.locator(".dropdown-menu")
    expect(menu).to_be_visible()
    return menu


def log_out(page):
    account_menu(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


def expect_fits_width(page):
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["window"], f"{page.url} scrolls sideways: {widths}"


def current_page(page):
    """The pager's current page number ("Page 2"), as screen readers read it."""
    pager = page.get_by_role("navigation", name="Pages")
    return pager.locator('[aria-current="page"]')
