from decimal import Decimal

from django import forms

from .models import Product


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
        fields = ["name", "description", "price"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("price", Decimal(self.instance.price_cents) / 100)

    def save(self, commit=True):
        self.instance.price_cents = int(self.cleaned_data["price"] * 100)
        return super().save(commit)
