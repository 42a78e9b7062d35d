"""Start-up configuration, checked in a fresh interpreter per environment."""

import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]
PRINTED_SETTINGS = [
    "DEBUG",
    *HTTPS_SETTINGS,
    "SECURE_PROXY_SSL_HEADER",
    "ADMINS",
    "CONTENT_SECURITY_POLICY",
]
PRINT_SETTINGS = f"""
import json, django
django.setup()
import sentry_sdk
from django.conf import settings
from django.urls import reverse
values = {{name: getattr(settings, name, None) for name in {PRINTED_SETTINGS}}}
values["admin_index"] = reverse("admin:index")
values["sentry_active"] = sentry_sdk.get_client().is_active()
print(json.dumps(values))
"""
# Long and varied enough for `check --deploy` (security.W009).
SECRET_KEY = "a-long-random-production-secret-key-for-the-tests-0123456789"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "PAYMENT_PROVIDER": "test",
}


def start_django(*args, **env):
    """Run Python with `args` (a `-c` script by default), yumroad.settings and
    only the given DJANGO_* (and payment, Sentry...) variables."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "STRIPE_", "SENTRY_", "AWS_"))
        and name
        not in {
            "DATABASE_URL",
            "EMAIL_URL",
            "CACHE_URL",
            "PAYMENT_PROVIDER",
            "TASKS_BACKEND",
            "TASKS_REDIS_URL",
        }
    }
    return subprocess.run(
        [sys.executable, *(args or ["-c", PRINT_SETTINGS])],
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


@pytest.mark.parametrize(
    "proxy",
    [{}, {"DJANGO_SECURE_PROXY_SSL_HEADER": "true"}],
    ids=["serving HTTPS itself", "behind a TLS-terminating proxy"],
)
def test_production_settings_pass_the_deployment_checklist(proxy):
    result = start_django(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **proxy
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_stripe_checkout_may_receive_the_checkout_form_only_with_the_stripe_provider():
    with_test = started_settings(**PRODUCTION)
    with_stripe = started_settings(
        **{**PRODUCTION, "PAYMENT_PROVIDER": "stripe"},
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_WEBHOOK_SECRET="whsec_x",
    )

    form_action = "form-action"
    assert with_test["CONTENT_SECURITY_POLICY"]["DIRECTIVES"][form_action] == ["'self'"]
    assert with_stripe["CONTENT_SECURITY_POLICY"]["DIRECTIVES"][form_action] == [
        "'self'",
        "https://checkout.stripe.com",
    ]


def test_behind_a_tls_proxy_the_https_settings_stay_on_and_its_header_is_trusted():
    values = started_settings(**PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER="true")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert all(values[name] for name in HTTPS_SETTINGS)


def test_the_proxy_header_is_not_trusted_unless_asked():
    assert started_settings(**PRODUCTION)["SECURE_PROXY_SSL_HEADER"] is None


def test_admin_url_comes_from_the_environment():
    assert started_settings()["admin_index"] == "/admin/"
    assert started_settings(DJANGO_ADMIN_URL="/back-office")["admin_index"] == "/back-office/"


def test_empty_admin_url_stops_with_a_clear_message():
    result = start_django(DJANGO_ADMIN_URL="/")

    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must not be empty" in result.stderr


def test_admins_are_read_with_or_without_names():
    values = started_settings(DJANGO_ADMINS="Ann Ops <ann@example.com>, bob@example.com")

    assert values["ADMINS"] == [["Ann Ops", "ann@example.com"], ["", "bob@example.com"]]
    assert started_settings()["ADMINS"] == []


def test_admins_without_an_email_address_stop_with_a_clear_message():
    result = start_django(DJANGO_ADMINS="Ann Ops")

    assert result.returncode != 0
    assert "DJANGO_ADMINS: 'Ann Ops' is not an email address." in result.stderr


def test_sentry_starts_only_with_a_dsn():
    # Nothing is sent: no error happens, and sentry.invalid never resolves.
    dsn = "https://public-key@sentry.invalid/1"

    assert started_settings(SENTRY_DSN=dsn)["sentry_active"] is True
    assert started_settings()["sentry_active"] is False


def test_tests_never_start_sentry():
    values = started_settings(
        SENTRY_DSN="https://public-key@sentry.invalid/1",
        DJANGO_SETTINGS_MODULE="yumroad.test_settings",
    )

    assert values["sentry_active"] is False


PRINT_STORAGES = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
print(json.dumps({
    "picture_url": storages["default"].url("products/2026/11/a.png"),
    "picture_headers": storages["default"].object_parameters,
    "file_url": storages["private"].url("products/ab/a.pdf"),
    "presigned_downloads": settings.PRIVATE_STORAGE_PRESIGNED,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def test_a_bucket_name_moves_files_to_object_storage():
    result = start_django(
        "-c",
        PRINT_STORAGES,
        AWS_STORAGE_BUCKET_NAME="yumroad-media",
        AWS_PRIVATE_STORAGE_BUCKET_NAME="yumroad-files",
        AWS_S3_ENDPOINT_URL="https://s3.test",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)

    # Pictures: public, unsigned, cached for a year (every upload has a new name).
    assert values["picture_url"] == "https://s3.test/yumroad-media/public/products/2026/11/a.png"
    assert values["picture_headers"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert "https://s3.test" in values["img_src"]
    # Product files: private, reached only by a link that expires in minutes.
    file_url = urlsplit(values["file_url"])
    assert file_url.path == "/yumroad-files/private/products/ab/a.pdf"
    assert parse_qs(file_url.query)["X-Amz-Expires"] == ["300"]
    assert values["presigned_downloads"] is True


def test_the_rq_task_backend_needs_a_redis_url():
    result = start_django(TASKS_BACKEND="rq")

    assert result.returncode != 0
    assert "Set the TASKS_REDIS_URL environment variable" in result.stderr


def test_the_rq_task_backend_passes_its_checks():
    # django-tasks-rq checks that django-rq is installed and has the queue;
    # neither connects to Redis.
    result = start_django(
        "manage.py", "check", TASKS_BACKEND="rq", TASKS_REDIS_URL="redis://127.0.0.1:6379/0"
    )

    assert result.returncode == 0, result.stderr
