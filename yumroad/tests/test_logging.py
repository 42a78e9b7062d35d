"""Production errors leave a trace: on stderr, and by email when asked."""

import json

from .test_settings import PRODUCTION, start_django

SERVE_A_BROKEN_VIEW = """
import json, django
django.setup()
from django.core import mail
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
setup_test_environment()  # the in-memory outbox; DEBUG stays off
with override_settings(ROOT_URLCONF="yumroad.tests.urls"):
    response = Client(raise_request_exception=False).get("/test/broken/", secure=True)
print(json.dumps({"status": response.status_code, "emailed": [m.to for m in mail.outbox]}))
"""
# yumroad.test_settings: production's logging, without collectstatic's manifest.
SETTINGS = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "yumroad.test_settings"}


def serve_a_broken_view(**env):
    result = start_django("-c", SERVE_A_BROKEN_VIEW, **SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_a_server_error_logs_its_traceback_to_stderr():
    answer, stderr = serve_a_broken_view()

    assert answer == {"status": 500, "emailed": []}
    assert "ERROR django.request: Internal Server Error: /test/broken/" in stderr
    assert "Traceback (most recent call last):" in stderr
    assert "RuntimeError: A bug in a view." in stderr


def test_a_server_error_is_emailed_to_the_admins_when_there_are_some():
    answer, stderr = serve_a_broken_view(DJANGO_ADMINS="Ops <ops@example.com>")

    assert answer == {"status": 500, "emailed": [["ops@example.com"]]}
    assert "RuntimeError: A bug in a view." in stderr
