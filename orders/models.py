import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, Upper
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from products.decorators import FRAGMENT_TIMEOUT
from products.models import Product, Store, Version, format_cents


class DiscountCodeQuerySet(models.QuerySet):
    def for_store(self, store):
        return self.filter(store_id=store.pk)

    def with_earnings(self):
        """`earned_cents`: what its kept sales brought in (refunds left out)."""
        return self.annotate(
            earned_cents=Sum(
                "orders__amount_cents", filter=Q(orders__status=Order.Status.PAID), default=0
            )
        )


class DiscountCode(models.Model):
    """A store's code that lowers the price at checkout, for some or all of its products.

    A use is taken when an order is made and given back when that order
    fails, is canceled or expires, each by one conditional UPDATE.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="discount_codes")
    # Stored upper-case, so "summer" and "SUMMER" are one code.
    code = models.CharField(
        max_length=32,
        validators=[RegexValidator(r"^[A-Z0-9-]{3,32}$", "Use 3 to 32 letters, digits or dashes.")],
    )
    percent_off = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    amount_off_cents = models.PositiveIntegerField("amount off (cents)", null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    uses = models.PositiveIntegerField(default=0, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    products = models.ManyToManyField(
        Product,
        blank=True,
        related_name="discount_codes",
        help_text="None: every product of the store.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DiscountCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                F("store"), Upper("code"), name="discount_code_unique_in_store"
            ),
            models.CheckConstraint(
                condition=Q(percent_off__isnull=True) ^ Q(amount_off_cents__isnull=True),
                name="discount_code_percent_or_amount",
                violation_error_message="Give either a percent off or an amount off.",
            ),
            models.CheckConstraint(
                condition=Q(percent_off__gte=1, percent_off__lte=100) | Q(percent_off__isnull=True),
                name="discount_code_percent_1_to_100",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def discount(self):
        """What the code takes off, as people read it: "20% off", "$5.00 off"."""
        if self.percent_off is not None:
            return f"{self.percent_off}% off"
        return f"{format_cents(self.amount_off_cents)} off"

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_used_up(self):
        return self.max_uses is not None and self.uses >= self.max_uses

    def applies_to(self, product):
        """Whether the code is for this product: its store's, and in its list if it has one."""
        if product.store_id != self.store_id:
            return False
        chosen = self.products.all()
        return not chosen or product in chosen

    def apply_to(self, cents):
        """The price after the discount, never below zero; a percentage is
        rounded to the nearest cent."""
        if self.percent_off is not None:
            return cents - (cents * self.percent_off + 50) // 100
        return max(cents - self.amount_off_cents, 0)

    def take_use(self):
        """Take one use, if the code is still active, unexpired and not used
        up; True only if it was taken. One UPDATE, so buyers racing for the
        last use cannot pass max_uses."""
        return bool(
            DiscountCode.objects.filter(
                Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")),
                Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
                pk=self.pk,
                is_active=True,
            ).update(uses=F("uses") + 1)
        )

    def give_back_use(self):
        DiscountCode.objects.filter(pk=self.pk, uses__gt=0).update(uses=F("uses") - 1)

    def deactivate(self):
        """Stop the code for good; True only for the call that did it."""
        return bool(DiscountCode.objects.filter(pk=self.pk, is_active=True).update(is_active=False))


def sales_figures(prefix="", since=None):
    """Aggregates of sales (orders that were paid, refunded or not), for
    `aggregate()` on orders or, with prefix "orders__", `annotate()` on
    products: `sales`, `gross_cents`, `refunds`, `refunded_cents`, `net_cents`.
    With `since`, only sales paid from then on."""
    sold = Q(**{f"{prefix}status__in": Order.SOLD})
    if since is not None:
        sold &= Q(**{f"{prefix}paid_at__gte": since})
    refunded = sold & Q(**{f"{prefix}status": Order.Status.REFUNDED})
    kept = sold & Q(**{f"{prefix}status": Order.Status.PAID})
    amount = f"{prefix}amount_cents"
    return {
        "sales": Count(f"{prefix}pk", filter=sold),
        "gross_cents": Sum(amount, filter=sold, default=0),
        "refunds": Count(f"{prefix}pk", filter=refunded),
        "refunded_cents": Sum(amount, filter=refunded, default=0),
        "net_cents": Sum(amount, filter=kept, default=0),
    }


