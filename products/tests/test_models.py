from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.factories import UserFactory
from products.factories import ProductFactory, StoreFactory
from products.models import CatalogVersion, Product, Store, delete_unused_file
from products.tests.images import image_upload

pytestmark = pytest.mark.django_db


def make_products_aged(store=None, **names_to_days_old):
    """Products whose creation times differ from their creation order.

    Created in the order given, then back-dated, so a test that passes only
    by ordering on the primary key fails.
    """
    now = timezone.now()
    products = {}
    for name, days_old in names_to_days_old.items():
        kwargs = {"name": name} if store is None else {"name": name, "store": store}
        product = ProductFactory(**kwargs)
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(days=days_old))
        products[name] = product
    return products


def names(products):
    return [product.name for product in products]


# Store slugs


def test_store_slug_is_made_from_the_name():
    store = StoreFactory(name="Pixel Kitchen & Co.")

    assert store.slug == "pixel-kitchen-co"


def test_store_slug_gets_a_suffix_when_the_name_is_taken():
    first = StoreFactory(name="Pixel Kitchen")
    second = StoreFactory(name="Pixel Kitchen")
    third = StoreFactory(name="pixel kitchen")

    assert [first.slug, second.slug, third.slug] == [
        "pixel-kitchen",
        "pixel-kitchen-2",
        "pixel-kitchen-3",
    ]


def test_store_slug_falls_back_when_the_name_has_no_letters():
    store = StoreFactory(name="!!!!")

    assert store.slug == "store"


def test_store_slug_stays_the_same_after_a_rename():
    store = StoreFactory(name="Pixel Kitchen")

    store.name = "Night Owl Beats"
    store.save()
    store.refresh_from_db()

    assert store.name == "Night Owl Beats"
    assert store.slug == "pixel-kitchen"


def test_store_url_uses_the_slug():
    store = StoreFactory(name="Trail Notes")

    assert store.get_absolute_url() == "/stores/trail-notes/"


# Product validation and display


@pytest.mark.parametrize("name", ["abc", "", "x" * 61])
def test_product_name_outside_4_to_60_characters_is_invalid(name):
    product = ProductFactory.build(store=StoreFactory(), name=name)

    with pytest.raises(ValidationError) as error:
        product.full_clean()

    assert "name" in error.value.message_dict


@pytest.mark.parametrize("name", ["abcd", "x" * 60])
def test_product_name_of_4_to_60_characters_is_valid(name):
    product = ProductFactory.build(store=StoreFactory(), name=name)

    product.full_clean()


@pytest.mark.parametrize(
    ("price_cents", "shown"),
    [(500, "$5.00"), (123450, "$1,234.50"), (5, "$0.05"), (100000000, "$1,000,000.00")],
)
def test_product_price_is_shown_as_dollars(price_cents, shown):
    assert ProductFactory.build(price_cents=price_cents).price == shown


def test_product_with_zero_price_is_shown_as_free():
    product = ProductFactory.build(price_cents=0)

    assert product.is_free
    assert product.price == "Free"


def test_product_with_a_price_is_not_free():
    assert not ProductFactory.build(price_cents=1).is_free


def test_product_url_is_its_detail_page():
    product = ProductFactory()

    assert product.get_absolute_url() == f"/products/{product.pk}/"


# Product queries


def test_owned_by_returns_only_the_users_products():
    store = StoreFactory()
    mine = ProductFactory.create_batch(2, store=store)
    ProductFactory()

    owned = Product.objects.owned_by(store.owner)

    assert set(owned) == set(mine)


def test_owned_by_is_empty_for_a_user_without_a_store():
    ProductFactory()

    assert not Product.objects.owned_by(UserFactory()).exists()


def test_for_listing_puts_the_newest_first():
    make_products_aged(Middle=2, Newest=0, Oldest=5)

    assert names(Product.objects.for_listing()) == ["Newest", "Middle", "Oldest"]


def test_for_listing_loads_each_store_in_the_same_query(django_assert_num_queries):
    ProductFactory.create_batch(3)

    with django_assert_num_queries(1):
        assert len({product.store.name for product in Product.objects.for_listing()}) == 3


def test_search_matches_name_or_description_in_any_case():
    ProductFactory(name="Golden Icon Pack", description="Icons.")
    ProductFactory(name="Recipe Book", description="Cakes with a GOLDEN crust.")
    ProductFactory(name="Beat Tape", description="Silver sounds.")

    found = Product.objects.search("gOlDeN")

    assert set(names(found)) == {"Golden Icon Pack", "Recipe Book"}


