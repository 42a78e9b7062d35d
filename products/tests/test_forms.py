import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from products import forms as product_forms
from products.factories import ProductFactory, StoreFactory
from products.forms import ProductForm, ProductSearchForm, StoreForm
from products.models import Product
from products.tests.images import image_bytes, image_upload

pytestmark = pytest.mark.django_db


def product_form(price="5.00", picture=None, instance=None, **data):
    data = {"name": "Cozy Icon Pack", "description": "Forty icons.", "price": price, **data}
    files = {"picture": picture} if picture is not None else {}
    return ProductForm(data, files, instance=instance)


def save_new(form):
    product = form.save(commit=False)
    product.store = StoreFactory()
    product.save()
    return product


# Price


def test_price_of_zero_is_allowed_and_makes_the_product_free():
    form = product_form(price="0")

    assert form.is_valid(), form.errors
    assert save_new(form).price == "Free"


@pytest.mark.parametrize(
    ("price", "price_cents"),
    [("12.34", 1234), ("5", 500), ("0.29", 29), ("0.01", 1), ("10000.00", 1_000_000)],
)
def test_price_is_saved_as_cents(price, price_cents):
    form = product_form(price=price)

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()
    assert product.price_cents == price_cents


@pytest.mark.parametrize(
    "price",
    ["-1", "-0.01", "abc", "NaN", "Infinity", "-Infinity", "1.999", "10000.01", "99999", ""],
)
def test_bad_price_is_rejected_on_the_price_field(price):
    form = product_form(price=price)

    assert not form.is_valid()
    assert list(form.errors) == ["price"]


def test_too_many_decimals_says_so():
    form = product_form(price="1.999")

    form.is_valid()

    assert form.errors["price"] == ["Ensure that there are no more than 2 decimal places."]


@pytest.mark.parametrize(
    ("price_cents", "shown"), [(1234, "12.34"), (500, "5.00"), (0, "0.00"), (123450, "1234.50")]
)
def test_editing_shows_the_current_price_in_dollars(price_cents, shown):
    form = ProductForm(instance=ProductFactory(price_cents=price_cents))

    assert f'value="{shown}"' in str(form["price"])


def test_editing_without_changing_the_price_keeps_it():
    product = ProductFactory(price_cents=1999)
    form = ProductForm(instance=product)
    data = {name: form[name].value() for name in ["name", "description", "price"]}

    edited = ProductForm(data, instance=product)

    assert edited.is_valid(), edited.errors
    edited.save()
    product.refresh_from_db()
    assert product.price_cents == 1999


# Name and description


@pytest.mark.parametrize("name", ["abc", "x" * 61, ""])
def test_name_outside_4_to_60_characters_is_rejected(name):
    form = product_form(name=name)

    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_description_keeps_its_newlines():
    form = product_form(description="First line.\nSecond line.\n\nA paragraph.")

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()
    assert product.description == "First line.\nSecond line.\n\nA paragraph."


def test_description_is_optional():
    assert product_form(description="").is_valid()


# Picture


@pytest.mark.parametrize(
    ("name", "image_format"),
    [("photo.jpg", "JPEG"), ("photo.jpeg", "JPEG"), ("art.png", "PNG"), ("art.webp", "WEBP")]
    + [("loop.gif", "GIF")],
)
def test_picture_in_an_allowed_format_is_accepted(name, image_format):
    form = product_form(picture=image_upload(name, image_format))

    assert form.is_valid(), form.errors
    product = save_new(form)
    assert product.picture.name.startswith("products/")
    assert product.picture.name.endswith(name.rsplit(".", 1)[1])
    assert product.picture.storage.exists(product.picture.name)


def test_picture_is_optional():
    form = product_form()

    assert form.is_valid(), form.errors
    assert not save_new(form).picture


def test_text_file_named_png_is_rejected():
    text = SimpleUploadedFile("notes.png", b"not a picture at all", content_type="image/png")

    form = product_form(picture=text)

    assert not form.is_valid()
    assert list(form.errors) == ["picture"]


@pytest.mark.parametrize(
    ("name", "image_format"),
    [("scan.bmp", "BMP"), ("scan.tiff", "TIFF"), ("sneaky.png", "BMP"), ("sneaky.jpg", "TIFF")],
)
def test_real_image_in_another_format_is_rejected(name, image_format):
    form = product_form(picture=image_upload(name, image_format))

    assert not form.is_valid()
    assert form.errors["picture"] == ["Upload a JPEG, PNG, WebP or GIF image."]


def test_picture_with_another_extension_is_rejected():
    form = product_form(picture=image_upload("art.exe", "PNG"))

    assert not form.is_valid()
    assert list(form.errors) == ["picture"]


def test_picture_over_the_size_limit_is_rejected(monkeypatch):
    content = image_bytes("PNG")
    monkeypatch.setattr(product_forms, "MAX_PICTURE_BYTES", len(content) - 1)

    form = product_form(picture=image_upload("big.png", "PNG", content))

    assert not form.is_valid()
    assert list(form.errors) == ["picture"]
    assert "the limit is 5 MB" in form.errors["picture"][0]


def test_picture_exactly_at_the_size_limit_is_accepted(monkeypatch):
    content = image_bytes("PNG")
    monkeypatch.setattr(product_forms, "MAX_PICTURE_BYTES", len(content))

    form = product_form(picture=image_upload("big.png", "PNG", content))

    assert form.is_valid(), form.errors


def test_real_picture_over_5_mb_is_rejected():
    # A valid PNG padded past the limit: Pillow stops reading at the end chunk.
    content = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)

    form = product_form(picture=image_upload("huge.png", "PNG", content))

    assert not form.is_valid()
    assert form.errors["picture"] == ["The picture is 5.0\xa0MB; the limit is 5 MB."]
    assert not Product.objects.exists()


def test_editing_without_a_new_picture_keeps_the_old_one():
    product = ProductFactory(picture=image_upload("kept.png"))
    old_name = product.picture.name

    form = product_form(instance=product, name="Renamed product")

    assert form.is_valid(), form.errors
    form.save()
    product.refresh_from_db()
    assert product.name == "Renamed product"
    assert product.picture.name == old_name


def test_clearing_the_picture_removes_it_from_the_product():
    product = ProductFactory(picture=image_upload("gone.png"))

    form = product_form(instance=product, **{"picture-clear": "on"})

    assert form.is_valid(), form.errors
    form.save()
    product.refresh_from_db()
    assert not product.picture


# Store form


def test_store_form_renames_the_store_but_keeps_the_slug():
    store = StoreFactory(name="Pixel Kitchen")

    form = StoreForm({"name": "Night Owl Beats"}, instance=store)

    assert form.is_valid(), form.errors
    form.save()
    store.refresh_from_db()
    assert (store.name, store.slug) == ("Night Owl Beats", "pixel-kitchen")


def test_store_form_rejects_a_short_name():
    form = StoreForm({"name": "abc"}, instance=StoreFactory())

    assert not form.is_valid()
    assert list(form.errors) == ["name"]


# Search form


def test_search_form_ignores_an_unknown_sort_but_keeps_the_search():
    ProductFactory(name="Golden Icon Pack", price_cents=900)
    ProductFactory(name="Golden Font", price_cents=100)
    ProductFactory(name="Silver Font")

    form = ProductSearchForm({"q": "golden", "sort": "bogus"})
    found = form.filter(Product.objects.for_listing())

    assert [product.name for product in found] == ["Golden Font", "Golden Icon Pack"]
