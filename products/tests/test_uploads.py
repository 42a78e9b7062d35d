"""Uploads: generated stored names, pictures re-encoded without their
metadata and within a pixel limit, replaced files deleted wherever the
product is saved, and request bodies capped before they are read."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from products import forms as product_forms
from products.factories import ProductFactory, StoreFactory
from products.forms import MAX_PRODUCT_FORM_BYTES, ProductForm
from products.models import Product
from products.tests.images import (
    huge_png_bytes,
    image_bytes,
    image_upload,
    photo_bytes,
    with_sizes,
)

pytestmark = pytest.mark.django_db

LONG_UNICODE_NAME = "Ünïcödé-名前-" * 16 + ".png"  # 208 characters, 336 bytes in UTF-8


def product_form(picture=None, file=None, instance=None, **data):
    data = {"name": "Cozy Icon Pack", "description": "Forty icons.", "price": "5", **data}
    files = {name: f for name, f in [("picture", picture), ("file", file)] if f is not None}
    return ProductForm(data, files, instance=instance)


def saved(form):
    assert form.is_valid(), form.errors
    product = form.save(commit=False)
    product.store = StoreFactory()
    product.save()
    return product


def stored_picture(product):
    """The stored picture, opened with Pillow."""
    with product.picture.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
    image.load()
    return image


def stored_files(location):
    root = Path(location)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


# Generated names


def test_a_picture_with_a_200_character_unicode_name_is_stored_under_a_generated_one(
    logged_in_client,
):
    response = logged_in_client.post(
        reverse("products:create"),
        {
            "name": "Cozy Icon Pack",
            "description": "",
            "price": "5",
            "picture": image_upload(LONG_UNICODE_NAME),
        },
    )

    assert response.status_code == 302
    product = Product.objects.get()
    assert re.fullmatch(r"products/\d{4}/\d{2}/[0-9a-f]{32}\.png", product.picture.name)
    assert product.picture.storage.exists(product.picture.name)


def test_a_product_file_with_a_200_character_unicode_name_keeps_it_for_the_download():
    name = LONG_UNICODE_NAME.removesuffix(".png") + ".pdf"

    product = saved(product_form(file=SimpleUploadedFile(name, b"the book")))

    assert re.fullmatch(r"products/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", product.file.name)
    assert product.file.read() == b"the book"
    assert product.download_name == name


@pytest.mark.parametrize("name", ["book", "book.tar.gz;rm", "book.PDF ", "book.ünï"])
def test_an_odd_extension_is_not_kept_on_the_stored_name(name):
    product = saved(product_form(file=SimpleUploadedFile(name, b"the book")))

    assert re.fullmatch(r"products/[0-9a-f]{2}/[0-9a-f]{32}", product.file.name)
    assert product.file_name == name


# Re-encoding


def test_a_photo_is_stored_without_its_exif_gps_position_or_comment():
    upload = SimpleUploadedFile("holiday.jpg", photo_bytes(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(photo_bytes())).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    product = saved(product_form(picture=upload))

    stored = stored_picture(product)
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info and "comment" not in stored.info
    raw = product.picture.open("rb").read()
    assert b"Exif" not in raw and b"Phone Maker" not in raw and b"Taken at home" not in raw


def test_a_photo_is_turned_upright_by_its_exif_orientation():
    # Orientation 6: shown turned a quarter right, so the blue corner ends top-right.
    upload = SimpleUploadedFile("sideways.jpg", photo_bytes(orientation=6, size=(30, 20)))

    stored = stored_picture(saved(product_form(picture=upload)))

    assert stored.size == (20, 30)
    red, green, blue = stored.convert("RGB").getpixel((17, 2))
    assert blue > 200 and red < 60
    red, green, blue = stored.convert("RGB").getpixel((2, 2))
    assert red > 200 and blue < 60


def test_png_text_and_exif_are_dropped_and_the_colour_profile_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "drawn at 12 Home Street")
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Ann Maker"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 6), (10, 20, 30, 128)).save(
        buffer, format="PNG", pnginfo=info, exif=exif, icc_profile=icc
    )

    product = saved(product_form(picture=image_upload("art.png", "PNG", buffer.getvalue())))

    stored = stored_picture(product)
    assert (stored.format, stored.mode) == ("PNG", "RGBA")
    assert stored.getpixel((0, 0)) == (10, 20, 30, 128)
    assert sorted(stored.info) == ["icc_profile"]
    assert stored.info["icc_profile"] == icc


def test_an_animated_gif_keeps_its_first_frame_only():
    frames = [Image.new("RGB", (8, 6), colour) for colour in ["red", "green", "blue"]]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], comment=b"a secret"
    )
    assert Image.open(io.BytesIO(buffer.getvalue())).n_frames == 3

    product = saved(product_form(picture=image_upload("loop.gif", "GIF", buffer.getvalue())))

    stored = stored_picture(product)
    assert (stored.format, stored.n_frames) == ("GIF", 1)
    assert "comment" not in stored.info


def test_a_png_named_jpg_is_stored_as_the_png_it_is():
    product = saved(product_form(picture=image_upload("photo.jpg", "PNG")))

    assert product.picture.name.endswith(".png")
    assert stored_picture(product).format == "PNG"


def test_a_picture_whose_pixels_cannot_be_decoded_is_a_field_error():
    # The header and chunks check out (Pillow's verify() passes), the
    # compressed pixels do not.
    content = bytearray(image_bytes("JPEG", size=(64, 64)))
    content[-200:-2] = b"\xff\xd9" * 99

    form = product_form(picture=image_upload("broken.jpg", "JPEG", bytes(content)))

    assert not form.is_valid()
    assert list(form.errors) == ["picture"]


# Pixel limits


# Pillow warns on opening a picture of over 89 megapixels; only the pixels
# are the danger, and they are never decoded.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_13000_by_13000_png_of_20_kb_is_rejected_before_its_pixels_are_decoded(monkeypatch):
    content = huge_png_bytes((13_000, 13_000))
    assert len(content) < 30_000

    def decode(image):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", decode)
    form = product_form(picture=image_upload("bomb.png", "PNG", content))

    assert not form.is_valid()
    assert form.errors["picture"] == [
        "The picture is 13,000 × 13,000 pixels; the limit is 8,000 pixels a side and 40 megapixels."
    ]


@pytest.mark.parametrize(
    ("size", "accepted"),
    [((8_000, 5_000), True), ((8_001, 10), False), ((10, 8_001), False), ((6_400, 6_400), False)],
)
def test_pictures_are_limited_to_8000_pixels_a_side_and_40_megapixels(size, accepted):
    form = product_form(picture=image_upload("big.png", "PNG", huge_png_bytes(size)))

    assert form.is_valid() is accepted, form.errors


def test_a_picture_pillow_refuses_to_open_is_a_field_error_not_a_500(monkeypatch):
    # Pillow raises DecompressionBombError on opening a picture of over
    # twice MAX_IMAGE_PIXELS; lowered here so a small one does.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)

    form = product_form(picture=image_upload("bomb.png", "PNG", huge_png_bytes((100, 100))))

    assert not form.is_valid()
    assert "the limit is 8,000 pixels a side" in form.errors["picture"][0]


def test_the_byte_limit_is_checked_before_pillow_opens_the_picture(monkeypatch):
    monkeypatch.setattr(product_forms, "MAX_PICTURE_BYTES", 10)

    def open_image(*args, **kwargs):
        raise AssertionError("Pillow opened it")

    monkeypatch.setattr(Image, "open", open_image)
    form = product_form(picture=image_upload("big.png"))

    assert not form.is_valid()
    assert "the limit is 5 MB" in form.errors["picture"][0]


# Replaced, cleared and deleted files, through the admin


def admin_data(product, **overrides):
    return {
        "store": product.store.pk,
        "name": product.name,
        "description": product.description,
        "price_cents": product.price_cents,
        **overrides,
    }


def admin_change(admin_client, product, callbacks_capture, **data):
    url = reverse("admin:products_product_change", args=[product.pk])
    with callbacks_capture(execute=True):
        response = admin_client.post(url, admin_data(product, **data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    return product


def test_replacing_the_picture_and_file_in_the_admin_leaves_no_orphan(
    admin_client, django_capture_on_commit_callbacks, media_root, private_storage
):
    product = ProductFactory(picture=image_upload("old.png"))

    product = admin_change(
        admin_client,
        product,
        django_capture_on_commit_callbacks,
        picture=SimpleUploadedFile("new.jpg", photo_bytes()),
        file=SimpleUploadedFile("Second edition.pdf", b"better"),
    )

    assert stored_files(media_root) == with_sizes(product.picture)
    assert stored_files(private_storage.location) == [product.file.name]
    assert product.file_name == "Second edition.pdf"
    assert dict(stored_picture(product).getexif()) == {}


def test_clearing_the_picture_and_file_in_the_admin_deletes_them(
    admin_client, django_capture_on_commit_callbacks, media_root, private_storage
):
    product = ProductFactory(picture=image_upload("old.png"))

    product = admin_change(
        admin_client,
        product,
        django_capture_on_commit_callbacks,
        **{"picture-clear": "on", "file-clear": "on"},
    )

    assert not product.picture and not product.file
    assert product.file_name == ""
    assert stored_files(media_root) == []
    assert stored_files(private_storage.location) == []


def test_deleting_a_product_in_the_admin_deletes_its_files(
    admin_client, django_capture_on_commit_callbacks, media_root, private_storage
):
    product = ProductFactory(picture=image_upload("old.png"))
    url = reverse("admin:products_product_delete", args=[product.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.exists()
    assert stored_files(media_root) == []
    assert stored_files(private_storage.location) == []


def test_replacing_a_picture_in_the_store_admin_inline_deletes_the_old_one(
    admin_client, django_capture_on_commit_callbacks, media_root
):
    product = ProductFactory(picture=image_upload("old.png"))
    store = product.store
    data = {
        "owner": store.owner.pk,
        "name": store.name,
        "products-TOTAL_FORMS": "1",
        "products-INITIAL_FORMS": "1",
        "products-0-id": product.pk,
        "products-0-store": store.pk,
        "products-0-name": product.name,
        "products-0-price_cents": product.price_cents,
        "products-0-picture": SimpleUploadedFile("new.jpg", photo_bytes()),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:products_store_change", args=[store.pk]), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert stored_files(media_root) == with_sizes(product.picture)
    assert dict(stored_picture(product).getexif()) == {}


def test_replacing_a_picture_with_the_product_form_leaves_no_orphan(
    django_capture_on_commit_callbacks, media_root
):
    product = ProductFactory(picture=image_upload("old.png"))
    form = product_form(instance=product, picture=image_upload("new.gif", "GIF"))
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        form.save()

    assert stored_files(media_root) == with_sizes(product.picture)


def test_saving_a_product_in_code_deletes_the_file_it_replaced(
    django_capture_on_commit_callbacks, private_storage
):
    product = Product.objects.get(pk=ProductFactory().pk)

    with django_capture_on_commit_callbacks(execute=True):
        product.file = SimpleUploadedFile("new.pdf", b"new")
        product.save()

    assert stored_files(private_storage.location) == [product.file.name]


def test_a_save_of_other_fields_deletes_no_file(
    django_capture_on_commit_callbacks, private_storage
):
    product = Product.objects.get(pk=ProductFactory().pk)
    name = product.file.name

    with django_capture_on_commit_callbacks(execute=True):
        product.file = ""  # not saved: only the name is
        product.save(update_fields=["name"])

    assert stored_files(private_storage.location) == [name]


def test_a_file_another_product_shares_is_kept_when_the_admin_replaces_it(
    admin_client, django_capture_on_commit_callbacks, private_storage
):
    # seed_demo's products share their files.
    product = ProductFactory()
    twin = ProductFactory(file=product.file.name)

    admin_change(
        admin_client,
        Product.objects.get(pk=product.pk),
        django_capture_on_commit_callbacks,
        file=SimpleUploadedFile("mine.pdf", b"mine"),
    )

    assert private_storage.exists(twin.file.name)


# Request bodies


def post_with_length(client, url, length):
    """A POST that claims a body of `length` bytes and sends a few: a server
    that read it all would fail the test client's FakePayload."""
    return client.post(url, {"name": "x"}, CONTENT_LENGTH=str(length))


