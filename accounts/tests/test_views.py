import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django.views.debug import SafeExceptionReporterFilter
from pytest_django.asserts import (
    assertContains,
    assertNotContains,
    assertRedirects,
    assertTemplateUsed,
)

from accounts.factories import DEFAULT_PASSWORD, SignupDataFactory, UserFactory
from accounts.forms import LoginForm, SignupForm
from accounts.models import DUPLICATE_EMAIL_MESSAGE, User
from accounts.tasks import send_password_reset
from products.models import Store

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "purple-monkey-dishwasher-42"
CLEANSED_SUBSTITUTE = SafeExceptionReporterFilter.cleansed_substitute
UNSAFE_NEXT_URLS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def session_user_id(client):
    """The id of the user the client's session is logged in as, or None."""
    user_id = client.session.get(SESSION_KEY)
    return int(user_id) if user_id is not None else None


def post_signup(client, **overrides):
    return client.post(reverse("accounts:signup"), SignupDataFactory(**overrides))


def post_login(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password, **extra})


def assert_field_error_shown(response, field, code):
    """A 200 re-render whose form has the error on `field`, shown on the page."""
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error(field, code), form.errors.as_data()
    for message in form.errors[field]:
        assertContains(response, escape(message))


def link_query(response, path):
    """The query of the page's own link to `path` (not the navbar's), decoded."""
    main = re.search(r"<main\b.*?</main>", response.content.decode(), re.S)[0]
    match = re.search(rf'href="({re.escape(path)}[^"]*)"', main)
    assert match, f"no link to {path}"
    return parse_qs(urlsplit(unescape(match[1])).query)


# Signup


def test_signup_page_shows_the_form(client):
    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 200
    assert isinstance(response.context["form"], SignupForm)
    assertContains(response, 'name="store_name"')


def test_signup_creates_user_and_store_logs_in_and_redirects_to_products(client):
    response = post_signup(client)

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    user = User.objects.get()
    assert user.email == "new@example.com"
    assert user.check_password(DEFAULT_PASSWORD)
    store = Store.objects.get()
    assert store.owner == user
    assert store.name == "New Things"
    assert session_user_id(client) == user.pk
    assert messages_of(response) == ["Welcome to Yumroad! Your account and store are ready."]


def test_signup_success_message_is_shown_on_the_products_page(client):
    response = client.post(reverse("accounts:signup"), SignupDataFactory(), follow=True)

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assertContains(response, "Your account and store are ready.")
    assertContains(response, "new@example.com")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"email": ""}, "email", "required"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": "user@"}, "email", "invalid"),
        ({"password2": "another-horse-battery"}, "password2", "password_mismatch"),
        ({"password1": "", "password2": ""}, "password1", "required"),
        ({"password1": "password", "password2": "password"}, "password1", "password_too_common"),
        (
            {"password1": "83749261", "password2": "83749261"},
            "password1",
            "password_entirely_numeric",
        ),
        ({"password1": "Xy7!pq", "password2": "Xy7!pq"}, "password1", "password_too_short"),
        ({"store_name": ""}, "store_name", "required"),
        ({"store_name": "abc"}, "store_name", "min_length"),
        ({"store_name": "x" * 61}, "store_name", "max_length"),
    ],
    ids=[
        "blank-email",
        "malformed-email",
        "email-without-domain",
        "mismatched-passwords",
        "blank-password",
        "common-password",
        "numeric-password",
        "short-password",
        "blank-store-name",
        "short-store-name",
        "long-store-name",
    ],
)
def test_signup_with_bad_input_rerenders_with_field_error_and_saves_nothing(
    client, overrides, field, code
):
    response = post_signup(client, **overrides)

    assert_field_error_shown(response, field, code)
    assertContains(response, 'name="email"')
    assert User.objects.count() == 0
    assert Store.objects.count() == 0
    assert session_user_id(client) is None


