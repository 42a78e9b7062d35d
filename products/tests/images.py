"""Small real images made in memory, for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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
