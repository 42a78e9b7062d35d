"""Helpers for reading the pages tests get back; the orders tests use them too."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse


def messages_in(response):
    return [str(message) for message in response.context["messages"]]


def assert_redirects_to_login(response, next_url):
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [next_url]
