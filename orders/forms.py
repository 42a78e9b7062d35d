from decimal import Decimal

from django import forms
from django.utils import timezone

from products.forms import MoneyField
from products.models import MINIMUM_CHARGE_CENTS, format_cents

from .models import DiscountCode

MINIMUM_CHARGE = format_cents(MINIMUM_CHARGE_CENTS)


class CheckoutForm(forms.Form):
    """What the buyer pays: the product's price, or an amount of their own
    choosing when the creator lets them pay what they want, lowered by a
    discount code. Once valid, `amount_cents` is what they pay,
    `minimum_cents` the least they could, and `discount_code` the code."""

    amount = MoneyField(label="Your price", required=False)
    code = forms.CharField(label="Discount code", max_length=32, required=False)

    def __init__(self, product, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.discount_code = None
        self.minimum_cents = self.amount_cents = product.price_cents
        if product.pay_what_you_want:
            self.fields["amount"].initial = product.price_cents
            self._explain_minimum()
        else:
            del self.fields["amount"]

    def _explain_minimum(self):
        if "amount" in self.fields:
            self.fields["amount"].help_text = (
                f"In US dollars: {format_cents(self.minimum_cents)} or more."
                if self.minimum_cents
                else "In US dollars: name a fair price, or 0."
            )

    def clean_code(self):
        text = self.cleaned_data["code"].strip().upper()
        if not text:
            return None
        # Another store's code is unknown here, so its name tells nothing.
        code = (
            DiscountCode.objects.for_store(self.product.store)
            .filter(code=text)
            .prefetch_related("products")
            .first()
        )
        if code is None:
            raise forms.ValidationError("This store has no such code.")
        if not code.is_active:
            raise forms.ValidationError("This code is no longer active.")
        if code.is_expired:
            raise forms.ValidationError("This code has expired.")
        if code.is_used_up:
            raise forms.ValidationError("This code has been used up.")
        if not code.applies_to(self.product):
            raise forms.ValidationError("This code is not for this product.")
        return code

    def clean(self):
        cleaned_data = super().clean()
        if "code" not in cleaned_data:
            return cleaned_data
        self.discount_code = cleaned_data["code"]
        # With pay what you want, the discount lowers the minimum.
        if self.discount_code:
            self.minimum_cents = self.discount_code.apply_to(self.product.price_cents)
        self.amount_cents = self.minimum_cents
        chosen = cleaned_data.get("amount")
        if self.product.pay_what_you_want and chosen is not None:
            if chosen < self.minimum_cents:
                self.add_error("amount", f"The minimum is {format_cents(self.minimum_cents)}.")
                return cleaned_data
            self.amount_cents = chosen
        if 0 < self.amount_cents < MINIMUM_CHARGE_CENTS:
            # Stripe refuses less; a price this low can only come from the
            # buyer's amount or a code (the product form refuses it).
            if self.product.pay_what_you_want:
                free = " (or 0)" if self.minimum_cents == 0 else ""
                self.add_error(
                    "amount", f"Card payments start at {MINIMUM_CHARGE}: pay that or more{free}."
                )
            elif self.discount_code:
                self.add_error(
                    "code",
                    f"With this code the price would be {format_cents(self.amount_cents)}, "
                    f"under the {MINIMUM_CHARGE} a card payment needs.",
                )
        return cleaned_data

    def previewed(self):
        """A fresh form that shows the valid code applied. The amount follows
        the discounted minimum, unless the buyer had chosen more than the
        product's own."""
        amount = self.amount_cents
        if self.product.pay_what_you_want and amount == self.product.price_cents:
            amount = self.minimum_cents
        form = CheckoutForm(
            self.product,
            initial={
                "code": self.discount_code.code if self.discount_code else "",
                "amount": amount,
            },
        )
        form.discount_code, form.minimum_cents, form.amount_cents = (
            self.discount_code,
            self.minimum_cents,
            amount,
        )
        form._explain_minimum()
        return form


class TestPaymentForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("pay", "Pay"), ("decline", "Decline"), ("cancel", "Cancel")],
        error_messages={"required": "Choose Pay, Decline or Cancel."},
    )


class DiscountCodeForm(forms.ModelForm):
    """A new code for the creator's store (`store`)."""

    amount_off = MoneyField(
        label="Amount off", min_value=Decimal("0.01"), required=False, help_text="In US dollars."
    )

    class Meta:
        model = DiscountCode
        fields = ["code", "percent_off", "amount_off", "max_uses", "expires_at", "products"]
        labels = {"percent_off": "Percent off", "max_uses": "Uses", "expires_at": "Expires"}
        help_texts = {
            "code": "3 to 32 letters, digits or dashes; buyers can type it in any case.",
            "percent_off": "1 to 100. Give a percent off or an amount off.",
            "max_uses": "Optional: how many orders can use it.",
            "expires_at": "Optional, in UTC.",
            "products": "None ticked: every product of your store.",
        }
        widgets = {
            "expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "products": forms.CheckboxSelectMultiple,
        }

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = self.instance.store = store
        self.fields["products"].queryset = store.products.listed().order_by("name")

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if DiscountCode.objects.for_store(self.store).filter(code=code).exists():
            raise forms.ValidationError("Your store already has this code.")
        return code

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return expires_at

    def clean(self):
        cleaned_data = super().clean()
        # A field with an error of its own is missing here: say nothing more.
        both_valid = "percent_off" in cleaned_data and "amount_off" in cleaned_data
        percent_off, amount_off = cleaned_data.get("percent_off"), cleaned_data.get("amount_off")
        if both_valid and (percent_off is None) == (amount_off is None):
            raise forms.ValidationError("Give either a percent off or an amount off.")
        self.instance.amount_off_cents = amount_off
        return cleaned_data
