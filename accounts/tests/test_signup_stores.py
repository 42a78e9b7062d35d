"""The store a signup makes: a readable slug in any script, chosen in a
constant number of queries, and never a failed signup over a name clash."""

import re

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from accounts.factories import SignupDataFactory
from accounts.models import User
from orders.tests.test_concurrency import run_at_once
from products.factories import StoreFactory
from products.models import Store

SIGNUPS_AT_ONCE = 10


def post_signup(client, **overrides):
    return client.post(reverse("accounts:signup"), SignupDataFactory(**overrides))


def add_stores(name, slugs):
    """Stores with these slugs, made in two queries (save() would pick its own)."""
    owners = User.objects.bulk_create(User(email=f"owner-{slug}@example.com") for slug in slugs)
    Store.objects.bulk_create(
        Store(owner=owner, name=name, slug=slug) for owner, slug in zip(owners, slugs, strict=True)
    )


# Readable slugs in any script


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Магазин", "магазин"),
        ("東京ストア", "東京ストア"),
        ("🍰🍰🍰🍰", "store"),
        ("Café Noir", "cafe-noir"),
        ("Zoë & 東京", "zoë-東京"),
    ],
)
def test_signup_gives_the_store_a_readable_slug_whose_pages_open(client, name, slug):
    post_signup(client, store_name=name)

    store = Store.objects.get()
    assert store.slug == slug
    response = client.get(store.get_absolute_url())
    assertContains(response, escape(name))
    edit = client.get(reverse("products:store_edit", args=[store.slug]))
    assert edit.status_code == 200


@pytest.mark.django_db
def test_non_latin_names_get_distinct_slugs():
    stores = [StoreFactory(name=name) for name in ["Магазин", "東京ストア", "🍰🍰🍰🍰", "Магазин"]]

    assert [store.slug for store in stores] == ["магазин", "東京ストア", "store", "магазин-2"]


@pytest.mark.django_db
def test_store_urls_take_unicode_slugs_only_as_whole_path_segments(client):
    store = StoreFactory(name="Магазин")

    assert client.get("/stores/%D0%BC%D0%B0%D0%B3%D0%B0%D0%B7%D0%B8%D0%BD/").context["store"] == (
        store
    )
    assert client.get("/stores/магазин%20x/").status_code == 404


# A free slug in a constant number of queries


@pytest.mark.django_db
def test_the_smallest_free_suffix_fills_a_gap():
    add_stores("🍰🍰🍰🍰", ["store", "store-2", "store-4", "store-front"])

    assert Store(name="🍰🍰🍰🍰")._free_slug() == "store-3"


@pytest.mark.django_db
def test_choosing_a_slug_takes_one_query_however_many_stores_share_the_name(
    django_assert_num_queries,
):
    add_stores("🍰🍰🍰🍰", ["store"] + [f"store-{n}" for n in range(2, 501)])

    with django_assert_num_queries(1):
        slug = Store(name="🍰🍰🍰🍰")._free_slug()

    assert slug == "store-501"


@pytest.mark.django_db
def test_a_signup_costs_as_many_queries_with_500_namesakes_as_with_one(client):
    def queries_of_a_signup(email):
        with CaptureQueriesContext(connection) as queries:
            response = post_signup(Client(), email=email, store_name="🍰🍰🍰🍰")
        assert response.status_code == 302
        return len(queries)

    add_stores("🍰🍰🍰🍰", ["store"])
    with_one = queries_of_a_signup("first@example.com")
    add_stores("🍰🍰🍰🍰", [f"store-{n}" for n in range(3, 503)])

    assert queries_of_a_signup("second@example.com") == with_one


# Name clashes never fail a signup


@pytest.mark.django_db
def test_a_slug_taken_after_it_was_chosen_gets_a_random_suffix(client, monkeypatch):
    """Another signup with the same name committed between our choice and our insert."""
    StoreFactory(name="Same Name")
    monkeypatch.setattr(Store, "_free_slug", lambda store: "same-name")

    response = post_signup(client, store_name="Same Name")

    assert response.status_code == 302
    assert re.fullmatch(
        r"same-name-[0-9a-f]{6}", User.objects.get(email="new@example.com").store.slug
    )


@pytest.mark.django_db
def test_an_integrity_error_not_about_the_slug_is_not_retried(user):
    with pytest.raises(IntegrityError):
        Store.objects.create(owner=user, name="A second store")  # one store per owner

    assert Store.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_signups_with_one_store_name_all_succeed():
    def sign_up(number):
        return post_signup(Client(), email=f"racer{number}@example.com", store_name="Same Name")

    numbers = iter(range(SIGNUPS_AT_ONCE))
    responses, errors = run_at_once(SIGNUPS_AT_ONCE, lambda: sign_up(next(numbers)))

    assert errors == []
    assert [response.status_code for response in responses] == [302] * SIGNUPS_AT_ONCE
    slugs = list(Store.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == SIGNUPS_AT_ONCE
    assert all(slug.startswith("same-name") for slug in slugs)
    assert User.objects.count() == SIGNUPS_AT_ONCE
