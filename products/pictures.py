"""Product pictures and store avatars in the sizes pages show them: cropped
to the frame they are shown in, in WebP, made once when the picture is saved
(products.models.make_new_picture_sizes) and stored next to it. A page only
builds their URLs from the picture's name: no query, no storage call.

Pillow directly rather than a thumbnail library: easy-thumbnails and
sorl-thumbnail look each thumbnail up (a query or a cache read) per URL;
django-imagekit would still need the deletion and the bulk_create path
below, and fails on import wherever django-rq is installed without a
"default" queue (README, "Uploaded pictures")."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

WEBP_QUALITY = 80
# (width, height) of each size, in the frame pages show the picture in.
PRODUCT_PICTURE_SIZES = [(320, 240), (640, 480), (960, 720), (1280, 960)]
STORE_AVATAR_SIZES = [(96, 96), (192, 192)]


def sizes_of(field, name):
    """{width: stored name} of the sizes of picture `name` of model field `field`."""
    stem = PurePosixPath(name).with_suffix("")
    return {width: f"{stem}.{width}w.webp" for width, _ in field.model.picture_sizes[field.name]}


def size_url(picture, width):
    """The URL of a stored picture's (a FieldFile's) size `width`."""
    return picture.storage.url(sizes_of(picture.field, picture.name)[width])


def smallest_size_url(picture):
    """The URL of a stored picture's smallest size, for a thumbnail."""
    width, _ = min(picture.field.model.picture_sizes[picture.field.name])
    return size_url(picture, width)


def srcset(picture):
    """A stored picture's sizes as an <img srcset>: "….320w.webp 320w, …"."""
    return ", ".join(
        f"{picture.storage.url(name)} {width}w"
        for width, name in sizes_of(picture.field, picture.name).items()
    )


def make_sizes(field, name, replace=False):
    """Store the sizes of picture `name` that are missing (all of them with
    `replace`). Rows sharing a picture share its sizes: made once."""
    storage = field.storage
    sizes = sizes_of(field, name)
    wanted = [
        (width, height)
        for width, height in field.model.picture_sizes[field.name]
        if replace or not storage.exists(sizes[width])
    ]
    if not wanted:
        return
    with storage.open(name, "rb") as file, Image.open(file) as image:
        # A JPEG decodes at a fraction of its size when that still covers
        # the largest size: far less work for a camera's 40 megapixels.
        image.draft(None, max(wanted))
        image.load()
        # The colour profile keeps colours right, but only for the pixels it
        # describes: a CMYK or grey one means nothing once they are RGB.
        icc_profile = image.info.get("icc_profile")
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            icc_profile = None
        for width, height in wanted:
            buffer = io.BytesIO()
            fitted = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
            fitted.save(buffer, "WEBP", quality=WEBP_QUALITY, icc_profile=icc_profile)
            if replace:
                # Or the file system storage saves it under another name.
                storage.delete(sizes[width])
            storage.save(sizes[width], ContentFile(buffer.getvalue()))


def delete_sizes(field, name):
    for size in sizes_of(field, name).values():
        field.storage.delete(size)
