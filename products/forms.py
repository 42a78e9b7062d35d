import io
import unicodedata
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

from .models import (
    MINIMUM_CHARGE_CENTS,
    Product,
    ProductQuerySet,
    Store,
    format_cents,
    generated_name,
)
from .pictures import smallest_size_url

MAX_PICTURE_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 100 * 1024 * 1024
# A product form's request: the file, the picture, and 1 MB for the rest
# (the text fields and the multipart framing): 106 MiB. The README's nginx
# client_max_body_size (110m) stays a little above it, so our 413 page answers.
MAX_PRODUCT_FORM_BYTES = MAX_FILE_BYTES + MAX_PICTURE_BYTES + 1024 * 1024
# A store form's request: the avatar, and 1 MB for the rest (6 MiB).
MAX_STORE_FORM_BYTES = MAX_PICTURE_BYTES + 1024 * 1024
# Decoded, a picture takes 3 to 4 bytes a pixel: 40 megapixels is 160 MB of
# memory, whatever few bytes the upload was.
MAX_PICTURE_PIXELS = 40_000_000
MAX_PICTURE_SIDE = 8_000
# Each allowed format, with the extension its re-encoded file is stored under.
PICTURE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
JPEG_QUALITY = 90
DESCRIPTION_MAX_LENGTH = 20_000
BIO_MAX_LENGTH = 500
# Format characters kept between two visible ones: Persian and Indic
# scripts and emoji sequences (👩‍💻) need these joiners.
JOINERS = {"\u200c", "\u200d"}


def visible_text(text):
    """`text` without control and format characters (Unicode Cc and Cf: NUL,
    zero-width spaces, bidi overrides, ...); a control that is whitespace (a
    tab, a newline) becomes a space, and a joiner stays only between two
    visible characters."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char.isspace():
            kept.append(" ")
        elif category not in ("Cc", "Cf") or char in JOINERS:
            kept.append(char)
    return "".join(
        char
        for index, char in enumerate(kept)
        if char not in JOINERS
        or (
            0 < index < len(kept) - 1
            and not {kept[index - 1], kept[index + 1]} & JOINERS
            and not kept[index - 1].isspace()
            and not kept[index + 1].isspace()
        )
    )


class NameField(forms.CharField):
    """A store or product name as people will see it: no invisible or
    direction-changing characters, and something left to read."""

    default_error_messages = {"unreadable": "Enter a name with letters or digits."}

    def to_python(self, value):
        value = super().to_python(value)
        # A NUL is refused, as in every other field of the site (Django's
        # ProhibitNullCharactersValidator), not quietly taken out.
        if "\x00" in value:
            validator = ProhibitNullCharactersValidator()
            raise forms.ValidationError(validator.message, code=validator.code)
        name = visible_text(value).strip()
        # Letters, digits or symbols: "🍰🍰🍰🍰" is a name, "…" or "" is not.
        if value and not any(unicodedata.category(char)[0] in "LNS" for char in name):
            raise forms.ValidationError(self.error_messages["unreadable"], code="unreadable")
        return name


class BioField(forms.CharField):
    """A few lines about a store: its lines kept, and on each only what
    people can see (as in a name: no invisible or direction-changing
    characters), so a bio cannot turn the rest of the page around."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        super().__init__(max_length=BIO_MAX_LENGTH, required=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if "\x00" in value:
            validator = ProhibitNullCharactersValidator()
            raise forms.ValidationError(validator.message, code=validator.code)
        lines = (visible_text(line).strip() for line in value.splitlines())
        return "\n".join(lines).strip()


class PictureField(forms.ImageField):
    """A product picture, checked without decoding it, then stored decoded
    and encoded again: turned upright by its EXIF orientation, without its
    metadata (EXIF with any GPS position, XMP, comments), under a generated
    name. Only the colour profile is kept, so colours stay right.

    An animated GIF, WebP or PNG keeps its first frame: decoding every frame
    of an upload is the unbounded work the pixel limit is there to prevent.
    """

    default_error_messages = {
        "too_big": "The picture is %(size)s; the limit is 5 MB.",
        "format": "Upload a JPEG, PNG, WebP or GIF image.",
        "too_many_pixels": "The picture is %(width)s × %(height)s pixels; the limit is "
        f"{MAX_PICTURE_SIDE:,} pixels a side and {MAX_PICTURE_PIXELS // 1_000_000} megapixels.",
    }

    def to_python(self, data):
        # The byte size first, so Pillow never opens anything over it.
        size = getattr(data, "size", 0)
        if size > MAX_PICTURE_BYTES:
            raise forms.ValidationError(
                self.error_messages["too_big"],
                code="too_big",
                params={"size": filesizeformat(size)},
            )
        try:
            return super().to_python(data)
        except forms.ValidationError as error:
            # Pillow refuses to open a picture of over twice its own pixel limit.
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise forms.ValidationError(
                    self.error_messages["too_many_pixels"],
                    code="too_many_pixels",
                    params={"width": "more than 8,000", "height": "8,000"},
                ) from error
            raise

    def clean(self, data, initial=None):
        picture = super().clean(data, initial)
        # Only a new upload carries the Pillow image that to_python opened
        # and verified (header and structure, no pixels); a kept or cleared
        # picture has none.
        image = getattr(picture, "image", None)
        if image is None:
            return picture
        if image.format not in PICTURE_FORMATS:
            raise forms.ValidationError(self.error_messages["format"], code="format")
        width, height = image.size
        if max(width, height) > MAX_PICTURE_SIDE or width * height > MAX_PICTURE_PIXELS:
            raise forms.ValidationError(
                self.error_messages["too_many_pixels"],
                code="too_many_pixels",
                params={"width": f"{width:,}", "height": f"{height:,}"},
            )
        return self.reencoded(picture, image.format)

    def reencoded(self, picture, image_format):
        picture.seek(0)
        try:
            with Image.open(picture) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
        except Exception as error:
            # As Django's ImageField does: anything Pillow cannot decode is
            # not a picture (a truncated file, a corrupt frame).
            raise forms.ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error
        # Nothing of the upload's metadata is written unless named here.
        upright.info = {key: upright.info[key] for key in ["transparency"] if key in upright.info}
        options = {"icc_profile": image.info.get("icc_profile")}
        if image_format == "JPEG":
            options["quality"] = JPEG_QUALITY
        buffer = io.BytesIO()
        upright.save(buffer, format=image_format, **options)
        extension = PICTURE_FORMATS[image_format]
        return SimpleUploadedFile(
            generated_name(f"picture.{extension}"),
            buffer.getvalue(),
            content_type=Image.MIME[image_format],
        )


