"""Pictures in the sizes pages show them: made once when a picture is saved,
shown by srcset without a query or a storage call, deleted with the picture,
and made for pictures saved without them by `make_picture_sizes`."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageCms

from products.factories import ProductFactory, StoreFactory
from products.models import Product
from products.pictures import size_url, sizes_of
from products.tests.images import image_bytes, image_upload

pytestmark = pytest.mark.django_db


def stored_sizes(picture):
    """{width: (format, size)} of a stored picture's sizes that exist."""
    found = {}
    for width, name in sizes_of(picture.field, picture.name).items():
        if picture.storage.exists(name):
            with picture.storage.open(name) as file, Image.open(file) as image:
                found[width] = (image.format, image.size)
    return found


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_saved_picture_gets_its_sizes_in_webp_cropped_to_its_frame(image_format):
    wide = image_bytes(image_format, size=(1000, 400))
    upload = image_upload(f"wide.{image_format.lower()}", image_format, content=wide)

    product = ProductFactory(picture=upload)

    assert stored_sizes(product.picture) == {
        320: ("WEBP", (320, 240)),
        640: ("WEBP", (640, 480)),
        960: ("WEBP", (960, 720)),
        1280: ("WEBP", (1280, 960)),
    }


def test_the_sizes_keep_the_colour_profile_of_an_rgb_picture():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#d63384").save(buffer, format="PNG", icc_profile=profile)

    product = ProductFactory(picture=image_upload(content=buffer.getvalue()))

    for name in sizes_of(product.picture.field, product.picture.name).values():
        with default_storage.open(name) as file, Image.open(file) as size:
            assert size.info.get("icc_profile") == profile


def test_a_store_avatar_gets_square_sizes():
    store = StoreFactory(avatar=image_upload())

    assert stored_sizes(store.avatar) == {96: ("WEBP", (96, 96)), 192: ("WEBP", (192, 192))}


def test_the_catalog_shows_card_sizes_without_a_storage_call(client, monkeypatch):
    product = ProductFactory(picture=image_upload())

    def no_storage_call(*args, **kwargs):
        raise AssertionError("a page called the storage")

    for method in ["open", "exists", "size", "listdir", "save"]:
        monkeypatch.setattr(default_storage, method, no_storage_call)
    response = client.get(reverse("products:index"))

    card_sizes = ", ".join(f"{size_url(product.picture, w)} {w}w" for w in (320, 640, 960, 1280))
    assert f'src="{size_url(product.picture, 320)}" srcset="{card_sizes}"' in response.text
    assert 'sizes="(min-width: 1400px) 312px,' in response.text
    assert product.picture.url not in response.text


def test_sizes_shared_by_another_product_stay_until_the_last_one_goes(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory(picture=image_upload())
    twin = ProductFactory(picture=product.picture.name)

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.get(pk=product.pk).delete()
    assert len(stored_sizes(twin.picture)) == 4

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.get(pk=twin.pk).delete()
    assert stored_sizes(twin.picture) == {}


def test_the_command_makes_the_missing_sizes_once_per_shared_picture(capsys):
    picture = default_storage.save("products/old.png", io.BytesIO(image_bytes()))
    lost = "products/lost.png"
    store = StoreFactory()
    # As seed_demo and databases from before sizes: rows saved without them.
    Product.objects.bulk_create(
        Product(store=store, name=f"Old product {n}", picture=picture) for n in range(3)
    )
    Product.objects.bulk_create([Product(store=store, name="Lost picture", picture=lost)])
    old = Product.objects.filter(picture=picture).first().picture
    assert stored_sizes(old) == {}

    call_command("make_picture_sizes")

    assert len(stored_sizes(old)) == 4
    output = capsys.readouterr()
    assert "Product picture: 1 pictures have their sizes." in output.out
    assert f"{lost}: " in output.err


def test_the_command_remakes_every_size_with_replace():
    product = ProductFactory(picture=image_upload())
    first = sizes_of(product.picture.field, product.picture.name)[320]
    default_storage.delete(first)
    default_storage.save(first, io.BytesIO(b"not a picture"))

    call_command("make_picture_sizes")
    assert default_storage.open(first).read() == b"not a picture"  # there: kept
    call_command("make_picture_sizes", "--replace")

    assert stored_sizes(product.picture)[320] == ("WEBP", (320, 240))