class OrderQuerySet(models.QuerySet):
    def create_for(self, buyer, product, provider, amount_cents=None, **fields):
        """An order (pending, unless `fields` say otherwise) for `product`, with
        its name and price copied as they are now: a later change to the
        product never changes it. `amount_cents` is what the buyer pays when
        it is not the price (pay what you want, a discount code)."""
        return self.create(
            **fields,
            buyer=buyer,
            email=buyer.email,
            product=product,
            store_id=product.store_id,
            product_name=product.name,
            amount_cents=product.price_cents if amount_cents is None else amount_cents,
            provider=provider,
        )

    def bulk_create(self, objs, *args, **kwargs):
        orders = super().bulk_create(objs, *args, **kwargs)
        # It sends no post_save: tell the caches keyed by sales and libraries.
        announce_changes(orders)
        return orders

    def paid(self):
        return self.filter(status=Order.Status.PAID)

    def sales(self):
        """Orders that were paid, including those refunded since, newest sale first."""
        return self.filter(status__in=Order.SOLD).order_by("-paid_at", "-pk")

    def revenue_by_day(self, since):
        """[{"day", "sales", "net_cents"}] for each day with sales since `since`,
        in one GROUP BY; days without sales are absent."""
        return (
            self.filter(status__in=Order.SOLD, paid_at__gte=since)
            .annotate(day=TruncDate("paid_at"))
            .values("day")
            .annotate(
                sales=Count("pk"),
                net_cents=Sum("amount_cents", filter=Q(status=Order.Status.PAID), default=0),
            )
            .order_by("day")
        )

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
    UNPAID = [Status.FAILED, Status.CANCELED, Status.EXPIRED]
    PAYABLE = [Status.PENDING, *UNPAID]
    # Sales, for the creator: paid, even if refunded since.
    SOLD = [Status.PAID, Status.REFUNDED]

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
    discount_code = models.ForeignKey(
        DiscountCode, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    amount_before_discount_cents = models.PositiveIntegerField(
        "amount before discount (cents)",
        null=True,
        blank=True,
        help_text="The price (the minimum, for pay what you want) before the code's discount.",
    )
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
    refund_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_buyer_newest_idx"),
            models.Index(fields=["store", "-created_at"], name="order_store_newest_idx"),
            # The dashboard: its newest sales, and its figures per store and
            # per product read from the index alone, not the table.
            models.Index(fields=["store", "-paid_at"], name="order_store_sales_idx"),
            models.Index(
                fields=["store", "status", "paid_at", "amount_cents"],
                name="order_store_figures_idx",
            ),
            models.Index(
                fields=["product", "status", "amount_cents"], name="order_product_figures_idx"
            ),
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
        with transaction.atomic():
            changed = Order.objects.filter(pk=self.pk, status__in=from_statuses).update(
                status=to_status, **fields
            )
            if changed:
                # After the UPDATE: a dashboard read between the two caches
                # the new figures under the old token, which nobody asks for again.
                announce_changes([self])
        if changed:
            self.refresh_from_db()
        return bool(changed)

    def mark_paid(self, payment_intent_id=None):
        """Record the payment once; the emails go out only for that call, after commit."""
        fields = {"paid_at": timezone.now()}
        if payment_intent_id:
            fields["payment_intent_id"] = payment_intent_id
        changed = self._change_status([Order.Status.PENDING], Order.Status.PAID, **fields)
        if not changed and self._change_status(Order.UNPAID, Order.Status.PAID, **fields):
            changed = True
            # Its discount code's use was given back when it stopped being
            # pending: the payment takes it again, even past max_uses.
            if self.discount_code_id:
                DiscountCode.objects.filter(pk=self.discount_code_id).update(uses=F("uses") + 1)
        if changed:
            from .tasks import send_receipt, send_sale_notice

            transaction.on_commit(lambda: send_receipt.enqueue(self.pk))
            transaction.on_commit(lambda: send_sale_notice.enqueue(self.pk))
        return changed

    def _end_unpaid(self, status):
        """Pending → `status` once, giving its discount code's use back."""
        changed = self._change_status([Order.Status.PENDING], status)
        if changed and self.discount_code_id:
            self.discount_code.give_back_use()
        return changed

    def mark_failed(self):
        return self._end_unpaid(Order.Status.FAILED)

    def mark_canceled(self):
        return self._end_unpaid(Order.Status.CANCELED)

    def mark_expired(self):
        return self._end_unpaid(Order.Status.EXPIRED)

    def mark_refunded(self):
        """End the purchase (and its download) once, and tell the buyer;
        only a paid order can be refunded."""
        changed = self._change_status(
            [Order.Status.PAID], Order.Status.REFUNDED, refunded_at=timezone.now()
        )
        if changed:
            from .tasks import send_refund_notice

            transaction.on_commit(lambda: send_refund_notice.enqueue(self.pk))
        return changed

    def claim_email(self, sent_at_field):
        """Claim the right to send one of the order's emails; True once per order."""
        return bool(
            Order.objects.filter(pk=self.pk, **{f"{sent_at_field}__isnull": True}).update(
                **{sent_at_field: timezone.now()}
            )
        )


class SalesVersion(Version):
    """A token per store that changes with every change to its sales: the
    dashboard's cached figures are keyed by it. No row yet: the store has
    never had an order change."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, primary_key=True, related_name="sales_version"
    )


class LibraryVersion(Version):
    """A token per buyer that changes with every change to what they own
    (a payment, a refund): their library and their Download buttons are
    cached by it. No row yet: they have never had an order change."""

    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="library_version",
    )


def owned_order_id(buyer, product_id):
    """The public id of `buyer`'s paid order of the product, or None; from
    the cache until their library changes (the product page and checkout
    ask on every view)."""
    if not buyer.is_authenticated:
        return None
    key = f"owned-order:{buyer.pk}:{LibraryVersion.current(buyer.pk)}:{product_id}"
    return cache.get_or_set(
        key,
        lambda: (
            Order.objects.paid()
            .for_buyer(buyer)
            .filter(product_id=product_id)
            .values_list("public_id", flat=True)
            .first()
        ),
        FRAGMENT_TIMEOUT,
    )


def announce_changes(orders):
    """New sales and library versions for the stores and buyers of these
    orders, in the transaction that changed them."""
    SalesVersion.bump(*(order.store_id for order in orders))
    LibraryVersion.bump(*(order.buyer_id for order in orders))


@receiver(post_save, sender=Order)
def order_saved(sender, instance, created, **kwargs):
    # A new pending order is no sale and no purchase yet: checkout makes
    # many, and leaves the figures as they are. Any other save (a paid order
    # made at once, an edit) may change them.
    if not created or instance.status in Order.SOLD:
        announce_changes([instance])


class StripeEvent(models.Model):
    """A Stripe webhook event already handled; a redelivery finds it and stops."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