def test_search_reads_the_trigram_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's (products/migrations/0007)")
    ProductFactory(name="Golden Icon Pack", description="Icons.")
    with connection.cursor() as cursor:
        # A table this small is read whole otherwise: ask whether it can be.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Product.objects.search("gOlDeN").order_by().explain()

    assert "product_search_trgm_idx" in plan
    assert names(Product.objects.search("gOlDeN")) == ["Golden Icon Pack"]


@pytest.mark.parametrize("text", ["", None])
def test_search_for_nothing_returns_everything(text):
    ProductFactory.create_batch(2)

    assert Product.objects.search(text).count() == 2


def test_sorted_by_newest():
    make_products_aged(Middle=2, Newest=0, Oldest=5)

    assert names(Product.objects.order_by("pk").sorted_by("newest")) == [
        "Newest",
        "Middle",
        "Oldest",
    ]


def test_sorted_by_price_goes_from_cheapest_to_dearest():
    for name, price_cents in [("Middle", 500), ("Cheapest", 0), ("Dearest", 900)]:
        ProductFactory(name=name, price_cents=price_cents)

    assert names(Product.objects.sorted_by("price")) == ["Cheapest", "Middle", "Dearest"]


def test_sorted_by_minus_price_goes_from_dearest_to_cheapest():
    for name, price_cents in [("Middle", 500), ("Cheapest", 0), ("Dearest", 900)]:
        ProductFactory(name=name, price_cents=price_cents)

    assert names(Product.objects.sorted_by("-price")) == ["Dearest", "Middle", "Cheapest"]


@pytest.mark.parametrize("sort", ["bogus", "", None, "name"])
def test_sorted_by_an_unknown_key_keeps_the_current_order(sort):
    for name, price_cents in [("Middle", 500), ("Cheapest", 0), ("Dearest", 900)]:
        ProductFactory(name=name, price_cents=price_cents)

    ordered = Product.objects.order_by("-name").sorted_by(sort)

    assert names(ordered) == ["Middle", "Dearest", "Cheapest"]


# Store queries


def test_featured_stores_have_the_most_products_first():
    few = StoreFactory(name="Few products")
    many = StoreFactory(name="Many products")
    some = StoreFactory(name="Some products")
    ProductFactory.create_batch(1, store=few)
    ProductFactory.create_batch(3, store=many)
    ProductFactory.create_batch(2, store=some)

    featured = list(Store.objects.featured())

    assert featured == [many, some, few]
    assert [store.product_count for store in featured] == [3, 2, 1]


def test_featured_stores_leave_out_stores_without_products():
    ProductFactory(store__name="Has a product")
    StoreFactory(name="Empty store")

    assert [store.name for store in Store.objects.featured()] == ["Has a product"]


def test_featured_stores_with_equal_counts_are_ordered_by_name():
    for name in ["Bravo", "Alpha", "Charlie"]:
        ProductFactory(store__name=name)

    assert [store.name for store in Store.objects.featured()] == ["Alpha", "Bravo", "Charlie"]


def test_with_newest_products_gives_each_store_its_three_newest():
    busy = StoreFactory(name="Busy store")
    quiet = StoreFactory(name="Quiet store")
    StoreFactory(name="Empty store")
    make_products_aged(busy, Third=3, Newest=0, Oldest=9, Second=1, Fourth=4)
    make_products_aged(quiet, Only=7)

    stores = {store.name: store for store in Store.objects.with_newest_products()}

    assert names(stores["Busy store"].newest_products) == ["Newest", "Second", "Third"]
    assert names(stores["Quiet store"].newest_products) == ["Only"]
    assert stores["Empty store"].newest_products == []


def test_with_newest_products_takes_the_count_asked_for():
    store = StoreFactory()
    make_products_aged(store, Newest=0, Second=1, Third=2)

    (loaded,) = Store.objects.with_newest_products(count=2)

    assert names(loaded.newest_products) == ["Newest", "Second"]


def test_with_newest_products_loads_all_stores_in_two_queries(django_assert_num_queries):
    for store in StoreFactory.create_batch(4):
        ProductFactory.create_batch(4, store=store)

    with django_assert_num_queries(2):
        assert [len(store.newest_products) for store in Store.objects.with_newest_products()] == [
            3,
            3,
            3,
            3,
        ]


