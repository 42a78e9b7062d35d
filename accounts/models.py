from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

DUPLICATE_EMAIL_MESSAGE = "An account with this email already exists."


class UserManager(BaseUserManager):
    """Creates users whose email is their username.

    Unlike Django's own manager, `create_user` refuses bad input itself
    (blank or malformed email, blank or weak password) so that no path,
    whether shell, admin, command or form, can store such a user.
    """

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # The whole address is lower-cased, not only the domain, because
        # accounts are unique regardless of case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        # Lets login match "  Someone@Example.COM " to someone@example.com.
        return self.get(email=self.normalize_email(username))

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email)
        if not email:
            raise ValueError("An email address is required.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValueError("Enter a valid email address.") from error
        if not password:
            raise ValueError("A password is required.")
        user = self.model(email=email, **extra_fields)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True:
            raise ValueError("Superuser must have is_staff=True.")
        if extra_fields.get("is_superuser") is not True:
            raise ValueError("Superuser must have is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(
        "email address",
        unique=True,
        error_messages={"unique": DUPLICATE_EMAIL_MESSAGE},
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Unselect this instead of deleting accounts.",
    )
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Whether the user can log into the admin site.",
    )
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            # The email is stored lower-cased; this guards writes that bypass
            # the manager and forms.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=DUPLICATE_EMAIL_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
