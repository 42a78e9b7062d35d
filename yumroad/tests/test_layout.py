"""The frame every page shares (templates/base.html): the skip link, the
footer's links, and the admin's name for the site."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML

from accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def footer_links(response):
    """The footer's links as (text, href), in order."""
    match = re.search(r"<footer\b.*?</footer>", response.text, re.S)
    assert match, "no footer"
    return [
        (re.sub(r"\s+", " ", text).strip(), href)
        for href, text in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', match[0], re.S)
    ]


SHOP_LINKS = [
    ("Products", reverse("products:index")),
    ("Stores", reverse("products:store_index")),
]


@pytest.mark.parametrize("name", ["home", "products:index", "accounts:login"])
def test_the_first_link_on_a_page_skips_to_its_main_content(client, name):
    response = client.get(reverse(name))

    first_link = re.search(r"<body\b.*?(<a\b[^>]*>.*?</a>)", response.text, re.S)[1]
    assertInHTML(
        '<a class="skip-link visually-hidden-focusable" href="#content">Skip to content</a>',
        first_link,
    )
    assert re.search(r'<main\b[^>]*\bid="content"', response.text)


def test_footer_invites_a_visitor_to_sell(client):
    response = client.get(reverse("home"))

    assert footer_links(response) == [
        *SHOP_LINKS,
        ("Sell on Yumroad", reverse("accounts:signup")),
    ]


def test_footer_links_a_creator_to_a_new_product_their_dashboard_and_library(logged_in_client):
    response = logged_in_client.get(reverse("home"))

    assert footer_links(response) == [
        *SHOP_LINKS,
        ("Sell on Yumroad", reverse("products:create")),
        ("Dashboard", reverse("dashboard:index")),
        ("Library", reverse("orders:library")),
    ]


def test_footer_of_an_account_without_a_store_links_to_its_library_only(client):
    # Accounts made in the admin or by createsuperuser have no store, and
    # cannot sell (products:create turns them away).
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert footer_links(response) == [*SHOP_LINKS, ("Library", reverse("orders:library"))]


def test_admin_calls_itself_yumroad_administration(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assertContains(response, "<title>Stores, products and sales | Yumroad administration</title>")
    assertInHTML(
        f'<div id="site-name"><a href="{reverse("admin:index")}">Yumroad administration</a></div>',
        response.text,
    )
    assertContains(response, "Django administration", count=0)
