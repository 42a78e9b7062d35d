from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from orders.factories import OrderFactory
from orders.models import Order
from orders.tasks import send_receipt, send_refund_notice, send_sale_notice

pytestmark = pytest.mark.django_db

TASKS = [
    pytest.param(send_receipt, "receipt_sent_at", id="receipt"),
    pytest.param(send_sale_notice, "sale_notice_sent_at", id="sale_notice"),
    pytest.param(send_refund_notice, "refund_notice_sent_at", id="refund_notice"),
]


@pytest.fixture
def order():
    return OrderFactory(
        paid=True,
        buyer__email="buyer@example.com",
        product__name="Golden Font",
        product__price_cents=123450,
        product__store__name="Paper and Ink",
        product__store__owner__email="maker@example.com",
    )


def html_part(message):
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def test_receipt_goes_to_the_buyer_with_text_and_html(settings, order):
    settings.SITE_URL = "https://shop.example"

    send_receipt.enqueue(order.pk)

    [message] = mail.outbox
    assert message.to == ["buyer@example.com"]
    assert message.subject == "Your receipt for Golden Font"
    order_url = "https://shop.example" + order.get_absolute_url()
    for body in [message.body, html_part(message)]:
        assert order_url in body
        assert "Golden Font" in body
        assert "$1,234.50" in body
        assert "Paper and Ink" in body
    assert f'href="{order_url}"' in html_part(message)


def test_receipt_goes_to_the_email_on_the_order(order):
    order.buyer.email = "changed@example.com"
    order.buyer.save()

    send_receipt.enqueue(order.pk)

    assert mail.outbox[0].to == ["buyer@example.com"]


def test_sale_notice_goes_to_the_creator(order):
    send_sale_notice.enqueue(order.pk)

    [message] = mail.outbox
    assert message.to == ["maker@example.com"]
    assert message.subject == "New sale: Golden Font ($1,234.50)"
    for body in [message.body, html_part(message)]:
        assert "New sale on Paper and Ink" in body
        assert "buyer@example.com" in body
        assert "$1,234.50" in body


def test_refund_notice_goes_to_the_buyer_with_text_and_html(settings, order):
    settings.SITE_URL = "https://shop.example"
    order.mark_refunded()

    send_refund_notice.enqueue(order.pk)

    [message] = mail.outbox
    assert message.to == ["buyer@example.com"]
    assert message.subject == "Your refund for Golden Font ($1,234.50)"
    order_url = "https://shop.example" + order.get_absolute_url()
    for body in [message.body, html_part(message)]:
        assert "Paper and Ink refunded your order of Golden Font." in body
        assert "The download has ended." in body
        assert "$1,234.50" in body
        assert str(order.public_id) in body
        assert order_url in body
    assert f'href="{order_url}"' in html_part(message)


def test_refund_notice_goes_to_the_email_on_the_order(order):
    order.buyer.email = "changed@example.com"
    order.buyer.save()
    order.mark_refunded()

    send_refund_notice.enqueue(order.pk)

    assert [message.to for message in mail.outbox] == [["buyer@example.com"]]


@pytest.mark.parametrize(("task", "field"), TASKS)
def test_a_task_that_runs_twice_sends_one_email(order, task, field):
    assert task.call(order.pk) is True
    assert task.call(order.pk) is False

    assert len(mail.outbox) == 1
    assert getattr(Order.objects.get(pk=order.pk), field) is not None


@pytest.mark.parametrize(("task", "field"), TASKS)
def test_a_failed_send_gives_the_claim_back_so_a_retry_sends(monkeypatch, order, task, field):
    def refuse(self, messages):
        raise SMTPException("The mail server is down.")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(SMTPException):
            task.call(order.pk)
    assert getattr(Order.objects.get(pk=order.pk), field) is None

    assert task.call(order.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("task", "subject"),
    [
        pytest.param(send_receipt, "Your receipt for Tom & Jerry's <Guide>", id="receipt"),
        pytest.param(send_sale_notice, "New sale: Tom & Jerry's <Guide> ($5.00)", id="sale_notice"),
        pytest.param(
            send_refund_notice, "Your refund for Tom & Jerry's <Guide> ($5.00)", id="refund_notice"
        ),
    ],
)
def test_email_subjects_and_text_are_not_html_escaped(task, subject):
    order = OrderFactory(paid=True, product__name="Tom & Jerry's <Guide>")

    task.call(order.pk)

    [message] = mail.outbox
    assert message.subject == subject
    assert "Tom & Jerry's <Guide>" in message.body
    assert "Tom &amp; Jerry&#x27;s &lt;Guide&gt;" in html_part(message)
