from decimal import Decimal

from django import forms
from django.contrib import admin, messages

from products.forms import MoneyField
from products.models import format_cents
from yumroad.admin import SafeDatesMixin

from . import payments
from .models import DiscountCode, Order, StripeEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff can look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _listed(orders, limit=5):
    """A few orders by name, for a message: "A for b@x.com (pending), … and 3 more"."""
    names = [str(order) for order in orders[:limit]]
    if len(orders) > limit:
        names.append(f"and {len(orders) - limit} more")
    return "; ".join(names)


@admin.register(Order)
class OrderAdmin(SafeDatesMixin, ReadOnlyAdmin):
    """Orders are read here, never edited: money and status change only
    through payments and their webhooks, and refunds through the provider."""

    list_display = [
        "public_id",
        "product_name",
        "email",
        "amount",
        "status",
        "provider",
        "created_at",
    ]
    list_filter = ["status", "provider", "created_at"]
    search_fields = ["email", "product_name", "public_id"]
    date_hierarchy = "created_at"
    actions = ["refund_paid_orders"]
    fields = [
        "public_id",
        "status",
        "amount",
        "currency",
        "product_name",
        "product",
        "store",
        "buyer",
        "email",
        "discount_code",
        "amount_before_discount",
        "provider",
        "checkout_session_id",
        "payment_intent_id",
        "created_at",
        "paid_at",
        "refunded_at",
        "receipt_sent_at",
        "sale_notice_sent_at",
        "refund_notice_sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="amount", ordering="amount_cents")
    def amount(self, order):
        return order.amount

    @admin.display(description="amount before discount")
    def amount_before_discount(self, order):
        if order.amount_before_discount_cents is None:
            return None  # the admin shows its "empty" dash
        return format_cents(order.amount_before_discount_cents)

    def has_refund_permission(self, request):
        """The change permission (which superusers hold) lets staff refund,
        though nothing else here changes an order."""
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.action(description="Refund selected paid orders", permissions=["refund"])
    def refund_paid_orders(self, request, queryset):
        """Each paid order refunded through its provider, as the creator's
        dashboard does it; the others are left alone and named."""
        refunded, skipped, refused = 0, [], []
        for order in queryset.order_by("pk"):
            try:
                if payments.refund(order):
                    refunded += 1
                else:
                    # Not paid, or refunded by someone else meanwhile.
                    order.refresh_from_db(fields=["status"])
                    skipped.append(order)
            except payments.PaymentError as error:
                refused.append(f"{order}: {error}")
        if refunded:
            self.message_user(
                request,
                f"Refunded {refunded} order{'s' if refunded != 1 else ''}; "
                "the buyers get an email.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Skipped {len(skipped)} order{'s' if len(skipped) != 1 else ''} "
                f"that {'were' if len(skipped) != 1 else 'was'} not paid: {_listed(skipped)}.",
                messages.WARNING,
            )
        for refusal in refused:
            self.message_user(request, f"The provider refused to refund {refusal}", messages.ERROR)


class DiscountCodeAdminForm(forms.ModelForm):
    """The code as staff type it, stored upper-case; the amount off in dollars."""

    amount_off_cents = MoneyField(
        label="Amount off",
        min_value=Decimal("0.01"),
        required=False,
        help_text="In US dollars. Give a percent off or an amount off.",
    )

    class Meta:
        model = DiscountCode
        fields = [
            "store",
            "code",
            "percent_off",
            "amount_off_cents",
            "max_uses",
            "expires_at",
            "products",
            "is_active",
        ]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned_data = super().clean()
        store, code = cleaned_data.get("store"), cleaned_data.get("code")
        if store and code:
            taken = DiscountCode.objects.for_store(store).filter(code=code)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("code", f"{store} already has this code.")
        products = cleaned_data.get("products")
        if store and products:
            others = [product.name for product in products if product.store_id != store.pk]
            if others:
                self.add_error("products", f"Not products of {store}: {', '.join(others)}.")
        return cleaned_data


@admin.register(DiscountCode)
class DiscountCodeAdmin(SafeDatesMixin, admin.ModelAdmin):
    form = DiscountCodeAdminForm
    list_display = [
        "code",
        "store",
        "discount",
        "uses_of_max",
        "expires_at",
        "is_active",
        "created_at",
    ]
    list_select_related = ["store"]
    list_filter = ["is_active", ("store", admin.RelatedOnlyFieldListFilter), "expires_at"]
    search_fields = ["code", "store__name"]
    autocomplete_fields = ["store", "products"]
    readonly_fields = ["uses", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description="discount")
    def discount(self, code):
        return code.discount

    @admin.display(description="uses", ordering="uses")
    def uses_of_max(self, code):
        return f"{code.uses} / {code.max_uses}" if code.max_uses else f"{code.uses} / no limit"


@admin.register(StripeEvent)
class StripeEventAdmin(SafeDatesMixin, ReadOnlyAdmin):
    list_display = ["event_id", "type", "received_at"]
    list_filter = ["type", "received_at"]
    search_fields = ["=event_id"]