def test_with_newest_products_leaves_out_archived_products():
    store = StoreFactory()
    products = make_products_aged(store, Newest=0, Second=1, Third=2, Fourth=3)
    products["Second"].archive()

    (loaded,) = Store.objects.with_newest_products()

    assert names(loaded.newest_products) == ["Newest", "Third", "Fourth"]


# Archived products


def test_listed_leaves_out_archived_products():
    kept = ProductFactory()
    ProductFactory().archive()

    assert list(Product.objects.listed()) == [kept]


def test_for_listing_leaves_out_archived_products():
    products = make_products_aged(Newest=0, Archived=1, Oldest=2)
    products["Archived"].archive()

    assert names(Product.objects.for_listing()) == ["Newest", "Oldest"]


def test_with_product_count_does_not_count_archived_products():
    store = StoreFactory()
    ProductFactory.create_batch(2, store=store)
    ProductFactory(store=store).archive()

    assert Store.objects.with_product_count().get(pk=store.pk).product_count == 2


def test_featured_stores_do_not_count_archived_products():
    two_listed = StoreFactory(name="Two listed")
    ProductFactory.create_batch(2, store=two_listed)
    one_listed = StoreFactory(name="One listed, three archived")
    ProductFactory(store=one_listed)
    for product in ProductFactory.create_batch(3, store=one_listed):
        product.archive()
    only_archived = StoreFactory(name="Only archived")
    ProductFactory(store=only_archived).archive()

    featured = list(Store.objects.featured())

    assert featured == [two_listed, one_listed]
    assert [store.product_count for store in featured] == [2, 1]


def test_featured_stores_count_deleted_products_out_once():
    store = StoreFactory()
    kept, deleted, archived = ProductFactory.create_batch(3, store=store)
    deleted.delete()
    archived.archive()
    archived.archive()  # a second archive changes nothing
    archived.delete()

    assert [featured.product_count for featured in Store.objects.featured()] == [1]


def test_recount_listed_products_counts_rows_made_without_signals():
    store = StoreFactory()
    Product.objects.bulk_create(
        [
            ProductFactory.build(store=store),
            ProductFactory.build(store=store, archived_at=timezone.now()),
        ]
    )

    Store.objects.filter(pk=store.pk).recount_listed_products()

    assert Store.objects.featured().get().product_count == 1


def test_archive_takes_the_product_off_sale_once():
    product = ProductFactory()
    before = CatalogVersion.current()

    assert product.archive() is True
    archived_at = Product.objects.get(pk=product.pk).archived_at
    after_first = CatalogVersion.current()

    assert product.archive() is False
    assert archived_at is not None
    assert after_first != before
    assert CatalogVersion.current() == after_first  # the second call changed nothing
    assert Product.objects.get(pk=product.pk).archived_at == archived_at
    assert Product.objects.get(pk=product.pk).is_archived


def test_archive_keeps_the_file_for_past_buyers(django_capture_on_commit_callbacks):
    product = ProductFactory()

    with django_capture_on_commit_callbacks(execute=True):
        product.archive()

    assert product.file.storage.exists(product.file.name)


def test_delete_or_archive_deletes_a_product_without_orders(django_capture_on_commit_callbacks):
    product = ProductFactory(picture=image_upload("cover.png"))
    file, picture = product.file, product.picture

    with django_capture_on_commit_callbacks() as callbacks:
        assert product.delete_or_archive() is True
    assert not Product.objects.filter(pk=product.pk).exists()
    assert file.storage.exists(file.name)  # kept until the delete commits
    for callback in callbacks:
        callback()

    assert not file.storage.exists(file.name)
    assert not picture.storage.exists(picture.name)


def test_deleting_a_product_keeps_a_file_another_product_uses(django_capture_on_commit_callbacks):
    product = ProductFactory()
    twin = ProductFactory(file=product.file.name)
    name = product.file.name

    with django_capture_on_commit_callbacks(execute=True):
        product.delete_or_archive()

    assert twin.file.storage.exists(name)


def test_delete_unused_file_ignores_an_empty_file(django_capture_on_commit_callbacks):
    product = ProductFactory(file="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_unused_file(Product, "file", product.file.name)

    assert callbacks == []


@pytest.mark.parametrize(
    ("file_name", "download_name"),
    [("My Book (final).pdf", "My Book (final).pdf"), ("", "My_Book_final.pdf")],
)
def test_download_name_is_the_uploaded_name_or_else_the_stored_one(file_name, download_name):
    product = ProductFactory.build(file="products/abc/My_Book_final.pdf", file_name=file_name)

    assert product.download_name == download_name
