"""Test-only overrides: speed and isolation, nothing else."""

import os
import tempfile

# Tests never report errors to Sentry, whatever the environment says: the
# settings start sentry-sdk only when SENTRY_DSN is set.
os.environ.pop("SENTRY_DSN", None)

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run with DEBUG off but without collectstatic: look files up on
# request, as in development, instead of warning that STATIC_ROOT is missing.
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The test database in a file, as in production, not Django's shared
    # in-memory one: in that, connections lock whole tables and fail at once
    # ("database table is locked") instead of waiting their busy timeout, so
    # threads that write at once (orders/tests/test_concurrency.py) cannot
    # pass. One file per test process, so parallel runs never share it; no
    # fsync, since nothing in it needs to survive a crash.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"yumroad-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
