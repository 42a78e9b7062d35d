from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from products.factories import ProductFactory, StoreFactory
from products.models import Product

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_home_features_the_stores_with_the_most_products_first(client):
    for count in range(1, 8):
        store = StoreFactory(name=f"Store with {count}")
        ProductFactory.create_batch(count, store=store)
    StoreFactory(name="Empty store")

    response = client.get(HOME)

    assert response.status_code == 200
    featured = [store.name for store in response.context["stores"]]
    assert featured == [f"Store with {count}" for count in range(7, 1, -1)]
    assert "Featured stores" in response.text
    assert "Store with 7" in response.text
    assert "7 products" in response.text
    assert "Store with 1<" not in response.text
    assert "Empty store" not in response.text


def test_home_links_each_featured_store(client):
    store = ProductFactory(store__name="Paper and Ink").store

    response = client.get(HOME)

    assert f'href="{store.get_absolute_url()}">Paper and Ink</a>' in response.text
    assert "1 product<" in response.text


def test_home_shows_the_newest_products_as_cards(client):
    now = timezone.now()
    store = StoreFactory()
    for number in range(10):
        product = ProductFactory(
            store=store, name=f"Item {number:02d}", price_cents=0 if number else 500
        )
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(hours=number))

    response = client.get(HOME)

    assert [product.name for product in response.context["products"]] == [
        f"Item {number:02d}" for number in range(8)
    ]
    # Eight product cards and the one featured store's card.
    assert response.text.count('<div class="card h-100 shadow-sm">') == 8 + 1
    newest = Product.objects.get(name="Item 00")
    assert f'href="{newest.get_absolute_url()}">Item 00</a>' in response.text
    assert "$5.00" in response.text
    assert "Item 08" not in response.text
    assert "Item 09" not in response.text


def test_home_without_products_still_renders(client):
    response = client.get(HOME)

    assert response.status_code == 200
    assert "Featured stores" not in response.text
    assert "No products yet." in response.text


def test_home_invites_visitors_to_open_a_store(client):
    response = client.get(HOME)

    assert f'href="{reverse("accounts:signup")}"' in response.text


def test_home_invites_creators_to_add_a_product(logged_in_client):
    response = logged_in_client.get(HOME)

    assert "Add a product" in response.text
    assert f'href="{reverse("products:create")}"' in response.text


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("count", [3, 30])
def test_home_queries_do_not_grow_with_rows(
    client, user, django_assert_max_num_queries, count, logged_in
):
    stores = [user.store, *StoreFactory.create_batch(min(count, 8) - 1)]
    for number in range(count):
        ProductFactory(store=stores[number % len(stores)], name=f"Listed product {number}")
    if logged_in:
        client.force_login(user)

    # Anonymous: the page's two queries and the catalog version read by the
    # cache. Logged in, also the session, the user and their store (the navbar).
    with django_assert_max_num_queries(6 if logged_in else 3):
        response = client.get(HOME)

    assert response.status_code == 200
    assert "Listed product" in response.text
