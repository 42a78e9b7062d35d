from django import forms


class CheckoutForm(forms.Form):
    """The checkout page's form: one button today; the pricing tools add
    fields (an amount, a discount code)."""


class TestPaymentForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("pay", "Pay"), ("decline", "Decline"), ("cancel", "Cancel")],
        error_messages={"required": "Choose Pay, Decline or Cancel."},
    )
