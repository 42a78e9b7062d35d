"""A store's profile: a bio and an avatar, edited on the store form and
shown as the store page's header; stores with nothing on sale leave the
store lists."""

import io
from pathlib import Path

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from products.factories import ProductFactory, StoreFactory
from products.forms import MAX_STORE_FORM_BYTES, PictureField, StoreForm
from products.models import Store
from products.pictures import size_url
from products.tests.images import image_upload, photo_bytes, with_sizes

pytestmark = pytest.mark.django_db


def stored_files(location):
    root = Path(location)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def store_form(store, files=None, **data):
    return StoreForm({"name": store.name, "bio": "", **data}, files or {}, instance=store)


# The form


def test_the_bio_keeps_its_lines_without_invisible_or_direction_changing_characters():
    store = StoreFactory()
    form = store_form(store, bio="  I draw\u200b fonts.\r\n\u202eMostly serif.\u202c  \n")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["bio"] == "I draw fonts.\nMostly serif."


def test_a_bio_with_a_nul_is_a_field_error():
    form = store_form(StoreFactory(), bio="Fonts\x00")

    assert not form.is_valid()
    assert form.errors["bio"] == ["Null characters are not allowed."]


@pytest.mark.parametrize(("length", "valid"), [(500, True), (501, False)])
def test_a_bio_takes_at_most_500_characters(length, valid):
    form = store_form(StoreFactory(), bio="a" * length)

    assert form.is_valid() is valid


def test_an_avatar_is_stored_reencoded_without_its_metadata_under_a_generated_name():
    store = StoreFactory()
    form = store_form(store, {"avatar": SimpleUploadedFile("Me at the beach.jpg", photo_bytes())})
    assert form.is_valid(), form.errors

    form.save()

    assert store.avatar.name.startswith("stores/")
    assert "beach" not in store.avatar.name
    with store.avatar.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
    assert dict(image.getexif()) == {}


def test_a_file_that_is_not_a_picture_is_an_avatar_field_error():
    form = store_form(
        StoreFactory(), {"avatar": SimpleUploadedFile("me.png", b"not a picture at all")}
    )

    assert not form.is_valid()
    assert "avatar" in form.errors


def test_the_admin_checks_and_reencodes_avatars_as_the_store_form_does(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    form_class = admin_site._registry[Store].get_form(request)

    assert isinstance(form_class().fields["avatar"], PictureField)


# Stored files


def test_replacing_the_avatar_on_the_store_form_deletes_the_old_one(
    logged_in_client, user, django_capture_on_commit_callbacks, media_root
):
    user.store.avatar = image_upload("old.png")
    user.store.save()
    url = reverse("products:store_edit", args=[user.store.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(
            url, {"name": user.store.name, "avatar": image_upload("new.png")}
        )

    assert response.status_code == 302
    user.store.refresh_from_db()
    assert stored_files(media_root) == with_sizes(user.store.avatar)


def test_clearing_the_avatar_deletes_it(
    logged_in_client, user, django_capture_on_commit_callbacks, media_root
):
    user.store.avatar = image_upload("old.png")
    user.store.save()
    url = reverse("products:store_edit", args=[user.store.slug])

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client.post(url, {"name": user.store.name, "avatar-clear": "on"})

    user.store.refresh_from_db()
    assert not user.store.avatar
    assert stored_files(media_root) == []


def test_deleting_a_store_deletes_its_avatar(django_capture_on_commit_callbacks, media_root):
    store = StoreFactory(avatar=image_upload("me.png"))

    with django_capture_on_commit_callbacks(execute=True):
        Store.objects.get(pk=store.pk).delete()

    assert stored_files(media_root) == []


# The store form page


def test_owner_sets_the_bio_and_avatar_on_the_store_form(logged_in_client, user):
    url = reverse("products:store_edit", args=[user.store.slug])
    page = logged_in_client.get(url)
    assert 'enctype="multipart/form-data"' in page.text

    response = logged_in_client.post(
        url,
        {"name": user.store.name, "bio": "Fonts for quiet books.", "avatar": image_upload()},
        follow=True,
    )

    user.store.refresh_from_db()
    assert user.store.bio == "Fonts for quiet books."
    assert user.store.avatar
    assert "Fonts for quiet books." in response.text
    assert size_url(user.store.avatar, 96) in response.text


def test_the_store_form_takes_a_body_with_an_avatar_but_no_more(user, logged_in_client):
    url = reverse("products:store_edit", args=[user.store.slug])
    # Over the 2.5 MB other pages take: read, and refused by the form instead.
    over_default = SimpleUploadedFile("me.png", b"x" * 3 * 1024 * 1024, content_type="image/png")

    response = logged_in_client.post(url, {"name": user.store.name, "avatar": over_default})

    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    too_big = client.post(url, {"name": "x"}, CONTENT_LENGTH=str(MAX_STORE_FORM_BYTES + 1))
    assert too_big.status_code == 413


# The store page and the store lists


def test_the_store_page_has_a_header_with_avatar_name_and_bio(client):
    store = StoreFactory(
        name="Quiet Type", bio="Fonts for quiet books.\nMade in Lyon.", avatar=image_upload()
    )

    response = client.get(store.get_absolute_url())

    header = response.text.split('<header class="store-header', 1)[1].split("</header>", 1)[0]
    assert f'src="{size_url(store.avatar, 96)}"' in header
    assert "<h1" in header and "Quiet Type" in header
    assert "Fonts for quiet books.\nMade in Lyon." in header


def test_a_store_without_an_avatar_shows_its_initial(client):
    store = StoreFactory(name="quiet Type")

    response = client.get(store.get_absolute_url())

    initial = '<span class="store-avatar store-avatar-initial store-avatar-lg" aria-hidden="true">'
    assert f"{initial}Q</span>" in response.text


def test_stores_without_listed_products_leave_the_store_index(client):
    ProductFactory(store__name="Open store")
    StoreFactory(name="Empty store")
    archived = ProductFactory(store__name="Closed store")
    archived.archive()

    response = client.get(reverse("products:store_index"))

    assert "Open store" in response.text
    assert "Empty store" not in response.text
    assert "Closed store" not in response.text
    assert response.context["page_obj"].paginator.count == 1


def test_store_cards_show_the_avatar_and_a_short_bio(client):
    store = ProductFactory(
        store__name="Quiet Type", store__bio="Fonts. " * 40, store__avatar=image_upload()
    ).store

    response = client.get(reverse("home"))

    assert f'src="{size_url(store.avatar, 96)}"' in response.text
    assert "Fonts. Fonts." in response.text
    assert store.bio.strip() not in response.text  # cut short, with "…"


def test_the_store_index_shows_each_store_with_its_avatar_and_bio(client):
    store = ProductFactory(
        store__name="Quiet Type", store__bio="Fonts for quiet books.", store__avatar=image_upload()
    ).store

    response = client.get(reverse("products:store_index"))

    assert f'src="{size_url(store.avatar, 96)}"' in response.text
    assert "Fonts for quiet books." in response.text
