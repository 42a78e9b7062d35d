"""Emails about orders, sent by the task queue (django-tasks), never inside a request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from .models import Order


def _send_once(order_id, sent_at_field, template, to):
    """Send one of an order's emails at most once, however often the task runs.

    The claim and the send share a transaction: if sending fails, the claim
    is rolled back and a retry can send it.
    """
    with transaction.atomic():
        order = Order.objects.select_related("store__owner").get(pk=order_id)
        if not order.claim_email(sent_at_field):
            return False
        context = {"order": order, "order_url": settings.SITE_URL + order.get_absolute_url()}
        subject = render_to_string(f"orders/email/{template}_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject,
            render_to_string(f"orders/email/{template}.txt", context),
            to=[to(order)],
        )
        message.attach_alternative(
            render_to_string(f"orders/email/{template}.html", context), "text/html"
        )
        message.send()
    return True


@task()
def send_receipt(order_id):
    """The buyer's receipt: product, amount, date and a link to the order."""
    return _send_once(order_id, "receipt_sent_at", "receipt", lambda order: order.email)


@task()
def send_sale_notice(order_id):
    """The creator's "New sale" email."""
    return _send_once(
        order_id, "sale_notice_sent_at", "sale_notice", lambda order: order.store.owner.email
    )


@task()
def send_refund_notice(order_id):
    """The buyer's "Your refund" email: the money is on its way back and the download has ended."""
    return _send_once(order_id, "refund_notice_sent_at", "refund_notice", lambda order: order.email)
