"""The product page as a sales page: the creator card, more from the
store, and what the buyer gets, in a fixed number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from products.factories import ProductFactory, StoreFactory
from products.models import Product
from products.pictures import size_url
from products.tests.images import image_upload

pytestmark = pytest.mark.django_db


def section(page, start, end="</section>"):
    return page.split(start, 1)[1].split(end, 1)[0]


def test_the_page_shows_a_creator_card_with_avatar_name_short_bio_and_link(client):
    product = ProductFactory(
        store__name="Quiet Type",
        store__bio="Fonts for quiet books. " * 20,
        store__avatar=image_upload(),
    )
    store = product.store

    response = client.get(product.get_absolute_url())

    card = response.text.split('<div class="card creator-card', 1)[1].split("</div>\n      </div>")[
        0
    ]
    assert f'src="{size_url(store.avatar, 96)}"' in card
    assert "Quiet Type</h2>" in card
    assert "Fonts for quiet books. Fonts" in card
    assert store.bio.strip() not in card  # cut short
    assert f'href="{store.get_absolute_url()}">Visit the store</a>' in card


def test_the_page_shows_up_to_four_more_products_of_the_store(client):
    store = StoreFactory()
    # Oldest first: "Sibling 0" is the fifth newest, one too many.
    siblings = [ProductFactory(store=store, name=f"Sibling {n}") for n in range(5)]
    ProductFactory(store=store, name="Archived sibling").archive()
    ProductFactory(name="Someone else's product")
    product = ProductFactory(store=store, name="The one on the page")

    response = client.get(product.get_absolute_url())

    more = section(response.text, 'id="more-from-store"')
    assert list(response.context["more_from_store"]) == siblings[:0:-1]
    for name in ["Sibling 1", "Sibling 2", "Sibling 3", "Sibling 4"]:
        assert f">{name}</a>" in more
    for name in ["Sibling 0", "Archived sibling", "The one on the page", "Someone else"]:
        assert name not in more


def test_a_product_alone_in_its_store_has_no_more_from_the_store(client):
    product = ProductFactory()

    response = client.get(product.get_absolute_url())

    assert "more-from-store" not in response.text


def test_the_page_says_what_the_buyer_gets_file_type_and_size(client):
    product = ProductFactory(
        file=SimpleUploadedFile("stored.pdf", b"x" * 2048), file_name="Quiet Serif.pdf"
    )

    response = client.get(product.get_absolute_url())

    assert '<span class="badge text-bg-light border">PDF</span> file, 2.0\xa0KB' in response.text


def test_a_file_without_a_plain_extension_is_a_file_of_its_size(client):
    product = ProductFactory(file_name="README")

    response = client.get(product.get_absolute_url())

    assert '<p class="what-you-get mb-0">A file, 18\xa0bytes</p>' in response.text


def test_a_product_without_a_file_is_not_available_yet(client):
    product = ProductFactory(file="", file_name="")

    response = client.get(product.get_absolute_url())

    assert '<p class="what-you-get mb-0 text-body-secondary">Not available yet</p>' in response.text


def test_a_file_storage_has_lost_still_shows_its_type(client, private_storage):
    product = ProductFactory(file_name="Quiet Serif.zip")
    private_storage.delete(product.file.name)

    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert '<span class="badge text-bg-light border">ZIP</span> file</p>' in response.text


@pytest.mark.parametrize(
    ("download_name", "file_type"),
    [("Quiet Serif.PDF", "PDF"), ("fonts.tar.gz", "GZ"), ("README", ""), ("a.<b>", "")],
)
def test_the_file_type_is_the_download_names_plain_extension(download_name, file_type):
    assert Product(file_name=download_name).file_type == file_type


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("siblings", [1, 10])
def test_the_page_queries_do_not_grow_with_the_stores_products(
    client, user, django_assert_num_queries, siblings, logged_in
):
    store = StoreFactory(avatar=image_upload())
    product = ProductFactory(store=store, picture=image_upload())
    for number in range(siblings):
        # The cover shared, as seed_demo's products share theirs: the page
        # builds its sizes' URLs from its name alone.
        ProductFactory(store=store, picture=product.picture.name if number % 2 else "")
    if logged_in:
        client.force_login(user)

    # Rendered anew. Anonymous: the catalog version, the product with its
    # store, the more from the store. Logged in, also: the session, the
    # user, their store (the navbar), their library's version and their
    # paid order of it.
    with django_assert_num_queries(8 if logged_in else 3):
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
