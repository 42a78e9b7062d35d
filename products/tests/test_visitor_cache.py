"""Visitors' catalog pages come from the cache, and are never stale or personal."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from products.decorators import cache_for_visitors
from products.factories import ProductFactory, StoreFactory
from products.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(user):
    return ProductFactory(store=user.store, name="Original name")


def catalog_urls(product):
    return [
        reverse("home"),
        reverse("products:index"),
        reverse("products:index") + "?q=name",
        product.get_absolute_url(),
        reverse("products:store_index"),
        product.store.get_absolute_url(),
    ]


def test_a_visitor_page_is_served_from_the_cache_the_second_time(
    client, product, django_assert_num_queries
):
    first = client.get(reverse("products:index"))

    # Only the catalog version is read; the page itself comes from the cache.
    with django_assert_num_queries(1):
        second = client.get(reverse("products:index"))

    assert second.status_code == 200
    assert second.content == first.content


def test_a_product_change_shows_on_every_cached_page_at_once(client, product):
    for url in catalog_urls(product):
        assert "Original name" in client.get(url).text, url

    product.name = "Renamed product"
    product.save()

    for url in catalog_urls(product):
        page = client.get(url).text
        assert "Renamed product" in page, url
        assert "Original name" not in page, url


def test_an_edit_through_the_site_shows_to_visitors_at_once(client, product, user):
    client.get(product.get_absolute_url())
    editor = type(client)()
    editor.force_login(user)

    editor.post(
        reverse("products:edit", args=[product.pk]),
        {"name": "Edited online", "description": "", "price": "7.00"},
    )

    page = client.get(product.get_absolute_url()).text
    assert "Edited online" in page
    assert "$7.00" in page


def test_a_new_or_deleted_product_shows_at_once(client, product):
    client.get(reverse("products:index"))

    added = ProductFactory(store=product.store, name="Brand new thing")
    assert "Brand new thing" in client.get(reverse("products:index")).text

    added.delete()
    assert "Brand new thing" not in client.get(reverse("products:index")).text


def test_a_store_rename_shows_at_once(client, product):
    store = product.store
    for url in catalog_urls(product):
        client.get(url)

    store.name = "Fresh store name"
    store.save()

    for url in [reverse("products:index"), product.get_absolute_url(), store.get_absolute_url()]:
        assert "Fresh store name" in client.get(url).text, url


def test_seed_demo_bulk_inserts_show_at_once(client, settings):
    settings.DEBUG = True
    # The demo store exists first, so the second run only bulk-inserts.
    call_command("seed_demo", stores=1, products=0, stdout=io.StringIO())
    client.get(reverse("products:index"))

    call_command("seed_demo", stores=1, products=2, stdout=io.StringIO())

    assert Product.objects.count() == 2
    page = client.get(reverse("products:index")).text
    for product in Product.objects.all():
        assert product.name in page


def test_each_query_string_is_cached_apart(client, product):
    ProductFactory(store=product.store, name="Other thing")

    assert "Other thing" not in client.get(reverse("products:index") + "?q=original").text
    assert "Original name" not in client.get(reverse("products:index") + "?q=other").text


def test_a_logged_in_page_is_never_shown_to_a_visitor(client, product, user):
    member = type(client)()
    member.force_login(user)
    assert user.email in member.get(reverse("products:index")).text

    page = client.get(reverse("products:index")).text

    assert user.email not in page
    assert "Log in" in page


def test_a_logged_in_user_never_gets_a_visitors_cached_page(client, product, user):
    client.get(reverse("products:index"))
    client.force_login(user)

    page = client.get(reverse("products:index")).text

    assert user.email in page
    assert "Log out" in page


def test_a_pending_message_is_shown_once_and_never_cached(client, product, user):
    client.force_login(user)
    logged_out = client.post(reverse("accounts:logout"), follow=True)
    assert "You have been logged out." in logged_out.text

    assert "You have been logged out." not in client.get(reverse("products:index")).text
    other_visitor = type(client)()
    assert "You have been logged out." not in other_visitor.get(reverse("products:index")).text


def test_a_page_that_used_a_csrf_token_is_not_cached(rf):
    renders = []

    @cache_for_visitors
    def form_page(request):
        renders.append(get_token(request))
        return HttpResponse(renders[-1])

    for _ in range(2):
        request = rf.get("/form-page/")
        request.user = AnonymousUser()
        request.session = {}
        request._messages = FallbackStorage(request)
        form_page(request)

    assert len(renders) == 2


def test_a_second_store_does_not_see_another_stores_cached_page(client):
    first, second = StoreFactory(name="First store"), StoreFactory(name="Second store")
    ProductFactory(store=first, name="Only in the first")

    assert "Only in the first" in client.get(first.get_absolute_url()).text
    assert "Only in the first" not in client.get(second.get_absolute_url()).text


# Logged-in users get the parts of catalog pages that are the same for
# everyone from the template fragment cache (keyed by the catalog version);
# the account menu, CSRF tokens and owner's controls stay their own.


@pytest.fixture
def member(client, other_user):
    """A logged-in user who does not own `product`."""
    client.force_login(other_user)
    return client


def test_a_logged_in_catalog_page_comes_from_the_fragment_cache(
    member, product, django_assert_num_queries
):
    first = member.get(reverse("products:index"))

    # The session, the user and the catalog version.
    with django_assert_num_queries(3):
        second = member.get(reverse("products:index"))

    assert "Original name" in second.text
    assert first.text.count("Original name") == second.text.count("Original name")


def test_a_product_change_shows_to_logged_in_users_at_once(member, product):
    for url in catalog_urls(product):
        assert "Original name" in member.get(url).text, url

    product.name = "Renamed product"
    product.save()

    for url in catalog_urls(product):
        page = member.get(url).text
        assert "Renamed product" in page, url
        assert "Original name" not in page, url


def test_logged_in_users_each_see_their_own_account_menu(member, product, user, other_user):
    owner = type(member)()
    owner.force_login(user)
    for url in catalog_urls(product):
        assert user.email in owner.get(url).text, url

    for url in catalog_urls(product):
        page = member.get(url).text
        assert other_user.email in page, url
        assert user.email not in page, url


def test_the_owners_controls_never_reach_other_users(member, product, user):
    owner = type(member)()
    owner.force_login(user)
    edit_url = reverse("products:edit", args=[product.pk])
    assert edit_url in owner.get(product.store.get_absolute_url()).text
    assert edit_url in owner.get(product.get_absolute_url()).text

    assert edit_url not in member.get(product.store.get_absolute_url()).text
    assert edit_url not in member.get(product.get_absolute_url()).text


def test_the_owner_gets_their_controls_after_others_filled_the_cache(member, product, user):
    member.get(product.store.get_absolute_url())
    member.get(product.get_absolute_url())
    owner = type(member)()
    owner.force_login(user)

    edit_url = reverse("products:edit", args=[product.pk])
    assert edit_url in owner.get(product.store.get_absolute_url()).text
    assert edit_url in owner.get(product.get_absolute_url()).text


def test_the_footer_fits_each_audience(client, product, user, other_user, django_user_model):
    buyer = django_user_model.objects.create_user("no-store@example.com", "tasty-pastries-42")
    dashboard = reverse("dashboard:index")
    pages = {}
    for who in [user, buyer, None]:
        visitor = type(client)()
        if who:
            visitor.force_login(who)
        pages[who] = visitor.get(reverse("products:index")).text

    assert dashboard in pages[user]
    assert dashboard not in pages[buyer]
    assert reverse("orders:library") in pages[buyer]
    assert reverse("orders:library") not in pages[None]


def test_a_csrf_token_from_a_cached_page_is_the_users_own(product, user, other_user):
    for who in [user, other_user]:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(who)
        page = browser.get(reverse("products:index")).text
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

        logged_out = browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})

        assert logged_out.status_code == 302, who


def test_a_form_with_errors_is_never_cached(client, user):
    typed = client.post(reverse("accounts:login"), {"email": "typed@example.com", "password": "x"})
    assert "typed@example.com" in typed.text

    other_visitor = type(client)()
    assert "typed@example.com" not in other_visitor.get(reverse("accounts:login")).text
