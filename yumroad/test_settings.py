"""Test-only overrides: speed and isolation, nothing else."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run with DEBUG off but without collectstatic: look files up on
# request, as in development, instead of warning that STATIC_ROOT is missing.
WHITENOISE_AUTOREFRESH = True