class PrivateFileInput(forms.ClearableFileInput):
    """The current file named as buyers download it, and not linked: the
    private storage has no public URL (templates/bootstrap5/layout/field_file.html)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        product = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and product is not None:
            context["widget"]["download_name"] = product.download_name
        return context


class PictureInput(forms.ClearableFileInput):
    """The current picture shown as a thumbnail above the upload, not as its
    file path (templates/bootstrap5/layout/field_file.html)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["thumbnail_url"] = smallest_size_url(value)
        return context


class MoneyInput(forms.NumberInput):
    """A number input with "$" before it, for every money field
    (templates/widgets/money_input.html)."""

    template_name = "widgets/money_input.html"


class MoneyField(forms.DecimalField):
    """Dollars with cents in the form ("5.00"), whole cents (500) in
    `initial` and `cleaned_data`, as the database keeps money."""

    widget = MoneyInput

    def __init__(self, *, min_value=0, max_value=10_000, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault(
            "max_value", f"At most {format_cents(max_value * 100)}."
        )
        # No max_digits: max_value already bounds it, and says so more clearly.
        super().__init__(min_value=min_value, max_value=max_value, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return Decimal(value).scaleb(-2)
        return value

    def clean(self, value):
        dollars = super().clean(value)
        return None if dollars is None else int(dollars * 100)


class ProductForm(forms.ModelForm):
    price = MoneyField(help_text="In US dollars. 0 makes the product free.")
    description = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX_LENGTH, widget=forms.Textarea
    )

    class Meta:
        model = Product
        fields = ["name", "description", "price", "pay_what_you_want", "picture", "file"]
        field_classes = {"name": NameField, "picture": PictureField}
        widgets = {
            "picture": PictureInput(attrs={"accept": "image/*"}),
            "file": PrivateFileInput,
        }
        labels = {"file": "File to sell"}
        help_texts = {
            "picture": "Optional. JPEG, PNG, WebP or GIF, at most 5 MB.",
            "pay_what_you_want": "Buyers choose what they pay; the price above is "
            "the minimum (0 lets them name a fair price).",
            "file": "What buyers download: any type of file, at most 100 MB. "
            "The product can be bought once it has one.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("price", self.instance.price_cents)

    def clean_price(self):
        price = self.cleaned_data["price"]
        if 0 < price < MINIMUM_CHARGE_CENTS:
            raise forms.ValidationError(
                "Use 0 (free) or at least %(minimum)s: card payments start there.",
                params={"minimum": format_cents(MINIMUM_CHARGE_CENTS)},
            )
        return price

    def clean_file(self):
        file = self.cleaned_data["file"]
        # Django has already streamed an upload over 2.5 MB to a temporary
        # file, so nothing big is held in memory.
        if isinstance(file, UploadedFile) and file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                "The file is %(size)s; the limit is 100 MB.",
                params={"size": filesizeformat(file.size)},
            )
        return file

    def save(self, commit=True):
        self.instance.price_cents = self.cleaned_data["price"]
        if "file" in self.changed_data:
            new_file = self.cleaned_data["file"]
            self.instance.file_name = new_file.name if new_file else ""
        # A replaced or cleared file leaves storage once the save commits
        # (products.models.delete_replaced_files).
        return super().save(commit)


class StoreForm(forms.ModelForm):
    bio = BioField(
        help_text=f"Optional. Who you are and what you make, in {BIO_MAX_LENGTH} characters."
    )

    class Meta:
        model = Store
        fields = ["name", "bio", "avatar"]
        field_classes = {"name": NameField, "avatar": PictureField}
        widgets = {"avatar": PictureInput(attrs={"accept": "image/*"})}
        labels = {"avatar": "Profile picture"}
        help_texts = {
            "name": "Your store's address stays the same when you rename it.",
            "avatar": "Optional; square looks best. JPEG, PNG, WebP or GIF, at most 5 MB.",
        }


class ProductSearchForm(forms.Form):
    """The catalog's search box and sort order, read from the query string."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("newest", "Newest"),
            ("price", "Price: low to high"),
            ("-price", "Price: high to low"),
        ],
    )

    @classmethod
    def checked(cls, data):
        """The form for `data`, validated: the page shows its cleaned values."""
        search = cls(data)
        search.is_valid()
        return search

    def filter(self, products: ProductQuerySet):
        """Apply the valid parts of the query; an invalid value is ignored."""
        self.is_valid()
        return products.search(self.cleaned_data.get("q")).sorted_by(self.cleaned_data.get("sort"))
