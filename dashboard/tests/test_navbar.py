"""The navbar's account menu, which leads a creator to their dashboard."""

import re

import pytest
from django.urls import reverse

from accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def account_menu(html):
    """[(text, href or the action of the button's form)] of the account
    dropdown's entries. A button's form is outside the menu (it carries the
    request's CSRF token; the menu is cached)."""
    menu = re.search(r'<ul class="dropdown-menu[^"]*">(.*?)</ul>', html, re.DOTALL)
    assert menu, "no account menu"
    links = re.findall(r'<a class="dropdown-item" href="([^"]*)">([^<]*)</a>', menu.group(1))
    buttons = re.findall(
        r'<button type="submit" form="([^"]*)" class="dropdown-item">([^<]*)</button>',
        menu.group(1),
    )
    actions = dict(re.findall(r'<form id="([^"]*)" method="post" action="([^"]*)">', html))
    return [(text, href) for href, text in links] + [
        (text, actions[form_id]) for form_id, text in buttons
    ]


def test_creator_account_menu_links_to_their_pages(logged_in_client, user):
    html = logged_in_client.get(reverse("products:index")).text

    assert user.email in html
    assert account_menu(html) == [
        ("Dashboard", reverse("dashboard:index")),
        ("My store", user.store.get_absolute_url()),
        ("Library", reverse("orders:library")),
        ("Change password", reverse("accounts:password_change")),
        ("Log out", reverse("accounts:logout")),
    ]


def test_account_without_a_store_has_no_dashboard_in_its_menu(client):
    client.force_login(UserFactory())

    html = client.get(reverse("products:index")).text

    assert account_menu(html) == [
        ("Library", reverse("orders:library")),
        ("Change password", reverse("accounts:password_change")),
        ("Log out", reverse("accounts:logout")),
    ]


def test_visitor_has_no_account_menu(client):
    html = client.get(reverse("products:index")).text

    assert 'class="dropdown-menu' not in html
    assert reverse("dashboard:index") not in html
