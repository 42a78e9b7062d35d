"""Start-up configuration, checked in a fresh interpreter per environment."""

import json
import os
import subprocess
import sys

from django.conf import settings

HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {['DEBUG', *HTTPS_SETTINGS]}}}))"
)
SECRET_KEY = "a-long-random-production-secret-key-for-the-tests"


def start_django(**env):
    """Run django.setup() with yumroad.settings and only the given DJANGO_* variables."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "STRIPE_"))
        and name
        not in {"DATABASE_URL", "EMAIL_URL", "CACHE_URL", "PAYMENT_PROVIDER", "TASKS_BACKEND"}
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean, "DJANGO_SETTINGS_MODULE": "yumroad.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def started_settings(**env):
    result = start_django(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_without_secret_key_stops_with_a_clear_message():
    result = start_django(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_secret_key_turns_on_the_https_settings():
    values = started_settings(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET_KEY, PAYMENT_PROVIDER="test"
    )

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0


def test_production_over_plain_http_turns_the_https_settings_off():
    values = started_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_HTTPS="false",
        PAYMENT_PROVIDER="test",
    )

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_production_without_payment_provider_stops_with_a_clear_message():
    result = start_django(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET_KEY)

    assert result.returncode != 0
    assert "Set the PAYMENT_PROVIDER environment variable" in result.stderr


def test_unknown_payment_provider_stops_with_a_clear_message():
    result = start_django(PAYMENT_PROVIDER="paypal")

    assert result.returncode != 0
    assert "PAYMENT_PROVIDER must be one of test, stripe, not 'paypal'" in result.stderr


def test_stripe_without_its_keys_stops_with_a_clear_message():
    result = start_django(PAYMENT_PROVIDER="stripe")

    assert result.returncode != 0
    assert "Set the STRIPE_SECRET_KEY environment variable" in result.stderr


def test_development_defaults_need_no_environment():
    values = started_settings()

    assert values["DEBUG"] is True
    assert not any(values[name] for name in HTTPS_SETTINGS)
