import re

import pytest
from django.urls import reverse

from products.factories import ProductFactory, StoreFactory
from products.pictures import size_url
from products.tests.images import image_upload

pytestmark = pytest.mark.django_db

PRODUCT_CHANGELIST = reverse("admin:products_product_changelist")
STORE_CHANGELIST = reverse("admin:products_store_changelist")


def shown(response):
    """The objects on an admin changelist page."""
    return list(response.context["cl"].result_list)


def test_superuser_can_open_the_product_changelist(admin_client):
    product = ProductFactory(name="Golden Font", store__owner__email="maker@example.com")

    response = admin_client.get(PRODUCT_CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == [product]
    assert "Golden Font" in response.text
    assert "maker@example.com" in response.text


def test_superuser_can_open_the_store_changelist_with_product_counts(admin_client):
    store = StoreFactory(name="Paper and Ink")
    ProductFactory.create_batch(3, store=store)

    response = admin_client.get(STORE_CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == [store]
    assert shown(response)[0].product_count == 3
    assert '<td class="field-product_count">3</td>' in response.text


def test_staff_without_permissions_cannot_see_products(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get(PRODUCT_CHANGELIST).status_code == 403


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(PRODUCT_CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_product_changelist_shows_prices_as_money(admin_client):
    ProductFactory(price_cents=123450)
    ProductFactory(price_cents=0)

    response = admin_client.get(PRODUCT_CHANGELIST)

    assert '<td class="field-price">$1,234.50</td>' in response.text
    assert '<td class="field-price">Free</td>' in response.text


def test_product_changelist_searches_by_owner_email(admin_client):
    mine = ProductFactory(store__owner__email="maker@example.com")
    ProductFactory(store__owner__email="someone@example.com")

    response = admin_client.get(PRODUCT_CHANGELIST, {"q": "maker@example"})

    assert shown(response) == [mine]


def test_store_changelist_searches_by_owner_email(admin_client):
    mine = StoreFactory(owner__email="maker@example.com")
    StoreFactory(owner__email="someone@example.com")

    response = admin_client.get(STORE_CHANGELIST, {"q": "maker@example"})

    assert shown(response) == [mine]


@pytest.mark.parametrize(("value", "expected"), [("free", "Free thing"), ("paid", "Paid thing")])
def test_product_changelist_filters_free_and_paid(admin_client, value, expected):
    ProductFactory(name="Free thing", price_cents=0)
    ProductFactory(name="Paid thing", price_cents=1)

    response = admin_client.get(PRODUCT_CHANGELIST, {"price": value})

    assert [product.name for product in shown(response)] == [expected]


def test_store_change_page_shows_its_products_inline(admin_client):
    store = StoreFactory()
    ProductFactory(store=store, name="Golden Font")
    ProductFactory(name="Someone else's thing")

    response = admin_client.get(reverse("admin:products_store_change", args=[store.pk]))

    assert response.status_code == 200
    assert 'name="products-TOTAL_FORMS" value="1"' in response.text
    assert 'name="products-0-name" value="Golden Font"' in response.text
    assert "Someone else" not in response.text


def test_product_change_page_previews_the_picture(admin_client):
    product = ProductFactory(picture=image_upload("cover.png"))

    response = admin_client.get(reverse("admin:products_product_change", args=[product.pk]))

    assert response.status_code == 200
    assert f'<img src="{size_url(product.picture, 320)}" alt=""' in response.text


def test_product_change_page_without_a_picture_says_so(admin_client):
    product = ProductFactory()

    response = admin_client.get(reverse("admin:products_product_change", args=[product.pk]))

    assert response.status_code == 200
    assert "No picture" in response.text


def build_catalog(count):
    stores = StoreFactory.create_batch(min(count, 6))
    for number in range(count):
        ProductFactory(store=stores[number % len(stores)])


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("url", "bound"), [(PRODUCT_CHANGELIST, 7), (STORE_CHANGELIST, 5)])
def test_admin_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, url, bound, count
):
    build_catalog(count)

    with django_assert_max_num_queries(bound):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(shown(response)) == (count if url == PRODUCT_CHANGELIST else min(count, 6))


@pytest.mark.parametrize(("value", "expected"), [("no", ["Listed thing"]), ("yes", ["Gone thing"])])
def test_product_changelist_filters_listed_and_archived(admin_client, value, expected):
    ProductFactory(name="Listed thing")
    ProductFactory(name="Gone thing").archive()

    response = admin_client.get(PRODUCT_CHANGELIST, {"archived": value})

    assert [product.name for product in shown(response)] == expected


# Query strings that once gave staff a 500


@pytest.mark.parametrize(
    "params",
    [
        {"created_at__year": "99999999999"},  # OverflowError in datetime()
        {"created_at__year": "2024", "created_at__month": "99999999999"},
        {"created_at__year": "9999"},  # no year 10000 to end it
        {"created_at__year": "9999", "created_at__month": "12"},
        {"created_at__year": "9999", "created_at__month": "12", "created_at__day": "31"},
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        PRODUCT_CHANGELIST,
        reverse("admin:orders_order_changelist"),
        reverse("admin:orders_discountcode_changelist"),
    ],
)
def test_a_date_hierarchy_out_of_range_is_the_admins_invalid_filter_page(admin_client, url, params):
    ProductFactory()

    response = admin_client.get(url, params)

    # The admin's answer to any bad lookup: its change list with ?e=1, which
    # says "Database error" no more than this does.
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (STORE_CHANGELIST, {"created_at__year": "99999999999"}),
        (reverse("admin:orders_discountcode_changelist"), {"expires_at__year": "99999999999"}),
        (reverse("admin:orders_stripeevent_changelist"), {"received_at__year": "99999999999"}),
        (reverse("admin:accounts_user_changelist"), {"date_joined__year": "99999999999"}),
    ],
)
def test_a_date_filter_out_of_range_is_the_admins_invalid_filter_page(admin_client, url, params):
    ProductFactory()

    response = admin_client.get(url, params)

    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_a_date_in_range_still_filters(admin_client):
    product = ProductFactory()

    response = admin_client.get(PRODUCT_CHANGELIST, {"created_at__year": product.created_at.year})

    assert shown(response) == [product]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("admin:autocomplete"), {"app_label": "products", "model_name": "product"}),
        (PRODUCT_CHANGELIST, {}),
        (STORE_CHANGELIST, {}),
    ],
)
@pytest.mark.parametrize("name", ["term", "q", "store__name"])
def test_a_nul_in_an_admin_query_string_is_a_400(admin_client, url, params, name):
    # On PostgreSQL, a NUL in a query's string fails it (DataError, a 500).
    response = admin_client.get(url, {**params, "field_name": "store", name: "gold\x00en"})

    assert response.status_code == 400


