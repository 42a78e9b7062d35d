"""Login throttling (django-axes): 5 wrong passwords for one email from one
address lock that pair for 15 minutes, on our login page and the admin's."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.factories import DEFAULT_PASSWORD
from accounts.lockout import client_ip

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "wrong-horse-battery-staple"
LOCKED_OUT_MESSAGE = "Too many failed attempts"
ATTACKER_IP = "203.0.113.7"
OWNER_IP = "198.51.100.20"


def post_login(client, email, password=DEFAULT_PASSWORD, ip=ATTACKER_IP):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password}, REMOTE_ADDR=ip
    )


def fail_logins(client, email, times=5, ip=ATTACKER_IP):
    responses = [post_login(client, email, WRONG_PASSWORD, ip) for _ in range(times)]
    return responses[-1]


def logged_in(client):
    return SESSION_KEY in client.session


def assert_locked_out(response):
    assert response.status_code == 429
    assertContains(response, LOCKED_OUT_MESSAGE, status_code=429)
    assertContains(response, "try again in 15 minutes", status_code=429)
    assertContains(response, reverse("accounts:password_reset"), status_code=429)


def test_four_wrong_passwords_still_let_the_right_one_in(client, user):
    last = fail_logins(client, user.email, times=4)

    assert last.status_code == 200
    assertContains(last, "Please enter a correct email and password.")
    assert post_login(client, user.email).status_code == 302
    assert logged_in(client)


def test_the_fifth_wrong_password_locks_the_email_and_address_with_our_page(client, user):
    last = fail_logins(client, user.email)

    assert_locked_out(last)
    assert last["Retry-After"] == str(15 * 60)
    assert "no-store" in last["Cache-Control"]
    assertContains(last, "<nav", status_code=429)  # our page, in the site's layout


def test_a_locked_out_pair_is_refused_even_with_the_right_password(client, user):
    fail_logins(client, user.email)

    response = post_login(client, user.email)

    assert_locked_out(response)
    assert not logged_in(client)


def test_the_email_in_another_case_counts_as_the_same_account(client, user):
    for email in ["creator@example.com", "CREATOR@example.com", " Creator@Example.com "] * 2:
        post_login(client, email, WRONG_PASSWORD)

    assert_locked_out(post_login(client, user.email))


def test_another_email_from_the_same_address_is_not_locked(client, user, other_user):
    fail_logins(client, user.email)

    response = post_login(client, other_user.email)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_owner_from_another_address_is_not_locked(client, user):
    fail_logins(client, user.email, ip=ATTACKER_IP)

    response = post_login(client, user.email, ip=OWNER_IP)

    assert response.status_code == 302
    assert logged_in(client)


def test_login_works_again_after_the_cool_off(client, user):
    fail_logins(client, user.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = post_login(client, user.email)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_forgets_the_earlier_failures(client, user):
    fail_logins(client, user.email, times=4)
    post_login(client, user.email)
    client.post(reverse("accounts:logout"))

    last = fail_logins(client, user.email, times=4)

    assert last.status_code == 200
    assertNotContains(last, LOCKED_OUT_MESSAGE)


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("axes_reset", []),
        ("axes_reset_username", ["creator@example.com"]),
        ("axes_reset_ip", [ATTACKER_IP]),
    ],
)
def test_the_reset_commands_unlock_at_once(client, user, command, args):
    fail_logins(client, user.email)

    call_command(command, *args, stdout=io.StringIO())

    assert post_login(client, user.email).status_code == 302


def test_the_admin_login_locks_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": admin_user.email, "password": WRONG_PASSWORD})

    response = client.post(url, {"username": admin_user.email, "password": DEFAULT_PASSWORD})

    assert_locked_out(response)
    assert not logged_in(client)


def test_admin_and_site_failures_count_together(client, admin_user):
    for _ in range(3):
        client.post(
            reverse("admin:login"), {"username": admin_user.email, "password": WRONG_PASSWORD}
        )
    fail_logins(client, admin_user.email, times=2, ip="127.0.0.1")

    assert_locked_out(post_login(client, admin_user.email, ip="127.0.0.1"))


def test_signup_logs_the_new_user_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "new@example.com",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "store_name": "New Things",
        },
    )

    assert response.status_code == 302
    assert logged_in(client)


def test_the_test_clients_login_and_force_login_still_work(client, user):
    assert client.login(email=user.email, password=DEFAULT_PASSWORD)
    client.logout()
    client.force_login(user)

    assert client.get(reverse("accounts:password_change")).status_code == 200


# The address behind proxies


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),  # no proxy: the header is anyone's claim
        (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # what our proxy saw, not the claim
        (2, "192.0.2.66, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (1, "", "10.0.0.1"),  # a proxy that sent nothing
        (2, "192.0.2.1", "10.0.0.1"),  # fewer entries than proxies
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_entries_our_proxies_added(
    settings, proxy_count, forwarded_for, expected
):
    settings.PROXY_COUNT = proxy_count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


def test_behind_a_proxy_visitors_are_told_apart_by_forwarded_for(client, settings, user):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("accounts:login"),
            {"email": user.email, "password": WRONG_PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=ATTACKER_IP,
        )

    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=OWNER_IP,
    )

    assert response.status_code == 302