def test_a_60_mb_body_to_the_store_form_is_refused_before_it_is_read(user):
    # With CSRF checks on, as in production: the check would parse the body.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = post_with_length(
        client, reverse("products:store_edit", args=[user.store.slug]), 60 * 1024 * 1024
    )

    assert response.status_code == 413
    # The avatar and the text fields (products.forms.MAX_STORE_FORM_BYTES).
    assert "at most 6.0\xa0MB" in response.text
    assert response.templates[0].name == "413.html"


def test_the_product_form_takes_a_file_and_a_picture_at_their_limits_but_no_more(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("products:create")

    assert post_with_length(client, url, MAX_PRODUCT_FORM_BYTES + 1).status_code == 413
    # Within the limit the body is read: this one fails its CSRF check instead.
    client.raise_request_exception = False
    response = client.post(url, {"name": "x"}, CONTENT_LENGTH="10")
    assert response.status_code == 403


def test_the_product_edit_page_and_the_admin_forms_take_product_uploads(
    logged_in_client, admin_client, user
):
    product = ProductFactory(store=user.store)
    limit = MAX_PRODUCT_FORM_BYTES + 1
    urls = [
        (logged_in_client, reverse("products:edit", args=[product.pk])),
        (admin_client, reverse("admin:products_product_add")),
        (admin_client, reverse("admin:products_product_change", args=[product.pk])),
        (admin_client, reverse("admin:products_store_change", args=[user.store.pk])),
    ]
    for client, url in urls:
        assert post_with_length(client, url, limit).status_code == 413, url


def test_other_pages_take_at_most_2_5_mb(client):
    response = post_with_length(client, reverse("accounts:signup"), 2_621_441)

    assert response.status_code == 413