def test_the_admin_autocomplete_still_finds_stores(admin_client):
    store = StoreFactory(name="Golden Fonts")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "golden", "app_label": "products", "model_name": "product", "field_name": "store"},
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(store.pk)]


# Money in dollars, as creators type it; cents in the database


def product_change_data(product, **overrides):
    """The product's change form as staff would post it, files left as they are."""
    return {
        "store": product.store.pk,
        "name": product.name,
        "description": product.description,
        "price_cents": "5.00",
        **overrides,
    }


def test_product_change_form_shows_the_price_in_dollars(admin_client):
    product = ProductFactory(price_cents=1250)

    response = admin_client.get(reverse("admin:products_product_change", args=[product.pk]))

    field = response.context["adminform"].form["price_cents"]
    assert field.label == "Price"
    assert str(field.value()) == "12.50"
    assert re.search(r'<input[^>]*name="price_cents"[^>]*value="12.50"', response.text)


def test_product_change_form_saves_dollars_as_cents(admin_client):
    product = ProductFactory(price_cents=500)

    response = admin_client.post(
        reverse("admin:products_product_change", args=[product.pk]),
        product_change_data(product, price_cents="12.34"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.price_cents == 1234


@pytest.mark.parametrize("price", ["1.234", "-1", "abc"])
def test_product_change_form_refuses_a_price_that_is_not_dollars_and_cents(admin_client, price):
    product = ProductFactory(price_cents=500)

    response = admin_client.post(
        reverse("admin:products_product_change", args=[product.pk]),
        product_change_data(product, price_cents=price),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["price_cents"]
    product.refresh_from_db()
    assert product.price_cents == 500


def test_store_change_page_takes_its_products_prices_in_dollars(admin_client):
    product = ProductFactory(price_cents=500)
    store = product.store
    url = reverse("admin:products_store_change", args=[store.pk])
    assert re.search(
        r'<input[^>]*name="products-0-price_cents"[^>]*value="5.00"', admin_client.get(url).text
    )

    response = admin_client.post(
        url,
        {
            "name": store.name,
            "owner": store.owner.pk,
            "products-TOTAL_FORMS": "1",
            "products-INITIAL_FORMS": "1",
            "products-MIN_NUM_FORMS": "0",
            "products-MAX_NUM_FORMS": "1000",
            "products-0-id": product.pk,
            "products-0-store": store.pk,
            "products-0-name": product.name,
            "products-0-price_cents": "7.25",
        },
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price_cents == 725
