"""Small real images made in memory, for upload tests."""

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from products.pictures import sizes_of

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}


def image_bytes(image_format="PNG", size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#d63384").save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(name="picture.png", image_format="PNG", content=None):
    """An uploaded image file; `name` may lie about the format on purpose."""
    if content is None:
        content = image_bytes(image_format)
    return SimpleUploadedFile(name, content, content_type=CONTENT_TYPES[image_format])


def photo_bytes(orientation=1, size=(30, 20)):
    """A JPEG as a phone takes it: a camera make, a GPS position, and an
    EXIF orientation (6: the pixels are stored turned a quarter to the left).

    Its top-left corner is blue, the rest red, to see which way it ends up.
    """
    image = Image.new("RGB", size, "red")
    image.paste("blue", (0, 0, 10, 10))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone Maker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment="Taken at home")
    return buffer.getvalue()


@functools.cache
def huge_png_bytes(size):
    """A PNG of `size` pixels in a few KB: one bit a pixel, all zero."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return buffer.getvalue()


def with_sizes(picture):
    """The stored names of a picture (a FieldFile) and of its generated
    sizes, sorted."""
    return sorted([picture.name, *sizes_of(picture.field, picture.name).values()])
