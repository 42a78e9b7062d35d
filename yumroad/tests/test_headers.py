"""Security headers on every page: CSP, Permissions-Policy, private caching."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from products.factories import ProductFactory

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def test_pages_carry_an_enforced_content_security_policy(client):
    response = client.get(reverse("home"))

    assert policy(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    assert "Content-Security-Policy-Report-Only" not in response


def test_error_pages_and_the_admin_carry_the_policy_too(client, admin_client):
    assert "script-src" in policy(client.get("/no-such-page/"))
    assert "script-src" in policy(admin_client.get(reverse("admin:index")))


def test_pages_turn_off_the_browser_features_the_site_never_uses(client):
    features = client.get(reverse("home"))["Permissions-Policy"].split(", ")

    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in features


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("products:index"),
        reverse("dashboard:index"),
        reverse("orders:library"),
        "/no-such-page/",
    ],
)
def test_every_page_for_a_logged_in_user_is_private(logged_in_client, url):
    response = logged_in_client.get(url)

    assert "private" in response["Cache-Control"]


def test_a_product_page_for_a_logged_in_user_is_private(logged_in_client):
    product = ProductFactory()

    response = logged_in_client.get(product.get_absolute_url())

    assert "private" in response["Cache-Control"]


def test_pages_for_visitors_are_not_marked_private(client):
    response = client.get(reverse("home"))

    assert "private" not in response.get("Cache-Control", "")


INLINE_CODE = {
    "style= attribute": re.compile(r"\sstyle\s*="),
    "<style> element": re.compile(r"<style[\s>]"),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"),
    "on…= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_have_no_inline_styles_or_scripts():
    """The policy would block them; this finds them before a browser does."""
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in sorted((settings.BASE_DIR / "templates").rglob("*"))
        if path.suffix in {".html", ".svg"}
        for what, pattern in INLINE_CODE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]

    assert found == []
