import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NAVBAR_BRAND = (
    '<a class="navbar-brand site-brand" href="/"><img class="site-brand-mark" '
    'src="/static/img/logo.svg" alt="" width="32" height="32">Yumroad</a>'
)


@pytest.fixture
def failing_views(settings):
    settings.ROOT_URLCONF = "yumroad.tests.urls"


def test_home_page_renders_with_the_layout(client):
    response = client.get(reverse("home"))

    assertContains(response, NAVBAR_BRAND, html=True)


def test_unknown_url_gets_the_styled_404_page(client):
    response = client.get("/no-such-page/")

    assertContains(response, NAVBAR_BRAND, status_code=404, html=True)
    assertContains(response, "We could not find that page", status_code=404)
    assertTemplateUsed(response, "404.html")
    assertTemplateUsed(response, "base.html")


def test_404_page_keeps_the_navbar_of_a_logged_in_user(logged_in_client, user):
    response = logged_in_client.get("/no-such-page/")

    assertContains(response, user.email, status_code=404)


def test_csrf_failure_gets_the_styled_403_page(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
    )

    assertContains(response, NAVBAR_BRAND, status_code=403, html=True)
    assertContains(response, "The form was stale", status_code=403)
    assertTemplateUsed(response, "403_csrf.html")
    assert "_auth_user_id" not in client.session


def test_permission_denied_gets_the_styled_403_page(client, failing_views):
    response = client.get("/test/forbidden/")

    assertContains(response, NAVBAR_BRAND, status_code=403, html=True)
    assertTemplateUsed(response, "403.html")


def test_server_error_gets_the_styled_500_page(client, failing_views):
    client.raise_request_exception = False

    response = client.get("/test/broken/")

    assertContains(response, "Yumroad", status_code=500)
    assertContains(response, "Something went wrong on our side", status_code=500)
    assertTemplateUsed(response, "500.html")
