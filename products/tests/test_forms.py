import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from products import forms as product_forms
from products.factories import ProductFactory, StoreFactory
from products.forms import ProductForm, ProductSearchForm, StoreForm
from products.models import Product
from products.pictures import size_url
from products.tests.images import image_bytes, image_upload

pytestmark = pytest.mark.django_db


def product_form(price="5.00", picture=None, instance=None, file=None, **data):
    data = {"name": "Cozy Icon Pack", "description": "Forty icons.", "price": price, **data}
    files = {name: f for name, f in [("picture", picture), ("file", file)] if f is not None}
    return ProductForm(data, files, instance=instance)


def upload(name="guide.pdf", content=b"%PDF-1.4 the whole book\n", size=None):
    """An uploaded file to sell; `size` fakes a big one without writing it."""
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    if size is not None:
        file.size = size
    return file


def save_committed(form, django_capture_on_commit_callbacks):
    """Save an edit and run what waits for the commit (file deletions)."""
    with django_capture_on_commit_callbacks(execute=True):
        return form.save()


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
    [("12.34", 1234), ("5", 500), ("0.50", 50), ("0.99", 99), ("10000.00", 1_000_000)],
)
def test_price_is_saved_as_cents(price, price_cents):
    form = product_form(price=price)

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()
    assert product.price_cents == price_cents


@pytest.mark.parametrize("price", ["0.01", "0.49"])
def test_a_paid_price_under_the_least_card_payment_is_a_field_error(price):
    form = product_form(price=price)

    assert form.errors["price"] == ["Use 0 (free) or at least $0.50: card payments start there."]


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


# Pay what you want


def test_pay_what_you_want_ticked_is_saved_and_the_price_becomes_the_minimum():
    form = product_form(price="5.00", pay_what_you_want="on")

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()
    assert product.pay_what_you_want is True
    assert product.price_cents == 500
    assert product.price == "$5+"


def test_pay_what_you_want_is_off_unless_ticked():
    form = product_form(price="5.00")

    assert form.is_valid(), form.errors
    assert save_new(form).pay_what_you_want is False


def test_pay_what_you_want_with_a_minimum_of_0_is_not_free():
    form = product_form(price="0", pay_what_you_want="on")

    assert form.is_valid(), form.errors
    product = save_new(form)
    assert product.price == "$0+"
    assert not product.is_free


def test_unticking_pay_what_you_want_makes_the_price_fixed_again():
    product = ProductFactory(price_cents=550, pay_what_you_want=True)
    form = ProductForm(instance=product)
    data = {name: form[name].value() for name in ["name", "description", "price"]}

    edited = ProductForm(data, instance=product)

    assert edited.is_valid(), edited.errors
    edited.save()
    product.refresh_from_db()
    assert product.pay_what_you_want is False
    assert product.price == "$5.50"


def test_editing_shows_pay_what_you_want_ticked():
    form = ProductForm(instance=ProductFactory(pay_what_you_want=True))

    assert "checked" in str(form["pay_what_you_want"])


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
    assert product.picture.name.endswith("." + product_forms.PICTURE_FORMATS[image_format])
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


