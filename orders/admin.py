from django.contrib import admin

from .models import Order, StripeEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff can look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders are read here, never edited: money and status change only
    through payments and their webhooks."""

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
        "provider",
        "checkout_session_id",
        "payment_intent_id",
        "created_at",
        "paid_at",
        "refunded_at",
        "receipt_sent_at",
        "sale_notice_sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="amount", ordering="amount_cents")
    def amount(self, order):
        return order.amount


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "received_at"]
    list_filter = ["type", "received_at"]
    search_fields = ["=event_id"]
