import pytest
from django.urls import reverse

from products.factories import ProductFactory, StoreFactory
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
    assert f'<img src="{product.picture.url}" alt=""' in response.text


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
