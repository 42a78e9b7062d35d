"""Payment providers behind one small interface, chosen by PAYMENT_PROVIDER.

A provider `start`s a payment (and says where to send the buyer) and
`confirm`s it when the buyer is back. The order changes state only through
its own methods (`Order.mark_paid` and friends), so whichever report comes
first — the test page, a webhook, the return page — does it, once.
"""

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from .models import Order, StripeEvent

logger = logging.getLogger(__name__)

# Seconds to wait for each call to Stripe's API, and how often the SDK tries
# again (with the same idempotency key, so a slow answer never makes a second
# session; StripeClient does not retry unless told to). Three tries stay
# inside gunicorn's 30-second worker timeout.
STRIPE_TIMEOUT = 8
STRIPE_RETRIES = 2


class PaymentError(Exception):
    """The provider could not do what was asked; nothing changed here."""


class FreeProvider:
    """Orders that cost nothing: paid when they are made."""

    name = Order.Provider.FREE

    def confirm(self, order):
        """Nothing to ask: the order is paid already, or changed by our own page."""

    def refund(self, order):
        """No money moved, so none goes back."""

    def close(self, order):
        """Nothing can pay the order outside this site."""


class TestProvider(FreeProvider):
    """Our own payment page: Pay, Decline or Cancel, and no money moves."""

    name = Order.Provider.TEST

    def start(self, order, request):
        return reverse("orders:test_payment", kwargs={"public_id": order.public_id})


def stripe_client():
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
        max_network_retries=STRIPE_RETRIES,
    )


class StripeProvider:
    """Stripe Checkout: a hosted payment page, then webhooks."""

    name = Order.Provider.STRIPE

    def __init__(self):
        self.client = stripe_client()

    def start(self, order, request):
        order_url = request.build_absolute_uri(order.get_absolute_url())
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": order.currency,
                        "unit_amount": order.amount_cents,
                        "product_data": {"name": order.product_name},
                    },
                }
            ],
            "client_reference_id": str(order.public_id),
            "customer_email": order.email,
            "success_url": order_url,
            "cancel_url": order_url,
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": f"checkout-{order.public_id}"}
            )
        except stripe.StripeError as error:
            logger.warning("Stripe refused a Checkout Session for order %s: %s", order, error)
            raise PaymentError(str(error)) from error
        Order.objects.filter(pk=order.pk).update(checkout_session_id=session.id)
        return session.url

    def confirm(self, order):
        """Ask Stripe about the buyer's session: the buyer may be back before the webhook."""
        if not order.checkout_session_id:
            return
        try:
            session = self.client.v1.checkout.sessions.retrieve(order.checkout_session_id)
        except stripe.StripeError as error:
            logger.warning("Could not ask Stripe about order %s: %s", order, error)
            return
        apply_checkout_session(order, session)

    def close(self, order):
        """Expire the order's Checkout Session, so it can no longer be paid.
        Stripe refuses if it was completed meanwhile: what it says then is
        applied to the order (paid, most likely)."""
        if not order.checkout_session_id:
            return
        try:
            self.client.v1.checkout.sessions.expire(order.checkout_session_id)
        except stripe.InvalidRequestError:
            self.confirm(order)
        except stripe.StripeError as error:
            logger.warning("Could not expire Stripe's session of order %s: %s", order, error)
            raise PaymentError(str(error)) from error

    def refund(self, order):
        """Refund the whole payment. The idempotency key makes a repeated
        request (a double click, a retry) return the same refund."""
        if not order.payment_intent_id:
            raise PaymentError("Stripe has no payment for this order.")
        try:
            self.client.v1.refunds.create(
                {"payment_intent": order.payment_intent_id},
                {"idempotency_key": f"refund-{order.public_id}"},
            )
        except stripe.StripeError as error:
            logger.warning("Stripe refused to refund order %s: %s", order, error)
            raise PaymentError(error.user_message or str(error)) from error


PROVIDERS = {provider.name: provider for provider in [FreeProvider, TestProvider, StripeProvider]}


def get_provider(name=None):
    """The provider called `name` (an order's), or the site's PAYMENT_PROVIDER."""
    return PROVIDERS[name or settings.PAYMENT_PROVIDER]()


def close_unpaid(order):
    """Stop a pending order from being paid (a new checkout replaces it) and
    cancel it, giving its code's use back. False if it turned out paid;
    PaymentError if the provider could not be asked."""
    get_provider(order.provider).close(order)
    order.mark_canceled()
    order.refresh_from_db(fields=["status"])
    return order.status != Order.Status.PAID


def refund(order):
    """Give the buyer their money back through the order's provider, then
    end the purchase. PaymentError (and nothing changed) if the provider
    refuses; False if the order was not paid, or someone else refunded it
    first."""
    if order.status != Order.Status.PAID:
        return False
    get_provider(order.provider).refund(order)
    return order.mark_refunded()


def apply_checkout_session(order, session):
    """Bring the order in line with what its Checkout Session says."""
    if session.payment_status in ("paid", "no_payment_required"):
        order.mark_paid(payment_intent_id=session.payment_intent)
    elif session.status == "expired":
        order.mark_expired()
    elif session.payment_intent and not order.payment_intent_id:
        # Completed but unpaid (a bank debit on its way): keep the payment's
        # id, so a later refund finds the order.
        Order.objects.filter(pk=order.pk).update(payment_intent_id=session.payment_intent)


SESSION_EVENTS = {
    "checkout.session.completed": apply_checkout_session,
    "checkout.session.async_payment_succeeded": (
        lambda order, session: order.mark_paid(payment_intent_id=session.payment_intent)
    ),
    "checkout.session.async_payment_failed": lambda order, session: order.mark_failed(),
    "checkout.session.expired": lambda order, session: order.mark_expired(),
}


def construct_webhook_event(payload, signature):
    """The event, if Stripe signed it; ValueError for a bad or missing
    signature or a body that is not JSON."""
    # Without a secret, anyone could sign with the empty key.
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set")
    try:
        return stripe_client().construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError as error:
        raise ValueError(str(error)) from error


def handle_webhook_event(event):
    """Apply one Stripe event, once: its id is recorded in the same transaction."""
    with transaction.atomic():
        _, new = StripeEvent.objects.get_or_create(event_id=event.id, defaults={"type": event.type})
        if not new:
            logger.info("Stripe event %s was already handled", event.id)
            return
        data = event.data.object
        if event.type in SESSION_EVENTS:
            order = Order.objects.filter(checkout_session_id=data.id).first()
            if order is None:
                logger.warning("Stripe event %s names unknown session %s", event.id, data.id)
                return
            SESSION_EVENTS[event.type](order, data)
        elif event.type == "charge.refunded":
            # A charge made outside Checkout has no payment intent; filtering
            # on None would match every order without one (free, test).
            order = (
                Order.objects.filter(payment_intent_id=data.payment_intent).first()
                if data.payment_intent
                else None
            )
            if order is None:
                logger.warning("Stripe refund %s names unknown payment %s", event.id, data.id)
                return
            # A partial refund leaves the purchase in place.
            if data.refunded:
                order.mark_refunded()
