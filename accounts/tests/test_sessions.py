"""Sessions and logged-in users are read with SQL of our own
(yumroad.sessions, accounts.backends): they must behave as Django's."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LIBRARY = reverse("orders:library")


@pytest.fixture
def browser(user):
    """A browser logged in through the login form, with its session cookie."""
    client = Client()
    client.post(reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD})
    assert client.get(LIBRARY).status_code == 200
    return client


def session_key(browser):
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_session_lasts_until_it_expires(browser):
    Session.objects.filter(session_key=session_key(browser)).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert browser.get(LIBRARY).status_code == 302


def test_a_session_keeps_what_the_site_stored_in_it(browser):
    session = Session.objects.get(session_key=session_key(browser)).get_decoded()

    assert session["_auth_user_id"]
    assert browser.get(LIBRARY).wsgi_request.session["_auth_user_id"] == session["_auth_user_id"]


def test_an_unknown_session_key_is_a_visitor_with_a_new_session(browser):
    browser.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32

    response = browser.get(LIBRARY)

    assert response.status_code == 302
    assert response.wsgi_request.session.session_key is None


def test_a_copied_cookie_stops_working_at_logout(browser):
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = session_key(browser)
    assert copy.get(LIBRARY).status_code == 200

    browser.post(reverse("accounts:logout"))

    assert copy.get(LIBRARY).status_code == 302


def test_a_deactivated_user_is_logged_out(browser, user):
    user.is_active = False
    user.save()

    assert browser.get(LIBRARY).status_code == 302


def test_a_password_change_elsewhere_logs_the_session_out(browser, user):
    user.set_password("another-tasty-pastry-43")
    user.save()

    assert browser.get(LIBRARY).status_code == 302


def test_the_logged_in_user_is_the_sessions(browser, user, other_user):
    # other_user exists too: the user is found by the session's id, not first.
    assert browser.get(LIBRARY).wsgi_request.user == user
