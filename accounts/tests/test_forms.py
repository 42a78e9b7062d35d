import pytest

from accounts.factories import DEFAULT_PASSWORD, SignupDataFactory, UserFactory
from accounts.forms import LoginForm, SignupForm
from accounts.models import DUPLICATE_EMAIL_MESSAGE, User
from products.models import Store

pytestmark = pytest.mark.django_db


def test_signup_form_saves_a_user_and_their_store():
    form = SignupForm(SignupDataFactory())
    assert form.is_valid(), form.errors

    user = form.save()

    assert User.objects.get() == user
    assert user.check_password(DEFAULT_PASSWORD)
    assert Store.objects.get().owner == user
    assert user.store.name == "New Things"


def test_signup_form_normalises_the_email():
    form = SignupForm(SignupDataFactory(email="  New@Example.COM "))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "new@example.com"
    assert form.save().email == "new@example.com"


@pytest.mark.parametrize("name", ["abcd", "x" * 60])
def test_signup_form_accepts_store_names_at_the_length_limits(name):
    assert SignupForm(SignupDataFactory(store_name=name)).is_valid()


def test_signup_form_reports_an_email_taken_in_another_case_once(user):
    form = SignupForm(SignupDataFactory(email=user.email.upper()))

    assert not form.is_valid()
    assert form.errors == {"email": [DUPLICATE_EMAIL_MESSAGE]}


def test_login_form_accepts_a_matching_email_and_password(rf):
    user = UserFactory(email="login@example.com")

    form = LoginForm(rf.post("/"), {"email": " Login@Example.com ", "password": DEFAULT_PASSWORD})

    assert form.is_valid(), form.errors
    assert form.user == user


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("login@example.com", "wrong-horse-battery-staple"),
        ("nobody@example.com", DEFAULT_PASSWORD),
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_login_form_gives_one_message_for_wrong_password_and_unknown_email(rf, email, password):
    UserFactory(email="login@example.com")

    form = LoginForm(rf.post("/"), {"email": email, "password": password})

    assert not form.is_valid()
    assert form.user is None
    assert form.non_field_errors() == [LoginForm.invalid_login_message]
    assert form.has_error("__all__", "invalid_login")


def test_login_form_rejects_an_inactive_user(rf):
    UserFactory(email="gone@example.com", is_active=False)

    form = LoginForm(rf.post("/"), {"email": "gone@example.com", "password": DEFAULT_PASSWORD})

    assert not form.is_valid()
    assert form.user is None
    assert form.non_field_errors() == [LoginForm.invalid_login_message]


def test_login_form_keeps_spaces_inside_the_password(rf):
    UserFactory(email="spaces@example.com", password=" spaced out password ")

    form = LoginForm(
        rf.post("/"), {"email": "spaces@example.com", "password": " spaced out password "}
    )

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "", "password": DEFAULT_PASSWORD}, "email"),
        ({"email": "login@example.com", "password": ""}, "password"),
    ],
)
def test_login_form_requires_email_and_password(rf, data, field):
    form = LoginForm(rf.post("/"), data)

    assert not form.is_valid()
    assert form.has_error(field, "required")


def test_signup_form_puts_a_weak_password_error_on_the_password_field():
    form = SignupForm(SignupDataFactory(password1="12345678", password2="12345679"))

    assert not form.is_valid()
    assert form.has_error("password1", "password_entirely_numeric")
    assert form.errors["password2"] == ["The two password fields didn’t match."]
