"""Fixtures for talking to a fake Stripe: its settings, its API (answers
registered on the root `no_network` mock), its webhooks signed as Stripe
signs them, and small builders for the JSON it sends."""

import hashlib
import hmac
import itertools
import json
import time

import pytest
import stripe
from django.test import Client
from django.urls import reverse

from accounts.factories import UserFactory

STRIPE_API_BASE = "https://stripe.test"
STRIPE_WEBHOOK_SECRET = "whsec_test_yumroad"

_ids = itertools.count(1)


def _next_id(prefix):
    return f"{prefix}_test_{next(_ids):06d}"


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@example.com")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def stripe_settings(settings):
    """The site sells through Stripe, with test keys and a fake API base."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_yumroad"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = STRIPE_API_BASE
    return settings


@pytest.fixture
def stripe_api(no_network, stripe_settings, monkeypatch):
    """The root `no_network` mock, to register Stripe's answers on, e.g.
    `stripe_api.post(f"{STRIPE_API_BASE}/v1/checkout/sessions", json=...)`.

    The SDK sleeps between its retries of a failed request; here it does not.
    """
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0)
    monkeypatch.setattr(stripe.HTTPClient, "MAX_DELAY", 0)
    return no_network


@pytest.fixture
def session_json():
    """A Checkout Session as Stripe's API and webhooks show it (open and
    unpaid unless told otherwise)."""

    def build(**fields):
        session_id = fields.pop("id", None) or _next_id("cs")
        return {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "client_reference_id": None,
            "currency": "usd",
            "amount_total": 500,
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            **fields,
        }

    return build


@pytest.fixture
def charge_json():
    """A Charge as `charge.refunded` carries it (fully refunded unless told otherwise)."""

    def build(**fields):
        return {
            "id": _next_id("ch"),
            "object": "charge",
            "amount": 500,
            "amount_refunded": 500,
            "currency": "usd",
            "payment_intent": _next_id("pi"),
            "refunded": True,
            **fields,
        }

    return build


@pytest.fixture
def event_json():
    """A webhook event of `event_type` about `obj`."""

    def build(event_type, obj, event_id=None):
        return {
            "id": event_id or _next_id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }

    return build


def stripe_signature(body, secret=STRIPE_WEBHOOK_SECRET, timestamp=None):
    """The `Stripe-Signature` header Stripe would send with `body`:
    t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    if isinstance(body, bytes):
        body = body.decode()
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


@pytest.fixture
def post_webhook(stripe_settings):
    """POST `event` (a dict, or a raw body) to the webhook as Stripe does:
    from a client with no session that enforces CSRF, signed with the
    webhook secret. `secret`, `timestamp` or `signature` (the whole header,
    None for none) sign it otherwise."""
    stripe_client = Client(enforce_csrf_checks=True)
    unset = object()

    def post(event, *, secret=STRIPE_WEBHOOK_SECRET, timestamp=None, signature=unset):
        body = event if isinstance(event, (str, bytes)) else json.dumps(event)
        if signature is unset:
            signature = stripe_signature(body, secret, timestamp)
        headers = {} if signature is None else {"Stripe-Signature": signature}
        return stripe_client.post(
            reverse("orders:stripe_webhook"),
            data=body,
            content_type="application/json",
            headers=headers,
        )

    return post
