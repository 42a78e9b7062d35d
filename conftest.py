import pytest
import responses
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from products.factories import StoreFactory
from products.models import Product


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploads made by tests out of the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def private_storage(monkeypatch, tmp_path):
    """Keep the files products sell out of the project's private folder.

    The field resolved its storage once, when models loaded, so the test
    swaps the field's storage rather than a setting.
    """
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Product._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: fragments keyed by nothing that
    a test changes (the navbar, the empty login form) would otherwise carry
    one test's settings into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def no_network():
    """Tests never reach the network: any HTTP call through `requests` (the
    Stripe SDK's client) fails unless the test registered an answer for it
    (see `stripe_api` in orders/tests/conftest.py)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def user(db):
    """A creator with a store, as signup makes them."""
    return StoreFactory(owner__email="creator@example.com").owner


@pytest.fixture
def other_user(db):
    return StoreFactory(owner__email="someone-else@example.com").owner


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's `admin_user` (and so `admin_client`), with a password
    that passes the validators `create_user` enforces."""
    return django_user_model.objects.create_superuser("admin@example.com", DEFAULT_PASSWORD)


@pytest.fixture
def logged_in_client(client, user):
    """A client logged in the quick way, for tests about other pages."""
    client.force_login(user)
    return client


@pytest.fixture
def authenticated_client(db):
    """A client that logged in through the login form, like the seed's
    `authenticated_request` fixture."""
    client = Client()
    user = StoreFactory(owner__email="form-login@example.com").owner
    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        follow=True,
    )
    assert response.context["user"] == user
    return client