def test_clearing_the_picture_removes_it_from_the_product_and_storage(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory(picture=image_upload("gone.png"))
    old = product.picture.name

    form = product_form(instance=product, **{"picture-clear": "on"})

    assert form.is_valid(), form.errors
    save_committed(form, django_capture_on_commit_callbacks)
    product.refresh_from_db()
    assert not product.picture
    assert not product.picture.storage.exists(old)


def test_replacing_the_picture_deletes_the_old_one_once_the_edit_commits(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory(picture=image_upload("old.png"))
    old = product.picture.name
    storage = product.picture.storage
    form = product_form(instance=product, picture=image_upload("new.gif", "GIF"))
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks() as callbacks:
        form.save()
    assert storage.exists(old)  # still there until the edit commits
    for callback in callbacks:
        callback()

    product.refresh_from_db()
    assert not storage.exists(old)
    assert product.picture.name.endswith(".gif")
    assert storage.exists(product.picture.name)


# File to sell


def test_the_file_field_is_labelled_file_to_sell_and_optional():
    field = ProductForm().fields["file"]

    assert field.label == "File to sell"
    assert not field.required
    assert 'name="file"' in str(ProductForm()["file"])


def test_new_file_is_kept_in_private_storage_not_under_media_root(private_storage, media_root):
    form = product_form(file=upload("guide.pdf", b"The whole book.\n"))

    assert form.is_valid(), form.errors
    product = save_new(form)

    assert product.file.storage is private_storage
    stored = Path(private_storage.location) / product.file.name
    assert stored.read_bytes() == b"The whole book.\n"
    assert not stored.resolve().is_relative_to(Path(media_root).resolve())
    assert not list(Path(media_root).rglob("guide*"))


def test_the_file_is_stored_under_a_generated_name_and_the_original_kept_for_buyers():
    form = product_form(file=upload("My Book (final).pdf"))

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()

    assert re.fullmatch(r"products/([0-9a-f]{2})/\1[0-9a-f]{30}\.pdf", product.file.name)
    assert product.file_name == "My Book (final).pdf"
    assert product.download_name == "My Book (final).pdf"


def test_a_long_file_name_is_stored_under_a_name_that_fits_and_kept_whole():
    long_name = "b" * 240 + ".pdf"
    form = product_form(file=upload(long_name))

    assert form.is_valid(), form.errors
    product = save_new(form)
    product.refresh_from_db()

    assert len(product.file.name) <= Product._meta.get_field("file").max_length
    assert product.file.storage.exists(product.file.name)
    assert product.file_name == long_name


def test_two_uploads_with_the_same_name_do_not_collide():
    forms = [product_form(file=upload("book.pdf", content)) for content in [b"first", b"second"]]
    assert all(form.is_valid() for form in forms)

    first, second = [save_new(form) for form in forms]

    assert first.file.name != second.file.name
    assert first.file.read() == b"first"
    assert second.file.read() == b"second"
    assert first.file_name == second.file_name == "book.pdf"


def test_a_product_without_a_file_has_no_file_name():
    form = product_form()

    assert form.is_valid(), form.errors
    product = save_new(form)

    assert not product.file
    assert product.file_name == ""


def test_file_over_100_mb_is_rejected_on_the_file_field():
    form = product_form(file=upload(size=100 * 1024 * 1024 + 1))

    assert not form.is_valid()
    assert list(form.errors) == ["file"]
    assert form.errors["file"] == ["The file is 100.0\xa0MB; the limit is 100 MB."]


def test_file_of_exactly_100_mb_is_accepted():
    assert product_form(file=upload(size=100 * 1024 * 1024)).is_valid()


def test_editing_without_a_new_file_keeps_the_file_and_its_name(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory(file_name="Original name.txt")
    old = product.file.name

    form = product_form(instance=product, name="Renamed product")

    assert form.is_valid(), form.errors
    save_committed(form, django_capture_on_commit_callbacks)
    product.refresh_from_db()
    assert (product.file.name, product.file_name) == (old, "Original name.txt")
    assert product.file.storage.exists(old)


def test_replacing_the_file_deletes_the_old_one_once_the_edit_commits(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory()
    old = product.file.name
    storage = product.file.storage
    form = product_form(instance=product, file=upload("Second edition.pdf", b"better"))
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks() as callbacks:
        form.save()
    assert storage.exists(old)  # still there until the edit commits
    for callback in callbacks:
        callback()

    product.refresh_from_db()
    assert not storage.exists(old)
    assert product.file.read() == b"better"
    assert product.file_name == "Second edition.pdf"


def test_clearing_the_file_deletes_it_and_empties_its_name(django_capture_on_commit_callbacks):
    product = ProductFactory()
    old = product.file.name

    form = product_form(instance=product, **{"file-clear": "on"})

    assert form.is_valid(), form.errors
    save_committed(form, django_capture_on_commit_callbacks)
    product.refresh_from_db()
    assert not product.file
    assert product.file_name == ""
    assert not product.file.storage.exists(old)


def test_replacing_a_file_another_product_uses_keeps_it(django_capture_on_commit_callbacks):
    product = ProductFactory()
    twin = ProductFactory(file=product.file.name, file_name="guide.txt")

    form = product_form(instance=product, file=upload("mine.pdf"))

    assert form.is_valid(), form.errors
    save_committed(form, django_capture_on_commit_callbacks)
    twin.refresh_from_db()
    assert twin.file.storage.exists(twin.file.name)
    assert twin.file.read() == b"The thing itself.\n"


def test_a_rejected_edit_deletes_nothing(django_capture_on_commit_callbacks, private_storage):
    product = ProductFactory(picture=image_upload("kept.png"))
    old_file, old_picture = product.file.name, product.picture.name

    form = product_form(
        instance=product,
        name="abc",
        file=upload("new.pdf"),
        picture=image_upload("new.png"),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert not form.is_valid()
    assert callbacks == []
    product.refresh_from_db()
    assert (product.file.name, product.picture.name) == (old_file, old_picture)
    assert private_storage.exists(old_file)
    assert product.picture.storage.exists(old_picture)
    stored = Path(private_storage.location)
    assert [path.relative_to(stored).as_posix() for path in stored.rglob("*.*")] == [old_file]


def test_the_edit_form_names_the_current_file_without_linking_to_it():
    product = ProductFactory(file_name="My Book (final).pdf", picture=image_upload("cover.png"))
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}")

    rendered = template.render(Context({"form": ProductForm(instance=product)}))

    assert "My Book (final).pdf" in rendered
    assert 'name="file-clear"' in rendered
    assert product.file.name not in rendered
    assert product.file.url not in rendered
    # The picture, which is public, is shown as a thumbnail (its smallest
    # size), not as its path.
    assert f'<img src="{size_url(product.picture, 320)}"' in rendered
    assert f'<a href="{product.picture.url}">' not in rendered
    assert 'alt="The current picture"' in rendered
    assert 'name="picture-clear"' in rendered


def test_a_new_product_form_shows_no_current_picture():
    rendered = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": ProductForm()})
    )

    assert "<img" not in rendered
    assert 'name="picture"' in rendered


def test_the_product_form_puts_a_dollar_sign_before_the_price():
    product = ProductFactory(price_cents=1250)
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}")

    rendered = template.render(Context({"form": ProductForm(instance=product)}))

    price_group = re.search(r'<div class="input-group">(.*?)</div>', rendered, re.S).group(1)
    assert '<span class="input-group-text">$</span>' in price_group
    assert 'name="price" value="12.50"' in price_group
    assert 'step="0.01"' in price_group


def test_every_money_field_is_rendered_with_a_dollar_sign():
    # The checkout and the discount code form are the orders app's; their
    # money fields are MoneyFields too, rendered as their pages do.
    from orders.forms import CheckoutForm, DiscountCodeForm

    product = ProductFactory(pay_what_you_want=True, price_cents=300)
    forms_and_fields = [
        (ProductForm(), "price"),
        (CheckoutForm(product), "amount"),
        (DiscountCodeForm(product.store), "amount_off"),
    ]
    template = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")

    for form, name in forms_and_fields:
        rendered = template.render(Context({"field": form[name]}))
        assert re.search(
            rf'<div class="input-group"><span class="input-group-text">\$</span>'
            rf'<input type="number" name="{name}"',
            rendered,
        ), rendered


def test_a_rejected_price_keeps_its_error_shown_after_the_dollar_sign():
    form = ProductForm({"name": "Font", "price": "-1"})
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}")

    rendered = template.render(Context({"form": form}))

    # Bootstrap shows an .invalid-feedback only after an .is-invalid sibling:
    # the group around the input must carry the class.
    assert re.search(
        r'<div class="input-group is-invalid"><span class="input-group-text">\$</span>'
        r'<input type="number" name="price"[^>]*class="[^"]*is-invalid"[^>]*>'
        r'\s*</div>\s*<div id="id_price_error" class="invalid-feedback">',
        rendered,
    )


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
