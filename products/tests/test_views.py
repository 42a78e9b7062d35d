import html
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from products import forms as product_forms
from products.factories import ProductFactory, StoreFactory
from products.models import SLUG_MAX_LENGTH, Product
from products.pictures import size_url
from products.tests.images import image_upload
from products.tests.pages import assert_redirects_to_login, messages_in
from yumroad import settings as project_settings

pytestmark = pytest.mark.django_db


def product_data(**overrides):
    return {"name": "Cozy Icon Pack", "description": "Forty icons.", "price": "5", **overrides}


def file_upload(name="guide.pdf", content=b"%PDF-1.4 the whole book\n"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def listed(response):
    """Names of the products on the page, in the order shown."""
    return [product.name for product in response.context["page_obj"]]


def aged_products(count, store=None, **kwargs):
    """`count` products named "Item 00".."Item NN", "Item 00" the newest.

    They are created oldest-last and back-dated, so newest-first order differs
    from creation order.
    """
    now = timezone.now()
    products = []
    for number in range(count):
        if store is not None:
            kwargs["store"] = store
        product = ProductFactory(name=f"Item {number:02d}", **kwargs)
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(hours=number))
        products.append(product)
    return products


# Create


def test_store_owner_creates_a_product_with_a_picture(logged_in_client, user, other_user):
    response = logged_in_client.post(
        reverse("products:create"),
        product_data(picture=image_upload("icons.png")),
        follow=True,
    )

    product = Product.objects.get()
    assert response.redirect_chain == [(product.get_absolute_url(), 302)]
    assert product.store == user.store
    assert product.price_cents == 500
    assert product.picture.storage.exists(product.picture.name)
    assert "$5.00" in response.text
    assert f'src="{size_url(product.picture, 320)}"' in response.text
    assert messages_in(response) == ["Product created."]


def test_picture_with_a_long_file_name_is_saved_under_a_name_that_fits(logged_in_client):
    long_name = "a" * 96 + ".png"

    response = logged_in_client.post(
        reverse("products:create"), product_data(picture=image_upload(long_name))
    )

    assert response.status_code == 302
    picture = Product.objects.get().picture
    assert len(picture.name) <= Product._meta.get_field("picture").max_length
    assert picture.name.endswith(".png")
    assert picture.storage.exists(picture.name)


