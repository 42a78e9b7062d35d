"""/healthz/: what the load balancer asks each app server."""

from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def healthz(client):
    return lambda: client.get(reverse("healthz"))


def test_a_healthy_server_answers_ok(healthz):
    response = healthz()

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_a_healthy_server_logs_nothing(healthz, caplog):
    healthz()

    assert caplog.records == []


def test_an_unreachable_database_answers_503_naming_it(healthz, caplog):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("password=secret refused")
    ):
        response = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["database"]}
    assert "secret" not in response.text
    assert "Health check: the database failed" in caplog.text


def test_a_cache_that_keeps_nothing_answers_503_naming_it(settings, healthz):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["cache"]}


def test_an_unreachable_storage_answers_503_naming_it(healthz):
    with mock.patch.object(FileSystemStorage, "exists", side_effect=OSError("timed out")):
        response = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["storage"]}


def test_the_load_balancer_asks_over_plain_http_without_a_redirect(settings, healthz):
    settings.SECURE_SSL_REDIRECT = True

    assert healthz().status_code == 200
