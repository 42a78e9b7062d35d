from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from products.forms import NameField
from products.models import NAME_MAX_LENGTH, NAME_MIN_LENGTH, Store

from .models import DUPLICATE_EMAIL_MESSAGE, User
from .tasks import send_password_reset


class UniqueEmailMixin:
    """Normalises the email and reports a taken one once, on the field.

    Failing here also keeps the model's own unique checks (the field and the
    case-insensitive constraint) from repeating the message.
    """

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.exclude(pk=self.instance.pk).filter(email=email).exists():
            raise forms.ValidationError(DUPLICATE_EMAIL_MESSAGE, code="unique")
        return email


class WeakPasswordOnFirstFieldMixin:
    """Django reports a weak password on the confirmation field; it belongs
    on the field where it was chosen, under its rules."""

    FIRST_FIELDS = {"password2": "password1", "new_password2": "new_password1"}

    def validate_password_for_user(self, user, password_field_name="password2"):
        super().validate_password_for_user(
            user, self.FIRST_FIELDS.get(password_field_name, password_field_name)
        )


class SignupForm(WeakPasswordOnFirstFieldMixin, UniqueEmailMixin, auth_forms.BaseUserCreationForm):
    """Email, password twice (Django's validators apply) and a store name."""

    store_name = NameField(
        min_length=NAME_MIN_LENGTH,
        max_length=NAME_MAX_LENGTH,
        help_text="Shown at the top of your store. You can change it later.",
    )

    class Meta:
        model = User
        fields = ["email"]

    def save(self):
        """Create the user and their store: both or neither."""
        with transaction.atomic():
            user = super().save()
            Store.objects.create(owner=user, name=self.cleaned_data["store_name"])
        return user

    def email_is_taken(self):
        """Whether an account with the form's email exists now (after a failed save)."""
        return User.objects.filter(email=self.cleaned_data["email"]).exists()


class SetPasswordForm(WeakPasswordOnFirstFieldMixin, auth_forms.SetPasswordForm):
    """The reset link's new password, with a weak one reported where it was typed."""


class PasswordChangeForm(WeakPasswordOnFirstFieldMixin, auth_forms.PasswordChangeForm):
    """A new password, with a weak one reported where it was typed."""


class LoginForm(forms.Form):
    """Email and password; `user` is set once they match an active account."""

    email = forms.EmailField(widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput)

    # One message for an unknown email and a wrong password, so the form
    # does not reveal which addresses have accounts.
    invalid_login_message = "Please enter a correct email and password."

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    # Keeps the password out of error reports, should authenticate() fail.
    @sensitive_variables()
    def clean(self):
        email = self.cleaned_data.get("email")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                raise forms.ValidationError(self.invalid_login_message, code="invalid_login")
        return self.cleaned_data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Hands every request to the task queue, known email or not.

    Django's form looks the users up, makes the link and sends the email in
    the request, so a real address answered measurably slower than an
    unknown one. Here the request only enqueues; the task does the rest.
    """

    def save(self, **kwargs):
        send_password_reset.enqueue(self.cleaned_data["email"])
