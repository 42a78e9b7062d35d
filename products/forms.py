from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat

from .models import Product, ProductQuerySet, Store

MAX_PICTURE_BYTES = 5 * 1024 * 1024
PICTURE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ProductForm(forms.ModelForm):
    # Money is whole cents in the database and dollars with cents here.
    price = forms.DecimalField(
        min_value=0,
        max_value=10_000,
        max_digits=7,
        decimal_places=2,
        help_text="In US dollars. 0 makes the product free.",
    )

    class Meta:
        model = Product
        fields = ["name", "description", "price", "picture"]
        widgets = {"picture": forms.ClearableFileInput(attrs={"accept": "image/*"})}
        help_texts = {"picture": "Optional. JPEG, PNG, WebP or GIF, at most 5 MB."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("price", Decimal(self.instance.price_cents).scaleb(-2))

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

    def save(self, commit=True):
        self.instance.price_cents = int(self.cleaned_data["price"] * 100)
        return super().save(commit)


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