def test_signup_with_an_email_taken_in_another_case_shows_the_error_once(client, user):
    response = post_signup(client, email="  " + user.email.upper())

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [DUPLICATE_EMAIL_MESSAGE]}
    assertContains(response, DUPLICATE_EMAIL_MESSAGE, count=1)
    assert User.objects.count() == 1
    assert Store.objects.count() == 1


def test_signup_race_on_the_same_email_shows_the_field_error_not_a_500(client, monkeypatch):
    """Another signup commits the email after this form checked it."""
    original_save = SignupForm.save

    def save_after_a_competitor(form):
        UserFactory(email="racer@example.com")
        return original_save(form)

    monkeypatch.setattr(SignupForm, "save", save_after_a_competitor)

    response = post_signup(client, email="Racer@Example.com")

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [DUPLICATE_EMAIL_MESSAGE]}
    assertContains(response, DUPLICATE_EMAIL_MESSAGE, count=1)
    assert User.objects.get().email == "racer@example.com"
    assert Store.objects.count() == 0
    assert session_user_id(client) is None


def test_signup_saves_no_user_when_the_store_cannot_be_saved(client):
    """A store that fails for another reason is our error (a 500), not a
    taken email: that message would send the visitor on a wild goose chase."""
    with (
        mock.patch("products.models.Store.save", side_effect=IntegrityError),
        pytest.raises(IntegrityError),
    ):
        post_signup(client)

    assert User.objects.count() == 0
    assert Store.objects.count() == 0
    assert session_user_id(client) is None


def test_signup_gives_stores_with_the_same_name_different_slugs(client, user):
    user.store.name = "Same Name"
    user.store.save()

    response = post_signup(client, store_name="Same Name")

    assert response.status_code == 302
    new_store = User.objects.get(email="new@example.com").store
    assert new_store.slug != user.store.slug


# Login


def test_login_page_shows_the_form(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert isinstance(response.context["form"], LoginForm)


def test_login_logs_in_and_redirects_to_products(client, user):
    response = post_login(client, user.email)

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert session_user_id(client) == user.pk
    assert messages_of(response) == ["Logged in successfully."]


def test_login_success_message_is_shown_on_the_products_page(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assertContains(response, "Logged in successfully.")


def test_login_matches_the_email_in_any_case_with_surrounding_spaces(client, user):
    response = post_login(client, "  CREATOR@Example.com  ")

    assert response.status_code == 302
    assert session_user_id(client) == user.pk


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("creator@example.com", "wrong-horse-battery-staple"),
        ("nobody@example.com", DEFAULT_PASSWORD),
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_login_failure_gives_the_same_message_for_wrong_password_and_unknown_email(
    client, user, email, password
):
    response = post_login(client, email, password)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct email and password."
    ]
    assertContains(response, "Please enter a correct email and password.", count=1)
    assert session_user_id(client) is None


def test_login_refuses_an_inactive_user(client):
    UserFactory(email="gone@example.com", is_active=False)

    response = post_login(client, "gone@example.com")

    assertContains(response, "Please enter a correct email and password.")
    assert session_user_id(client) is None


@pytest.mark.parametrize("field", ["email", "password"])
def test_login_requires_email_and_password(client, user, field):
    data = {"email": user.email, "password": DEFAULT_PASSWORD, field: ""}

    response = client.post(reverse("accounts:login"), data)

    assert_field_error_shown(response, field, "required")
    assert session_user_id(client) is None


def test_login_rotates_the_session_key(client, user):
    key_before = client.session.session_key
    assert key_before

    post_login(client, user.email)

    assert session_user_id(client) == user.pk
    assert client.session.session_key != key_before


def test_login_records_the_last_login(client, user):
    assert user.last_login is None

    post_login(client, user.email)

    user.refresh_from_db()
    assert user.last_login is not None


# next: honoured, carried between the two pages, never off-site


def test_login_redirects_to_next_url(client, user):
    response = post_login(client, user.email, next="/products/create/")

    assertRedirects(response, "/products/create/", fetch_redirect_response=False)


def test_signup_redirects_to_next_url(client):
    response = post_signup(client, next="/products/create/")

    assertRedirects(response, "/products/create/", fetch_redirect_response=False)
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("page", "other_page"),
    [("accounts:login", "accounts:signup"), ("accounts:signup", "accounts:login")],
)
def test_next_is_kept_in_the_form_and_the_link_to_the_other_page(client, page, other_page):
    response = client.get(reverse(page), {"next": "/products/create/"})

    assertContains(
        response, '<input type="hidden" name="next" value="/products/create/">', html=True
    )
    assert link_query(response, reverse(other_page)) == {"next": ["/products/create/"]}


