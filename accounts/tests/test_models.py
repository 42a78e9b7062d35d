import builtins
import getpass

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from accounts.models import DUPLICATE_EMAIL_MESSAGE, User

EXAMPLE_EMAIL = "test@example.com"

pytestmark = pytest.mark.django_db


# Ported from the seed's Flask tests.


def test_user_creation_saves_one_user_with_a_hashed_password():
    assert User.objects.count() == 0

    user = User.objects.create_user(EXAMPLE_EMAIL, DEFAULT_PASSWORD)

    assert User.objects.count() == 1
    assert user.password != DEFAULT_PASSWORD
    assert DEFAULT_PASSWORD not in user.password
    assert user.check_password(DEFAULT_PASSWORD)
    assert not user.check_password("wrong-horse-battery-staple")


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("", DEFAULT_PASSWORD),
        ("   ", DEFAULT_PASSWORD),
        (None, DEFAULT_PASSWORD),
        ("not-an-email", DEFAULT_PASSWORD),
        ("two@@example.com", DEFAULT_PASSWORD),
        ("user@", DEFAULT_PASSWORD),
        (EXAMPLE_EMAIL, ""),
        (EXAMPLE_EMAIL, None),
        (EXAMPLE_EMAIL, "password"),
        (EXAMPLE_EMAIL, "12345678"),
        (EXAMPLE_EMAIL, "Xy7!"),
        (EXAMPLE_EMAIL, "test@example.com"),
    ],
    ids=[
        "blank-email",
        "spaces-email",
        "no-email",
        "malformed-email",
        "double-at-email",
        "no-domain-email",
        "blank-password",
        "no-password",
        "common-password",
        "numeric-password",
        "short-password",
        "password-like-email",
    ],
)
def test_create_user_rejects_bad_email_or_password_and_saves_nothing(email, password):
    assert User.objects.count() == 0

    with pytest.raises(ValueError):
        User.objects.create_user(email, password)

    assert User.objects.count() == 0


def test_create_user_stores_email_stripped_and_lower_cased():
    user = User.objects.create_user("  Someone@Example.COM ", DEFAULT_PASSWORD)

    user.refresh_from_db()
    assert user.email == "someone@example.com"


def test_create_user_rejects_an_email_taken_in_another_case():
    User.objects.create_user("a@x.com", DEFAULT_PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("A@x.com", DEFAULT_PASSWORD)

    assert User.objects.count() == 1


def test_database_rejects_an_email_differing_only_in_case_when_saved_directly():
    """The Lower("email") constraint guards writes that skip the manager."""
    User.objects.create_user("b@x.com", DEFAULT_PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="B@X.COM").save()

    assert User.objects.count() == 1


def test_new_user_is_active_and_not_staff():
    user = UserFactory()

    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser


def test_user_is_shown_by_email():
    assert str(UserFactory(email="shown@example.com")) == "shown@example.com"


def test_full_clean_lower_cases_the_email():
    user = User(email="Clean@Example.COM")
    user.set_password(DEFAULT_PASSWORD)

    user.full_clean()

    assert user.email == "clean@example.com"


def test_full_clean_reports_an_email_taken_in_another_case_once():
    UserFactory(email="taken@example.com")
    user = User(email="Taken@Example.com")
    user.set_password(DEFAULT_PASSWORD)

    with pytest.raises(ValidationError) as caught:
        user.full_clean()

    assert caught.value.message_dict == {"email": [DUPLICATE_EMAIL_MESSAGE]}


def test_get_by_natural_key_matches_any_case_and_surrounding_spaces():
    user = UserFactory(email="natural@example.com")

    assert User.objects.get_by_natural_key("  Natural@EXAMPLE.com ") == user


def test_create_superuser_sets_staff_and_superuser():
    admin = User.objects.create_superuser("admin@example.com", DEFAULT_PASSWORD)

    assert admin.is_staff
    assert admin.is_superuser
    assert admin.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_create_superuser_rejects_a_superuser_without_the_flags(flag):
    with pytest.raises(ValueError, match=flag):
        User.objects.create_superuser("admin@example.com", DEFAULT_PASSWORD, **{flag: False})

    assert User.objects.count() == 0


# manage.py createsuperuser


def test_createsuperuser_noinput_creates_a_superuser_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Boss@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", DEFAULT_PASSWORD)

    call_command("createsuperuser", interactive=False, verbosity=0)

    admin = User.objects.get()
    assert admin.email == "boss@example.com"
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.check_password(DEFAULT_PASSWORD)


def test_createsuperuser_noinput_rejects_an_email_taken_in_another_case(monkeypatch, user):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", user.email.upper())
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", DEFAULT_PASSWORD)

    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, verbosity=0)

    assert User.objects.count() == 1
    assert not User.objects.get().is_superuser


def test_createsuperuser_noinput_rejects_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "password")

    with pytest.raises(ValueError):
        call_command("createsuperuser", interactive=False, verbosity=0)

    assert User.objects.count() == 0


class FakeTTY:
    """Stands in for a terminal: createsuperuser only prompts on a TTY."""

    def isatty(self):
        return True


def test_createsuperuser_interactive_asks_for_email_and_password(monkeypatch):
    answers = iter(["Boss@Example.com"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": DEFAULT_PASSWORD)

    call_command("createsuperuser", interactive=True, stdin=FakeTTY(), verbosity=0)

    admin = User.objects.get()
    assert admin.email == "boss@example.com"
    assert admin.is_superuser
    assert admin.check_password(DEFAULT_PASSWORD)
