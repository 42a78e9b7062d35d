import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.factories import DEFAULT_PASSWORD
from accounts.models import DUPLICATE_EMAIL_MESSAGE, User

NEW_PASSWORD = "purple-monkey-dishwasher-42"


@pytest.fixture
def superuser_client(client, db):
    admin = User.objects.create_superuser("admin@example.com", DEFAULT_PASSWORD)
    client.force_login(admin)
    return client


def test_user_list_shows_users_with_their_store(superuser_client, user):
    response = superuser_client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
    assertContains(response, user.email)
    assertContains(response, user.store.name)


def test_user_list_searches_by_email(superuser_client, user, other_user):
    response = superuser_client.get(reverse("admin:accounts_user_changelist"), {"q": "creator@"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [user]
    assertNotContains(response, other_user.email)


def test_user_list_is_closed_to_non_staff(logged_in_client):
    response = logged_in_client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_add_user_page_asks_for_email_and_password_twice(superuser_client):
    response = superuser_client.get(reverse("admin:accounts_user_add"))

    assert response.status_code == 200
    for field in ["email", "usable_password", "password1", "password2"]:
        assertContains(response, f'name="{field}"')


def test_admin_creates_a_user_with_email_and_password(superuser_client):
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": " Added@Example.com",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    added = User.objects.get(email="added@example.com")
    assertRedirects(
        response,
        reverse("admin:accounts_user_change", args=[added.pk]),
        fetch_redirect_response=False,
    )
    assert added.check_password(NEW_PASSWORD)
    assert not added.is_staff


def test_admin_add_form_reports_an_email_taken_in_another_case_once(superuser_client, user):
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": user.email.upper(),
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [DUPLICATE_EMAIL_MESSAGE]}
    assertContains(response, DUPLICATE_EMAIL_MESSAGE, count=1)
    assert User.objects.filter(email=user.email).count() == 1


def test_admin_add_form_rejects_a_weak_password(superuser_client):
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "weak@example.com",
            "usable_password": "true",
            "password1": "password",
            "password2": "password",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("password2", "password_too_common")
    assert not User.objects.filter(email="weak@example.com").exists()


def test_admin_change_page_links_to_the_password_change_form(superuser_client, user):
    change_url = reverse("admin:accounts_user_change", args=[user.pk])

    response = superuser_client.get(change_url)

    assert response.status_code == 200
    assertContains(response, 'href="../password/"')
    password_url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert password_url == change_url.removesuffix("change/") + "password/"
    assert superuser_client.get(password_url).status_code == 200


def test_admin_sets_a_new_password(superuser_client, user):
    response = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_admin_change_form_reports_an_email_taken_in_another_case_once(
    superuser_client, user, other_user
):
    response = superuser_client.post(
        reverse("admin:accounts_user_change", args=[other_user.pk]),
        {"email": user.email.upper(), "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [DUPLICATE_EMAIL_MESSAGE]
    assertContains(response, DUPLICATE_EMAIL_MESSAGE, count=1)
    other_user.refresh_from_db()
    assert other_user.email == "someone-else@example.com"