def test_create_page_shows_an_empty_form(logged_in_client):
    response = logged_in_client.get(reverse("products:create"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'name="price"' in response.text
    assert not response.context["form"].is_bound


def test_invalid_product_is_shown_again_with_errors_and_not_saved(logged_in_client, media_root):
    response = logged_in_client.post(
        reverse("products:create"),
        product_data(
            name="abc",
            price="-1",
            picture=SimpleUploadedFile("fake.png", b"text", content_type="image/png"),
        ),
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "price", "picture"}
    assert "Ensure this value has at least 4 characters (it has 3)." in response.text
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert "is-invalid" in response.text
    assert not Product.objects.exists()
    assert not (media_root / "products").exists()


def test_anonymous_visitor_is_sent_to_login_to_create(client):
    url = reverse("products:create")

    assert_redirects_to_login(client.get(url), url)
    assert_redirects_to_login(client.post(url, product_data()), url)
    assert not Product.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_user_without_a_store_cannot_create_a_product(client, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(reverse("products:create"), product_data(), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assert messages_in(response) == ["Your account has no store, so it cannot sell products."]
    assert not Product.objects.exists()


# Detail


def test_detail_shows_the_picture_in_its_sizes_and_never_the_upload(client):
    product = ProductFactory(picture=image_upload("cover.png"))

    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    sizes = ", ".join(
        f"{size_url(product.picture, width)} {width}w" for width in (320, 640, 960, 1280)
    )
    assert f'<img src="{size_url(product.picture, 320)}" srcset="{sizes}"' in response.text
    assert product.picture.url not in response.text
    assert "placeholder.svg" not in response.text


def test_detail_without_a_picture_shows_the_placeholder(client):
    product = ProductFactory()

    response = client.get(product.get_absolute_url())

    assert re.search(r'<img src="[^"]*/img/placeholder\.svg"', response.text)


def test_detail_escapes_the_description_and_keeps_its_lines(client):
    product = ProductFactory(description="<script>alert(1)</script>\nSecond line")

    response = client.get(product.get_absolute_url())

    assert "<script>alert(1)</script>" not in response.text
    assert (
        '<div class="text-prewrap">&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line</div>'
        in response.text
    )


def test_detail_shows_name_price_and_store_link(client):
    product = ProductFactory(name="Golden Font", price_cents=123450, store__name="Paper & Ink")

    response = client.get(product.get_absolute_url())

    assert "<h1" in response.text and "Golden Font</h1>" in response.text
    assert "$1,234.50" in response.text
    assert f'<a href="{product.store.get_absolute_url()}">Paper &amp; Ink</a>' in response.text


def test_detail_of_a_free_product_says_free(client):
    product = ProductFactory(price_cents=0)

    response = client.get(product.get_absolute_url())

    assert "Free" in response.text
    assert "$0.00" not in response.text
    assert "Get it free" in response.text


@pytest.mark.parametrize(
    ("price_cents", "shown"), [(500, "$5+"), (550, "$5.50+"), (123400, "$1,234+"), (0, "$0+")]
)
@pytest.mark.parametrize("page", ["index", "store", "product"])
def test_a_pay_what_you_want_price_is_shown_as_the_minimum_and_more(
    client, page, price_cents, shown
):
    product = ProductFactory(name="Golden Font", price_cents=price_cents, pay_what_you_want=True)
    url = {
        "index": reverse("products:index"),
        "store": product.store.get_absolute_url(),
        "product": product.get_absolute_url(),
    }[page]

    response = client.get(url)

    assert re.search(rf">\s*{re.escape(shown)}\s*<", response.text)
    assert "Free" not in response.text


def test_a_pay_what_you_want_product_from_0_is_bought_not_got_free(client):
    product = ProductFactory(price_cents=0, pay_what_you_want=True)

    response = client.get(product.get_absolute_url())

    checkout_url = reverse("orders:checkout", args=[product.pk])
    assert re.search(rf'<a [^>]*href="{checkout_url}"[^>]*>Buy now</a>', response.text)
    assert "Get it free" not in response.text


def test_owner_makes_a_product_pay_what_you_want(logged_in_client, user):
    product = ProductFactory(store=user.store, price_cents=500)

    logged_in_client.post(
        reverse("products:edit", args=[product.pk]),
        product_data(price="3", pay_what_you_want="on"),
    )

    product.refresh_from_db()
    assert (product.pay_what_you_want, product.price_cents) == (True, 300)


def test_detail_buy_is_a_link_to_checkout(client):
    product = ProductFactory(price_cents=500)

    response = client.get(product.get_absolute_url())

    checkout_url = reverse("orders:checkout", args=[product.pk])
    assert re.search(rf'<a [^>]*href="{checkout_url}"[^>]*>Buy now</a>', response.text)


def test_detail_without_a_file_is_not_available_yet(client, user):
    product = ProductFactory(store=user.store, file="")

    response = client.get(product.get_absolute_url())

    assert re.search(r"<button[^>]*disabled>Not available yet</button>", response.text)
    assert reverse("orders:checkout", args=[product.pk]) not in response.text
    client.force_login(user)
    assert "Add the file buyers get" in client.get(product.get_absolute_url()).text


def test_detail_shows_the_edit_link_to_the_owner_only(client, user, other_user):
    product = ProductFactory(store=user.store)
    edit_url = reverse("products:edit", args=[product.pk])

    assert edit_url not in client.get(product.get_absolute_url()).text
    client.force_login(other_user)
    assert edit_url not in client.get(product.get_absolute_url()).text
    client.force_login(user)
    assert f'href="{edit_url}"' in client.get(product.get_absolute_url()).text


def test_detail_of_an_unknown_product_is_404(client):
    assert client.get(reverse("products:detail", args=[999])).status_code == 404


# Edit


def test_owner_sees_the_product_in_the_edit_form(logged_in_client, user):
    product = ProductFactory(store=user.store, name="Golden Font", price_cents=1999)

    response = logged_in_client.get(reverse("products:edit", args=[product.pk]))

    assert response.status_code == 200
    assert 'value="Golden Font"' in response.text
    assert 'value="19.99"' in response.text


def test_owner_can_edit_product(logged_in_client, user):
    product = ProductFactory(store=user.store, price_cents=500)

    response = logged_in_client.post(
        reverse("products:edit", args=[product.pk]),
        product_data(name="Renamed product", price="7.50", description="New words."),
        follow=True,
    )

    assert response.redirect_chain == [(product.get_absolute_url(), 302)]
    assert messages_in(response) == ["Product updated."]
    product.refresh_from_db()
    assert (product.name, product.price_cents, product.description) == (
        "Renamed product",
        750,
        "New words.",
    )
    assert product.store == user.store


def test_owner_can_replace_the_picture(logged_in_client, user):
    product = ProductFactory(store=user.store, picture=image_upload("old.png"))

    logged_in_client.post(
        reverse("products:edit", args=[product.pk]),
        product_data(picture=image_upload("new.gif", "GIF")),
    )

    product.refresh_from_db()
    assert product.picture.name.endswith(".gif")


def test_invalid_edit_is_shown_again_and_changes_nothing(logged_in_client, user):
    product = ProductFactory(store=user.store, name="Golden Font", price_cents=500)

    response = logged_in_client.post(
        reverse("products:edit", args=[product.pk]), product_data(price="1.999")
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["price"]
    product.refresh_from_db()
    assert (product.name, product.price_cents) == ("Golden Font", 500)


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_user_gets_404_on_edit(client, user, other_user, method):
    product = ProductFactory(store=user.store, name="Golden Font", price_cents=500)
    client.force_login(other_user)

    response = getattr(client, method)(
        reverse("products:edit", args=[product.pk]), product_data(name="Hijacked", price="0")
    )

    assert response.status_code == 404
    product.refresh_from_db()
    assert (product.name, product.price_cents) == ("Golden Font", 500)


def test_anonymous_visitor_is_sent_to_login_to_edit(client):
    product = ProductFactory(name="Golden Font")
    url = reverse("products:edit", args=[product.pk])

    assert_redirects_to_login(client.get(url), url)
    assert_redirects_to_login(client.post(url, product_data(name="Hijacked")), url)
    product.refresh_from_db()
    assert product.name == "Golden Font"


# Delete


def test_edit_page_has_a_form_that_posts_to_delete(logged_in_client, user):
    product = ProductFactory(store=user.store)

    response = logged_in_client.get(reverse("products:edit", args=[product.pk]))

    delete_url = reverse("products:delete", args=[product.pk])
    assert re.search(rf'<form [^>]*method="post" action="{delete_url}">', response.text)


def test_delete_page_refuses_get(logged_in_client, user):
    product = ProductFactory(store=user.store)

    response = logged_in_client.get(reverse("products:delete", args=[product.pk]))

    assert response.status_code == 405
    assert Product.objects.filter(pk=product.pk).exists()


def test_owner_can_delete_product(logged_in_client, user):
    product = ProductFactory(store=user.store, name="Golden Font")
    kept = ProductFactory(store=user.store)

    response = logged_in_client.post(reverse("products:delete", args=[product.pk]), follow=True)

    assert response.redirect_chain == [(user.store.get_absolute_url(), 302)]
    assert messages_in(response) == ["Product “Golden Font” deleted."]
    assert list(Product.objects.all()) == [kept]


def test_other_user_gets_404_on_delete(client, user, other_user):
    product = ProductFactory(store=user.store)
    client.force_login(other_user)

    response = client.post(reverse("products:delete", args=[product.pk]))

    assert response.status_code == 404
    assert Product.objects.filter(pk=product.pk).exists()


def test_anonymous_visitor_cannot_delete(client):
    product = ProductFactory()
    url = reverse("products:delete", args=[product.pk])

    assert_redirects_to_login(client.post(url), url)
    assert Product.objects.filter(pk=product.pk).exists()


# The file to sell


def test_store_owner_creates_a_product_with_a_file_kept_privately(
    logged_in_client, user, private_storage, media_root
):
    response = logged_in_client.post(
        reverse("products:create"),
        product_data(file=file_upload("My Book (final).pdf", b"The whole book.\n")),
    )

    product = Product.objects.get()
    assert response.status_code == 302
    assert product.file.storage is private_storage
    assert (Path(private_storage.location) / product.file.name).read_bytes() == (
        b"The whole book.\n"
    )
    assert not (Path(media_root) / product.file.name).exists()
    assert "Book" not in product.file.name  # stored under a generated name
    assert product.file_name == "My Book (final).pdf"


def test_file_over_the_limit_is_shown_again_and_nothing_is_saved(
    logged_in_client, user, private_storage, monkeypatch
):
    # Stands for 100 MB: the check is the same, and nothing big is written.
    monkeypatch.setattr(product_forms, "MAX_FILE_BYTES", 10)

    response = logged_in_client.post(
        reverse("products:create"), product_data(file=file_upload(content=b"x" * 11))
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert "The file is 11\xa0bytes; the limit is 100 MB." in response.text
    assert not Product.objects.exists()
    assert not Path(private_storage.location, "products").exists()


def test_owner_replaces_the_file_and_the_old_one_is_deleted(
    logged_in_client, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store)
    old = product.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(
            reverse("products:edit", args=[product.pk]),
            product_data(file=file_upload("Second edition.pdf", b"better")),
        )

    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.file.storage.exists(old)
    assert product.file.read() == b"better"
    assert product.file_name == "Second edition.pdf"


def test_owner_clears_the_file_and_it_is_deleted(
    logged_in_client, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store)
    old = product.file.name

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client.post(
            reverse("products:edit", args=[product.pk]), product_data(**{"file-clear": "on"})
        )

    product.refresh_from_db()
    assert (product.file.name, product.file_name) == ("", "")
    assert not product.file.storage.exists(old)
    assert "Add the file buyers get" in logged_in_client.get(product.get_absolute_url()).text


def test_owner_replaces_the_picture_and_the_old_one_is_deleted(
    logged_in_client, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store, picture=image_upload("old.png"))
    old = product.picture.name

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client.post(
            reverse("products:edit", args=[product.pk]),
            product_data(picture=image_upload("new.png")),
        )

    product.refresh_from_db()
    assert product.picture.name != old
    assert product.picture.storage.exists(product.picture.name)
    assert not product.picture.storage.exists(old)


def test_replacing_a_shared_file_keeps_it_for_the_other_product(
    logged_in_client, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store)
    other = ProductFactory(file=product.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client.post(
            reverse("products:edit", args=[product.pk]), product_data(**{"file-clear": "on"})
        )

    other.refresh_from_db()
    assert other.file.storage.exists(other.file.name)


def test_rejected_edit_with_new_files_deletes_and_saves_nothing(
    logged_in_client, user, private_storage, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store, picture=image_upload("old.png"))
    before = (product.file.name, product.file_name, product.picture.name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = logged_in_client.post(
            reverse("products:edit", args=[product.pk]),
            product_data(
                price="1.999", file=file_upload("new.pdf"), picture=image_upload("new.png")
            ),
        )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["price"]
    assert callbacks == []
    product.refresh_from_db()
    assert (product.file.name, product.file_name, product.picture.name) == before
    assert private_storage.exists(product.file.name)
    assert product.picture.storage.exists(product.picture.name)
    assert private_storage.listdir("products")[0] == [product.file.name.split("/")[1]]


def test_edit_page_names_the_file_without_a_link_to_it(logged_in_client, user):
    product = ProductFactory(store=user.store, file_name="My Book (final).pdf")

    response = logged_in_client.get(reverse("products:edit", args=[product.pk]))

    assert "File to sell" in response.text
    assert "My Book (final).pdf" in response.text
    assert 'name="file-clear"' in response.text
    assert product.file.name not in response.text


def test_private_files_are_kept_outside_media_root():
    media_root = Path(project_settings.MEDIA_ROOT).resolve()
    private_root = Path(project_settings.PRIVATE_ROOT).resolve()

    assert not private_root.is_relative_to(media_root)
    assert not media_root.is_relative_to(private_root)


@pytest.mark.urls("products.tests.dev_media_urls")
def test_no_media_url_serves_a_product_file(client, private_storage):
    product = ProductFactory(picture=image_upload("cover.png"))
    # The route works: it serves the public picture.
    assert client.get(product.picture.url).status_code == 200

    assert client.get(f"/media/{product.file.name}").status_code == 404
    assert client.get(product.file.url).status_code == 404
    # Climbing out of MEDIA_ROOT is refused too.
    for climb in ["..", "%2E%2E"]:
        assert client.get(f"/media/{climb}/private/{product.file.name}").status_code in {400, 404}


def test_deleting_a_product_deletes_its_file_and_picture(
    logged_in_client, user, django_capture_on_commit_callbacks
):
    product = ProductFactory(store=user.store, picture=image_upload("cover.png"))
    file, picture = product.file, product.picture

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client.post(reverse("products:delete", args=[product.pk]))

    assert not Product.objects.filter(pk=product.pk).exists()
    assert not file.storage.exists(file.name)
    assert not picture.storage.exists(picture.name)


# Archived products


def test_archived_product_leaves_every_listing_and_its_pages(client, user):
    product = ProductFactory(store=user.store, name="Old Font")
    ProductFactory(store=user.store, name="New Font")
    product.archive()

    assert listed(client.get(reverse("products:index"))) == ["New Font"]
    assert listed(client.get(user.store.get_absolute_url())) == ["New Font"]
    assert "Old Font" not in client.get(reverse("products:store_index")).text
    assert "Old Font" not in client.get(reverse("home")).text
    assert client.get(product.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert client.get(reverse("products:edit", args=[product.pk])).status_code == 404
    assert client.post(reverse("products:delete", args=[product.pk])).status_code == 404
    assert Product.objects.filter(pk=product.pk).exists()


# Store edit


def test_owner_can_rename_the_store_and_keep_its_address(logged_in_client, user):
    store = user.store
    old_slug = store.slug
    url = reverse("products:store_edit", args=[old_slug])
    assert logged_in_client.get(url).status_code == 200

    response = logged_in_client.post(url, {"name": "Night Owl Beats"}, follow=True)

    store.refresh_from_db()
    assert (store.name, store.slug) == ("Night Owl Beats", old_slug)
    assert response.redirect_chain == [(reverse("products:store_detail", args=[old_slug]), 302)]
    assert messages_in(response) == ["Store updated."]


def test_store_name_too_short_is_shown_again_with_an_error(logged_in_client, user):
    old_name = user.store.name

    response = logged_in_client.post(
        reverse("products:store_edit", args=[user.store.slug]), {"name": "abc"}
    )

    assert response.status_code == 200
    assert "Ensure this value has at least 4 characters (it has 3)." in response.text
    user.store.refresh_from_db()
    assert user.store.name == old_name


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_user_gets_404_on_store_edit(client, user, other_user, method):
    old_name = user.store.name
    client.force_login(other_user)

    response = getattr(client, method)(
        reverse("products:store_edit", args=[user.store.slug]), {"name": "Hijacked store"}
    )

    assert response.status_code == 404
    user.store.refresh_from_db()
    assert user.store.name == old_name


def test_anonymous_visitor_is_sent_to_login_to_edit_a_store(client, user):
    url = reverse("products:store_edit", args=[user.store.slug])

    assert_redirects_to_login(client.get(url), url)


# Product index


def test_index_lists_the_newest_products_first_twelve_per_page(client):
    aged_products(13)

    first = client.get(reverse("products:index"))
    second = client.get(reverse("products:index"), {"page": 2})

    assert listed(first) == [f"Item {number:02d}" for number in range(12)]
    assert listed(second) == ["Item 12"]
    assert "Item 12" not in first.text
    assert "Item 11" not in second.text


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 2), ("9999", 2), ("-1", 2)])
def test_index_with_a_bad_page_number_shows_a_valid_page(client, page, shown):
    aged_products(13)

    response = client.get(reverse("products:index"), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert listed(response)


def test_index_without_products_says_so(client):
    response = client.get(reverse("products:index"))

    assert response.status_code == 200
    assert response.text.count("No products") == 1
    assert "No products yet." in response.text


def test_a_search_without_results_says_so_once_and_offers_to_clear_it(client):
    ProductFactory(name="Golden Icon Pack")

    response = client.get(reverse("products:index"), {"q": "velvet", "sort": "price"})

    assert response.status_code == 200
    assert listed(response) == []
    text = re.sub(r"<[^>]+>", "", response.text)
    assert re.findall(r"No products[^.]*\.|\d+ results?", text) == ["No products match “velvet”."]
    clear = re.search(r'<a href="([^"]+)">Clear search</a>', response.text)
    # Clearing the search keeps the sort order chosen.
    assert parse_qs(urlsplit(html.unescape(clear.group(1))).query) == {"sort": ["price"]}
    assert 'class="pagination' not in response.text


def test_a_search_with_results_says_how_many_and_offers_to_clear_it(client):
    ProductFactory(name="Golden Icon Pack")

    response = client.get(reverse("products:index"), {"q": "golden"})

    assert "1 result for “golden”." in response.text
    assert "No products" not in response.text
    clear = re.search(r'<a href="([^"]+)">Clear search</a>', response.text)
    assert urlsplit(html.unescape(clear.group(1))).query == ""


def test_the_catalog_grid_has_two_columns_on_phones(client):
    ProductFactory()

    response = client.get(reverse("products:index"))

    grid = re.search(r'<div class="row ([^"]+)">\s*<div class="col">', response.text)
    assert "row-cols-2" in grid.group(1).split()


def test_index_search_matches_name_and_description_in_any_case(client):
    ProductFactory(name="Golden Icon Pack", description="Icons.")
    ProductFactory(name="Recipe Book", description="Cakes with a GOLDEN crust.")
    ProductFactory(name="Beat Tape", description="Silver sounds.")

    response = client.get(reverse("products:index"), {"q": "gOlDeN"})

    assert sorted(listed(response)) == ["Golden Icon Pack", "Recipe Book"]
    assert "Beat Tape" not in response.text
    assert "2 results for “gOlDeN”" in response.text
    assert 'value="gOlDeN"' in response.text


@pytest.mark.parametrize(
    ("sort", "order"),
    [("price", ["Cheapest", "Middle", "Dearest"]), ("-price", ["Dearest", "Middle", "Cheapest"])],
)
def test_index_sorts_by_price(client, sort, order):
    for name, price_cents in [("Middle", 500), ("Cheapest", 0), ("Dearest", 900)]:
        ProductFactory(name=name, price_cents=price_cents)

    response = client.get(reverse("products:index"), {"sort": sort})

    assert listed(response) == order
    assert f'<option value="{sort}" selected>' in response.text


@pytest.mark.parametrize(
    "query",
    [{"q": "gold\x00en"}, {"q": "x" * 10_000}, {"sort": "bogus"}, {"sort": "\x00"}],
)
def test_index_with_odd_query_values_answers_200(client, query):
    aged_products(3)

    response = client.get(reverse("products:index"), query)

    assert response.status_code == 200
    assert listed(response) == ["Item 00", "Item 01", "Item 02"]


def test_index_pagination_links_keep_the_search_and_sort(client):
    for number in range(13):
        ProductFactory(name=f"Golden thing {number:02d}", price_cents=number * 100)
    ProductFactory(name="Silver thing")

    response = client.get(reverse("products:index"), {"q": "golden", "sort": "-price"})

    assert len(listed(response)) == 12
    link = re.search(r'href="([^"]+)" rel="next"', response.text)
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert query == {"q": ["golden"], "sort": ["-price"], "page": ["2"]}
    second = client.get(reverse("products:index"), query)
    assert listed(second) == ["Golden thing 00"]
    previous = re.search(r'href="([^"]+)" rel="prev"', second.text)
    query = parse_qs(urlsplit(html.unescape(previous.group(1))).query)
    assert query == {"q": ["golden"], "sort": ["-price"], "page": ["1"]}


def pager(response):
    """The pager's items, each (text without the aria-hidden arrows, link's
    query or None, is current)."""
    nav = re.search(r'<nav class="mt-4" aria-label="Pages">(.*?)</nav>', response.text, re.S)
    items = []
    for item in re.findall(r"<li [^>]*>(.*?)</li>", nav.group(1), re.S):
        link = re.search(r'href="([^"]+)"', item)
        query = parse_qs(urlsplit(html.unescape(link.group(1))).query) if link else None
        read = re.sub(r'<span aria-hidden="true">[^<]*</span>', "", item)
        text = re.sub(r"<[^>]+>", "", read).strip()
        items.append((text, query, 'aria-current="page"' in item))
    return items


def test_the_pager_numbers_pages_around_the_current_one_with_ellipses(client, monkeypatch):
    monkeypatch.setattr("products.views.PRODUCTS_PER_PAGE", 1)
    aged_products(12)

    response = client.get(reverse("products:index"), {"page": 6, "q": "item", "sort": "-price"})

    items = pager(response)
    assert [text for text, _query, _current in items] == [
        "Previous", "Page 1", "…", "Page 5", "Page 6", "Page 7", "…", "Page 12", "Next"
    ]  # fmt: skip
    assert [text for text, _query, current in items if current] == ["Page 6"]
    links = {text: query for text, query, _current in items if query}
    assert set(links) == {"Previous", "Page 1", "Page 5", "Page 7", "Page 12", "Next"}
    for text, page in [("Previous", 5), ("Page 1", 1), ("Page 12", 12), ("Next", 7)]:
        assert links[text] == {"q": ["item"], "sort": ["-price"], "page": [str(page)]}
    # The ellipses are decoration: hidden from screen readers, no links.
    assert response.text.count('<li class="page-item disabled" aria-hidden="true">') == 2


def test_the_pager_on_the_first_page_has_no_previous_link(client, monkeypatch):
    monkeypatch.setattr("products.views.PRODUCTS_PER_PAGE", 1)
    aged_products(3)

    response = client.get(reverse("products:index"))

    assert pager(response) == [
        ("Previous", None, False),
        ("Page 1", None, True),
        ("Page 2", {"page": ["2"]}, False),
        ("Page 3", {"page": ["3"]}, False),
        ("Next", {"page": ["2"]}, False),
    ]


def test_the_catalog_pages_through_its_first_pages_only_and_says_so(client, monkeypatch):
    monkeypatch.setattr("products.views.PRODUCTS_PER_PAGE", 2)
    monkeypatch.setattr("products.views.CATALOG_MAX_PAGES", 3)
    aged_products(7)

    last = client.get(reverse("products:index"), {"page": 3})
    beyond = client.get(reverse("products:index"), {"page": 4})
    search = client.get(reverse("products:index"), {"q": "item"})

    assert listed(last) == ["Item 04", "Item 05"]
    assert [text for text, _query, _current in pager(last)][-2:] == ["Page 3", "Next"]
    assert "That is the first 6: search or change the sort" in last.text
    assert beyond.context["page_obj"].number == 3
    assert "More than 6 results for “item”." in search.text
    assert "That is the first" not in search.text


def test_a_full_last_page_of_the_catalog_is_not_capped(client, monkeypatch):
    monkeypatch.setattr("products.views.PRODUCTS_PER_PAGE", 2)
    monkeypatch.setattr("products.views.CATALOG_MAX_PAGES", 3)
    aged_products(6)

    last = client.get(reverse("products:index"), {"page": 3, "q": "item"})

    assert listed(last) == ["Item 04", "Item 05"]
    assert "6 results for “item”." in last.text
    assert "More than" not in last.text
    assert "That is the first" not in last.text


def test_one_page_has_no_pager(client):
    aged_products(2)

    response = client.get(reverse("products:index"))

    assert 'aria-label="Pages"' not in response.text


# Store index


def test_store_index_shows_each_store_with_its_four_newest_products(client):
    # Four: a full row of cards, two on phones and four on wide screens.
    busy = StoreFactory(name="Busy store")
    aged_products(6, store=busy)
    ProductFactory(store__name="Quiet store", name="Lonely product")

    response = client.get(reverse("products:store_index"))

    assert response.status_code == 200
    for name in ["Busy store", "Quiet store", "Lonely product"]:
        assert name in response.text
    for name in ["Item 00", "Item 01", "Item 02", "Item 03"]:
        assert f">{name}</a>" in response.text
    for name in ["Item 04", "Item 05"]:
        assert name not in response.text
    assert f'href="{busy.get_absolute_url()}"' in response.text


def test_store_index_is_paginated(client):
    for store in StoreFactory.create_batch(13):
        ProductFactory(store=store)

    first = client.get(reverse("products:store_index"))
    second = client.get(reverse("products:store_index"), {"page": 2})

    assert len(first.context["page_obj"]) == 12
    assert len(second.context["page_obj"]) == 1


# Store detail


def test_store_detail_shows_only_that_stores_products(client):
    store = StoreFactory(name="Paper & Ink")
    ProductFactory(store=store, name="Ink Brushes")
    ProductFactory(name="Someone else's thing")

    response = client.get(store.get_absolute_url())

    assert response.status_code == 200
    assert "Paper &amp; Ink" in response.text
    assert listed(response) == ["Ink Brushes"]
    assert "Someone else" not in response.text


def test_store_detail_is_paginated_newest_first(client):
    store = StoreFactory()
    aged_products(13, store=store)

    first = client.get(store.get_absolute_url())
    second = client.get(store.get_absolute_url(), {"page": 2})

    assert listed(first) == [f"Item {number:02d}" for number in range(12)]
    assert listed(second) == ["Item 12"]
    assert "Item 12" not in first.text
    assert "Item 11" not in second.text
    assert "13 products" in first.text


def test_store_owner_sees_add_and_edit_links(logged_in_client, user):
    product = ProductFactory(store=user.store)

    response = logged_in_client.get(user.store.get_absolute_url())

    assert "Add product" in response.text
    assert f'href="{reverse("products:create")}"' in response.text
    assert f'href="{reverse("products:edit", args=[product.pk])}"' in response.text
    assert f'href="{reverse("products:store_edit", args=[user.store.slug])}"' in response.text


def test_store_owner_list_is_paginated_too(logged_in_client, user):
    products = aged_products(13, store=user.store)

    first = logged_in_client.get(user.store.get_absolute_url())
    second = logged_in_client.get(user.store.get_absolute_url(), {"page": 2})

    oldest_edit_url = reverse("products:edit", args=[products[-1].pk])
    assert first.text.count(">Edit</a>") == 12
    assert oldest_edit_url not in first.text
    assert second.text.count(">Edit</a>") == 1
    assert oldest_edit_url in second.text


@pytest.mark.parametrize("visitor", ["anonymous", "other user"])
def test_store_visitor_sees_no_add_or_edit_links(client, user, other_user, visitor):
    product = ProductFactory(store=user.store)
    if visitor == "other user":
        client.force_login(other_user)

    response = client.get(user.store.get_absolute_url())

    assert product.name in response.text
    assert "Add product" not in response.text
    assert reverse("products:edit", args=[product.pk]) not in response.text
    assert reverse("products:store_edit", args=[user.store.slug]) not in response.text


def test_unknown_store_is_404(client):
    assert client.get(reverse("products:store_detail", args=["no-such-store"])).status_code == 404


# The slug goes into a cache key, which memcached would refuse past 250 characters.
@pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
def test_a_store_slug_longer_than_any_store_has_is_404(client):
    longest = StoreFactory(slug="s" * SLUG_MAX_LENGTH)
    assert client.get(longest.get_absolute_url()).status_code == 200

    too_long = longest.get_absolute_url().replace(longest.slug, "s" * 300)
    assert client.get(too_long).status_code == 404


# Navbar


def test_navbar_links_to_my_store_when_logged_in(logged_in_client, user):
    response = logged_in_client.get(reverse("products:index"))

    assert f'<a class="dropdown-item" href="{user.store.get_absolute_url()}">My store</a>' in (
        response.text
    )
    assert user.email in response.text


def test_navbar_has_no_store_link_for_visitors(client, user):
    response = client.get(reverse("products:index"))

    assert "My store" not in response.text
    assert "Log in" in response.text


def test_navbar_has_no_store_link_for_a_user_without_a_store(client):
    client.force_login(UserFactory())

    response = client.get(reverse("products:index"))

    assert response.status_code == 200
    assert "My store" not in response.text


# Query counts: list pages run a fixed number of queries however many rows.


def build_catalog(owner, count):
    """`count` products over up to six stores, the first store `owner`'s."""
    stores = [owner.store, *StoreFactory.create_batch(min(count, 6) - 1)]
    picture = ""
    for number in range(count):
        product = ProductFactory(
            store=stores[number % len(stores)],
            name=f"Listed product {number}",
            # One picture shared, as seed_demo's products share theirs.
            picture=picture or image_upload() if number % 2 else "",
        )
        picture = picture or product.picture.name
    return stores


LIST_PAGES = {
    # page: (URL for the catalog's first store, bound anonymous, bound logged in)
    # Anonymous bounds include the catalog version read by cache_for_visitors
    # (the cache is empty: these are the queries of a page rendered anew);
    # logged-in ones the session, the user and their store (for the navbar).
    "products": (lambda store: reverse("products:index"), 3, 6),
    "search": (lambda store: reverse("products:index") + "?q=listed&sort=price", 3, 6),
    "stores": (lambda store: reverse("products:store_index"), 4, 7),
    "store": (lambda store: store.get_absolute_url(), 4, 7),
}


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged_in"])
@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_rows(
    client, user, django_assert_max_num_queries, page, count, logged_in
):
    url_for, anonymous_bound, logged_in_bound = LIST_PAGES[page]
    stores = build_catalog(user, count)
    url = url_for(stores[0])
    if logged_in:
        client.force_login(user)

    with django_assert_max_num_queries(logged_in_bound if logged_in else anonymous_bound):
        response = client.get(url)

    assert response.status_code == 200
    assert "Listed product" in response.text


def test_rejected_edit_keeps_the_saved_name_in_the_headings(logged_in_client, user):
    product = ProductFactory(store=user.store, name="Saved name")

    response = logged_in_client.post(
        reverse("products:edit", args=[product.pk]), {"name": "", "price": "1"}
    )

    assert response.status_code == 200
    assert "<title>Edit Saved name" in response.content.decode()
    assert "Delete “Saved name”?" in response.content.decode()


# An empty store


def test_empty_store_tells_its_owner_to_add_a_product(logged_in_client, user):
    response = logged_in_client.get(user.store.get_absolute_url())

    main = re.search(r"<main\b.*?</main>", response.text, re.S)[0]
    assert "Your store is ready for its first product" in main
    create = reverse("products:create")
    assert re.search(rf'<a class="btn btn-primary" href="{create}">\s*Add your first product', main)
    assert "No products yet." not in main


def test_empty_store_tells_a_visitor_only_that_it_has_no_products(client, user):
    ProductFactory(store=user.store, archived_at=timezone.now())  # no longer listed

    response = client.get(user.store.get_absolute_url())

    main = re.search(r"<main\b.*?</main>", response.text, re.S)[0]
    assert "No products yet." in main
    assert "first product" not in main
    assert reverse("products:create") not in main


def test_owner_of_a_store_with_products_sees_their_list_not_the_empty_state(logged_in_client, user):
    ProductFactory(store=user.store, name="Golden Font")

    response = logged_in_client.get(user.store.get_absolute_url())

    assert ">Golden Font</a>" in response.text
    assert "first product" not in response.text