def test_next_with_its_own_query_survives_the_link_between_pages(client):
    next_url = "/products/?q=soap&page=2"

    response = client.get(reverse("accounts:login"), {"next": next_url})

    assert link_query(response, reverse("accounts:signup")) == {"next": [next_url]}


@pytest.mark.parametrize("page", ["accounts:login", "accounts:signup"])
def test_pages_without_next_link_to_each_other_plainly(client, page):
    response = client.get(reverse(page))

    assertNotContains(response, "?next=")
    assertContains(response, '<input type="hidden" name="next" value="">', html=True)


@pytest.mark.parametrize("next_url", UNSAFE_NEXT_URLS)
@pytest.mark.parametrize("page", ["accounts:login", "accounts:signup"])
def test_unsafe_next_is_not_carried_on_the_page(client, page, next_url):
    response = client.get(reverse(page), {"next": next_url})

    assert response.status_code == 200
    assert response.context["next"] == ""
    assertNotContains(response, "evil.example")
    assertNotContains(response, "javascript:")


@pytest.mark.parametrize("next_url", UNSAFE_NEXT_URLS)
def test_login_ignores_an_unsafe_next_url(client, user, next_url):
    response = post_login(client, user.email, next=next_url)

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert session_user_id(client) == user.pk


@pytest.mark.parametrize("next_url", UNSAFE_NEXT_URLS)
def test_signup_ignores_an_unsafe_next_url(client, next_url):
    response = post_signup(client, next=next_url)

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert User.objects.count() == 1


@pytest.mark.parametrize("next_url", UNSAFE_NEXT_URLS)
def test_login_ignores_an_unsafe_next_url_in_the_query_string(client, user, next_url):
    response = client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"email": user.email, "password": DEFAULT_PASSWORD},
    )

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)


def test_login_required_page_sends_anonymous_visitor_to_login_with_next(client):
    response = client.get(reverse("products:create"))

    assertRedirects(response, "/accounts/login/?next=/products/create/")


def test_login_with_next_from_login_required_lands_on_the_wanted_page(client, user):
    login_url = client.get(reverse("products:create")).url

    response = client.post(
        login_url,
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/products/create/"},
        follow=True,
    )

    assert response.redirect_chain == [("/products/create/", 302)]
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/products/create/"


# Logout


def test_logout_get_is_not_allowed(logged_in_client, user):
    response = logged_in_client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert session_user_id(logged_in_client) == user.pk


def test_logout_get_is_a_page_of_ours_with_the_logout_button(logged_in_client, user):
    response = logged_in_client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assertTemplateUsed(response, "accounts/logout_confirm.html")
    assertContains(response, "Log out?", status_code=405)
    assertContains(response, user.email, status_code=405)
    main = re.search(r"<main\b.*?</main>", response.text, re.S)[0]
    form = re.search(r"<form\b([^>]*)>(.*?)</form>", main, re.S)
    assert form, "no logout form"
    attributes, inside = form.groups()
    assert 'method="post"' in attributes
    assert f'action="{reverse("accounts:logout")}"' in attributes
    assert 'name="csrfmiddlewaretoken"' in inside
    assert re.search(r'<button type="submit"[^>]*>Log out</button>', inside)
    assert session_user_id(logged_in_client) == user.pk


