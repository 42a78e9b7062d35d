from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from .models import Product, ProductQuerySet, Store, delete_unused_file, format_cents

MAX_PICTURE_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 100 * 1024 * 1024
PICTURE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class PrivateFileInput(forms.ClearableFileInput):
    """The current file named as buyers download it, and not linked: the
    private storage has no public URL (templates/bootstrap5/layout/field_file.html)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        product = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and product is not None:
            context["widget"]["download_name"] = product.download_name
        return context


class MoneyField(forms.DecimalField):
    """Dollars with cents in the form ("5.00"), whole cents (500) in
    `initial` and `cleaned_data`, as the database keeps money."""

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

    class Meta:
        model = Product
        fields = ["name", "description", "price", "pay_what_you_want", "picture", "file"]
        widgets = {
            "picture": forms.ClearableFileInput(attrs={"accept": "image/*"}),
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

    def clean_picture(self):
        picture = self.cleaned_data["picture"]
        # Only a new upload carries the Pillow image that forms.ImageField
        # opened to check it; a kept or cleared picture has none.
        image = getattr(picture, "image", None)
        if image is None:
            return picture
        if picture.size > MAX_PICTURE_BYTES:
            raise forms.ValidationError(
                "The picture is %(size)s; the limit is 5 MB.",
                params={"size": filesizeformat(picture.size)},
            )
        if image.format not in PICTURE_FORMATS:
            raise forms.ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
        return picture

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
        with transaction.atomic():
            product = super().save(commit)
            # A replaced or cleared file or picture leaves storage once the save commits.
            for field in ["file", "picture"]:
                if field in self.changed_data and self.initial.get(field):
                    delete_unused_file(self.initial[field])
        return product


class StoreForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name"]
        help_texts = {"name": "Your store's address stays the same when you rename it."}


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

    def filter(self, products: ProductQuerySet):
        """Apply the valid parts of the query; an invalid value is ignored."""
        self.is_valid()
        return products.search(self.cleaned_data.get("q")).sorted_by(self.cleaned_data.get("sort"))
