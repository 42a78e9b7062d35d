import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from products.models import Product, Store, format_cents


class OrderQuerySet(models.QuerySet):
    def create_for(self, buyer, product, provider, **fields):
        """An order (pending, unless `fields` say otherwise) for `product`, with
        its name and price copied as they are now: a later change to the
        product never changes it."""
        return self.create(
            **fields,
            buyer=buyer,
            email=buyer.email,
            product=product,
            store_id=product.store_id,
            product_name=product.name,
            amount_cents=product.price_cents,
            provider=provider,
        )

    def paid(self):
        return self.filter(status=Order.Status.PAID)

    def for_buyer(self, user):
        return self.filter(buyer_id=user.pk)

    def for_store(self, store):
        return self.filter(store_id=store.pk)

    def for_library(self):
        """What the buyer bought (paid, or paid and refunded), newest first,
        with the product each row links to, in one query."""
        return (
            self.filter(status__in=[Order.Status.PAID, Order.Status.REFUNDED])
            .select_related("product", "store")
            .order_by("-created_at", "-pk")
        )


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"
        CANCELED = "canceled"
        EXPIRED = "expired"
        REFUNDED = "refunded"

    class Provider(models.TextChoices):
        FREE = "free"
        TEST = "test"
        STRIPE = "stripe"

    # A payment that succeeds wins from any state but refunded.
    PAYABLE = [Status.PENDING, Status.FAILED, Status.CANCELED, Status.EXPIRED]

    public_id = models.UUIDField("order number", default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField(help_text="The buyer's email when they ordered.")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="orders")
    # Copied when the order is made: a later rename or price change never changes it.
    product_name = models.CharField(max_length=60)
    amount_cents = models.PositiveIntegerField("amount (cents)")
    currency = models.CharField(max_length=3, default="usd")
    provider = models.CharField(max_length=10, choices=Provider)
    checkout_session_id = models.CharField(
        "Stripe Checkout Session", max_length=255, unique=True, null=True, blank=True
    )
    payment_intent_id = models.CharField(
        "Stripe PaymentIntent", max_length=255, unique=True, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # Each email is claimed by setting its time before it is sent, so a task
    # that runs twice sends it once.
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    sale_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_buyer_newest_idx"),
            models.Index(fields=["store", "-created_at"], name="order_store_newest_idx"),
        ]

    def __str__(self):
        return f"{self.product_name} for {self.email} ({self.status})"

    def get_absolute_url(self):
        return reverse("orders:detail", kwargs={"public_id": self.public_id})

    @property
    def amount(self):
        return format_cents(self.amount_cents)

    @property
    def is_downloadable(self):
        return self.status == Order.Status.PAID

    def _change_status(self, from_statuses, to_status, **fields):
        """One conditional UPDATE: True only for the call that made the change,
        however many requests, webhooks or workers ask at once."""
        changed = Order.objects.filter(pk=self.pk, status__in=from_statuses).update(
            status=to_status, **fields
        )
        if changed:
            self.refresh_from_db()
        return bool(changed)

    def mark_paid(self, payment_intent_id=None):
        """Record the payment once; the emails go out only for that call, after commit."""
        fields = {"paid_at": timezone.now()}
        if payment_intent_id:
            fields["payment_intent_id"] = payment_intent_id
        changed = self._change_status(Order.PAYABLE, Order.Status.PAID, **fields)
        if changed:
            from .tasks import send_receipt, send_sale_notice

            transaction.on_commit(lambda: send_receipt.enqueue(self.pk))
            transaction.on_commit(lambda: send_sale_notice.enqueue(self.pk))
        return changed

    def mark_failed(self):
        return self._change_status([Order.Status.PENDING], Order.Status.FAILED)

    def mark_canceled(self):
        return self._change_status([Order.Status.PENDING], Order.Status.CANCELED)

    def mark_expired(self):
        return self._change_status([Order.Status.PENDING], Order.Status.EXPIRED)

    def mark_refunded(self):
        """End the purchase (and its download) once; only a paid order can be refunded."""
        return self._change_status(
            [Order.Status.PAID], Order.Status.REFUNDED, refunded_at=timezone.now()
        )

    def claim_email(self, sent_at_field):
        """Claim the right to send one of the order's emails; True once per order."""
        return bool(
            Order.objects.filter(pk=self.pk, **{f"{sent_at_field}__isnull": True}).update(
                **{sent_at_field: timezone.now()}
            )
        )


class StripeEvent(models.Model):
    """A Stripe webhook event already handled; a redelivery finds it and stops."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