def test_logout_page_button_logs_out_with_its_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("accounts:logout"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert session_user_id(client) is None


def test_logout_get_by_anonymous_visitor_offers_to_log_in(client):
    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assertContains(response, "You are not logged in", status_code=405)
    assertContains(response, f'href="{reverse("accounts:login")}"', status_code=405)
    main = re.search(r"<main\b.*?</main>", response.text, re.S)[0]
    assert "<form" not in main


@pytest.mark.parametrize("method", ["put", "delete"])
def test_logout_other_methods_are_not_allowed_and_log_no_one_out(logged_in_client, user, method):
    response = getattr(logged_in_client, method)(reverse("accounts:logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert session_user_id(logged_in_client) == user.pk


def test_logout_logs_out_and_redirects_to_products(logged_in_client):
    response = logged_in_client.post(reverse("accounts:logout"))

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert session_user_id(logged_in_client) is None
    assert messages_of(response) == ["You have been logged out."]


def test_logout_after_form_login_logs_out(authenticated_client):
    response = authenticated_client.post(reverse("accounts:logout"), follow=True)

    assertContains(response, "You have been logged out.")
    assert not response.context["user"].is_authenticated


def test_logout_by_anonymous_visitor_just_redirects(client):
    response = client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assert response.status_code == 200
    assertNotContains(response, "You have been logged out.")


def test_logout_without_csrf_token_is_refused_and_keeps_the_user_logged_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 403
    assert session_user_id(client) == user.pk


def test_logout_with_csrf_token_from_the_navbar_logs_out(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("home"))

    response = client.post(
        reverse("accounts:logout"),
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 302
    assert session_user_id(client) is None


# Already logged in


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["accounts:login", "accounts:signup"])
def test_logged_in_user_opening_login_or_signup_is_sent_to_products(
    logged_in_client, user, other_user, page, method
):
    data = {"email": other_user.email, "password": DEFAULT_PASSWORD} if method == "post" else {}

    response = getattr(logged_in_client, method)(reverse(page), data)

    assertRedirects(response, reverse("products:index"), fetch_redirect_response=False)
    assert messages_of(response) == ["You are already logged in."]
    assert session_user_id(logged_in_client) == user.pk
    assert User.objects.count() == 2


# Navbar


def navbar(response):
    match = re.search(r"<nav\b.*?</nav>", response.content.decode(), re.S)
    assert match, "no navbar"
    return match[0]


def test_navbar_shows_email_and_logout_form_when_logged_in(logged_in_client, user):
    response = logged_in_client.get(reverse("home"))
    page, nav = response.text, navbar(response)

    assert user.email in nav
    # The menu's button posts a form outside the (cached) navbar.
    button = re.search(r'<button type="submit" form="([^"]+)"[^>]*>Log out</button>', nav)
    assert button, "no logout button"
    form = re.search(rf'<form id="{button[1]}"([^>]*)>(.*?)</form>', page, re.S)
    assert form, "no logout form"
    attributes, inside = form.groups()
    assert 'method="post"' in attributes
    assert f'action="{reverse("accounts:logout")}"' in attributes
    assert 'name="csrfmiddlewaretoken"' in inside
    assert ">Log in<" not in nav
    assert ">Sign up<" not in nav


def test_navbar_shows_login_and_signup_links_when_logged_out(client):
    nav = navbar(client.get(reverse("home")))

    assert f'href="{reverse("accounts:login")}">Log in<' in nav
    assert re.search(rf'href="{reverse("accounts:signup")}">\s*Sign up\s*<', nav)
    assert reverse("accounts:logout") not in nav


# Password change and reset


def test_password_change_requires_login(client):
    url = reverse("accounts:password_change")

    response = client.get(url)

    assertRedirects(response, f"{reverse('accounts:login')}?next={url}")


def test_password_change_sets_the_new_password_and_keeps_the_user_logged_in(logged_in_client, user):
    response = logged_in_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assertRedirects(response, reverse("accounts:password_change_done"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_client.get(reverse("home")).context["user"] == user


def test_password_change_with_wrong_old_password_changes_nothing(logged_in_client, user):
    response = logged_in_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong-horse-battery-staple",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert_field_error_shown(response, "old_password", "password_incorrect")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_reports_a_weak_password_on_the_new_password_field(logged_in_client, user):
    response = logged_in_client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )

    assert_field_error_shown(response, "new_password1", "password_too_short")
    assert "new_password2" not in response.context["form"].errors


def test_password_reset_reports_a_weak_password_on_the_new_password_field(client, user, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    set_password_url = client.get(reset_link(mailoutbox[0])).url

    response = client.post(set_password_url, {"new_password1": "12345", "new_password2": "12345"})

    assert_field_error_shown(response, "new_password1", "password_too_short")
    assert "new_password2" not in response.context["form"].errors


def reset_link(message):
    """The path of the email's reset link, which starts with SITE_URL (a task sends it)."""
    match = re.search(
        re.escape(settings.SITE_URL)
        + r"(/accounts/password/reset/(?P<uidb64>[^/\s]+)/(?P<token>[^/\s]+)/)",
        message.body,
    )
    assert match, message.body
    return match[1]


def test_password_reset_emails_a_link_that_sets_a_new_password(client, user, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "Creator@Example.com"})

    assertRedirects(response, reverse("accounts:password_reset_done"))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]

    response = client.get(reset_link(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assertRedirects(response, reverse("accounts:password_reset_complete"))

    response = post_login(client, user.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert session_user_id(client) == user.pk


def test_password_reset_link_works_only_once(client, user, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = reset_link(mailoutbox[0])
    set_password_url = client.get(link).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]


def test_password_reset_for_unknown_email_shows_done_page_and_sends_nothing(
    client, user, mailoutbox
):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.com"}, follow=True
    )

    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assertContains(response, "Check your email")
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["Creator@Example.com", "nobody@example.com"])
def test_password_reset_request_only_enqueues_the_task_for_any_email(
    client, user, mailoutbox, monkeypatch, email
):
    """A real and an unknown email take the same path in the request: no
    lookup of the user, no token, no email there."""
    task = mock.Mock()
    monkeypatch.setattr("accounts.forms.send_password_reset", task)

    response = client.post(reverse("accounts:password_reset"), {"email": email})

    assertRedirects(response, reverse("accounts:password_reset_done"))
    task.enqueue.assert_called_once_with(email)
    assert mailoutbox == []


def test_password_reset_task_emails_the_link_starting_with_the_site_url(user, mailoutbox):
    send_password_reset.enqueue("Creator@Example.com")

    assert [message.to for message in mailoutbox] == [[user.email]]
    assert reset_link(mailoutbox[0]).startswith("/accounts/password/reset/")


def test_password_reset_task_for_an_unknown_email_sends_nothing(user, mailoutbox):
    send_password_reset.enqueue("nobody@example.com")

    assert mailoutbox == []


# Pages that take passwords: never cached, kept out of error reports


def password_reset_confirm_url(user):
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@pytest.mark.parametrize(
    "page",
    ["accounts:login", "accounts:signup", "accounts:password_reset", "accounts:password_change"],
)
def test_account_pages_are_never_cached(client, user, page):
    if page == "accounts:password_change":
        client.force_login(user)

    response = client.get(reverse(page))

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= cache_control


def test_password_reset_confirm_page_is_never_cached(client, user):
    response = client.get(password_reset_confirm_url(user), follow=True)

    assert response.context["validlink"]
    assert "no-store" in response["Cache-Control"]


def post_to(client, user, page):
    """A POST with a password to `page`; the response (its request, with it)."""
    wrong = {"password": "wrong-horse-battery-staple"}
    if page == "accounts:login":
        return client.post(reverse(page), {"email": user.email, **wrong})
    if page == "accounts:signup":
        return post_signup(client, password2="another-horse-battery")
    if page == "accounts:password_change":
        client.force_login(user)
        return client.post(reverse(page), {"old_password": wrong["password"]})
    set_password_url = client.get(password_reset_confirm_url(user)).url
    return client.post(set_password_url, {"new_password1": "x", "new_password2": "y"})


@pytest.mark.parametrize(
    "page",
    [
        "accounts:login",
        "accounts:signup",
        "accounts:password_change",
        "accounts:password_reset_confirm",
    ],
)
def test_passwords_posted_to_account_pages_are_hidden_from_error_reports(client, user, page):
    response = post_to(client, user, page)

    assert response.status_code == 200  # the form again, with its error
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    password_fields = [name for name in reported if "password" in name]
    assert password_fields
    assert {reported[name] for name in password_fields} == {CLEANSED_SUBSTITUTE}


def test_login_form_clean_hides_the_password_from_error_reports(rf, monkeypatch):
    """Should authenticate() fail, the report of clean's variables keeps the password out."""
    monkeypatch.setattr("accounts.forms.authenticate", mock.Mock(side_effect=RuntimeError))
    request = rf.post(reverse("accounts:login"))
    form = LoginForm(request, {"email": "creator@example.com", "password": "s3cret-in-clean"})

    with pytest.raises(RuntimeError) as raised:
        form.is_valid()

    traceback = raised.tb
    while traceback.tb_frame.f_code is not LoginForm.clean.__wrapped__.__code__:
        traceback = traceback.tb_next
    variables = dict(
        SafeExceptionReporterFilter().get_traceback_frame_variables(request, traceback.tb_frame)
    )
    assert variables["password"] == CLEANSED_SUBSTITUTE
    assert "s3cret-in-clean" not in repr(variables)


# Bad input never gives a 500

LONG_EMAIL = "a" * (10_000 - len("@example.com")) + "@example.com"
LONG_PASSWORD = "long-pass" * 555 + "words"


@pytest.mark.parametrize(
    ("overrides", "error_field"),
    [
        ({"email": LONG_EMAIL}, "email"),
        ({"password1": LONG_PASSWORD, "password2": LONG_PASSWORD}, None),
        ({"password1": LONG_PASSWORD, "password2": LONG_PASSWORD[:-1]}, "password2"),
        ({"email": "nul\x00@example.com"}, "email"),
        (
            {"password1": "correct\x00horse-battery", "password2": "correct\x00horse-battery"},
            "password1",
        ),
        ({"store_name": "Null\x00 Store"}, "store_name"),
        ({"email": "\U0001f600@example.com"}, "email"),
        ({"password1": "\U0001f600" * 10, "password2": "\U0001f600" * 10}, None),
        ({"store_name": "Emoji \U0001f600 Shop"}, None),
        ({"store_name": "\U0001f600" * 4}, None),
        ({"store_name": "\U0001f600" * 61}, "store_name"),
    ],
    ids=[
        "10000-char-email",
        "5000-char-password",
        "5000-char-password-mismatched",
        "nul-in-email",
        "nul-in-password",
        "nul-in-store-name",
        "emoji-email",
        "emoji-password",
        "emoji-in-store-name",
        "emoji-only-store-name",
        "too-many-emoji-store-name",
    ],
)
def test_signup_handles_hostile_input_without_a_500(client, overrides, error_field):
    response = post_signup(client, **overrides)

    if error_field is None:
        assert response.status_code == 302
        assert User.objects.count() == 1
        assert Store.objects.get().slug
    else:
        assert response.status_code == 200
        assert error_field in response.context["form"].errors
        assert User.objects.count() == 0
        assert Store.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "password", "error_field"),
    [
        (LONG_EMAIL, DEFAULT_PASSWORD, "email"),
        ("creator@example.com", LONG_PASSWORD, "__all__"),
        ("nul\x00@example.com", DEFAULT_PASSWORD, "email"),
        ("creator@example.com", "correct-horse\x00battery-staple", "password"),
        ("\U0001f600@example.com", DEFAULT_PASSWORD, "email"),
        ("creator@example.com", "\U0001f600" * 10, "__all__"),
    ],
    ids=[
        "10000-char-email",
        "5000-char-password",
        "nul-in-email",
        "nul-in-password",
        "emoji-email",
        "emoji-password",
    ],
)
def test_login_handles_hostile_input_without_a_500(client, user, email, password, error_field):
    response = post_login(client, email, password)

    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    assert session_user_id(client) is None
