import pytest
from django.urls import reverse

from orders.factories import OrderFactory
from orders.models import Order, StripeEvent

pytestmark = pytest.mark.django_db

ORDER_CHANGELIST = reverse("admin:orders_order_changelist")
EVENT_CHANGELIST = reverse("admin:orders_stripeevent_changelist")


def shown(response):
    """The objects on an admin changelist page."""
    return list(response.context["cl"].result_list)


def order_change_url(order):
    return reverse("admin:orders_order_change", args=[order.pk])


def test_superuser_sees_orders_with_amounts_in_dollars(admin_client):
    order = OrderFactory(
        amount_cents=123450, product__name="Golden Font", buyer__email="buyer@example.com"
    )

    response = admin_client.get(ORDER_CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == [order]
    assert '<td class="field-amount">$1,234.50</td>' in response.text
    assert "Golden Font" in response.text
    assert "buyer@example.com" in response.text


@pytest.mark.parametrize(
    "term",
    ["buyer@example.com", "BUYER@example", "Golden", "golden font"],
)
def test_order_changelist_searches_by_email_and_product_name(admin_client, term):
    wanted = OrderFactory(product__name="Golden Font", buyer__email="buyer@example.com")
    OrderFactory(product__name="Paper Kit", buyer__email="someone@example.com")

    response = admin_client.get(ORDER_CHANGELIST, {"q": term})

    assert shown(response) == [wanted]


def test_order_changelist_finds_an_order_by_its_number(admin_client):
    wanted, other = OrderFactory.create_batch(2)

    response = admin_client.get(ORDER_CHANGELIST, {"q": str(wanted.public_id)})

    assert shown(response) == [wanted]
    assert other not in shown(response)


@pytest.mark.parametrize("term", ["not-a-uuid", "%", "'; --", "\u00e9t\u00e9"])
def test_order_changelist_search_with_a_term_that_is_no_uuid_is_no_error(admin_client, term):
    OrderFactory(product__name="Golden Font")

    response = admin_client.get(ORDER_CHANGELIST, {"q": term})

    assert response.status_code == 200
    assert shown(response) == []


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("status__exact", Order.Status.REFUNDED), ("provider__exact", Order.Provider.STRIPE)],
)
def test_order_changelist_filters_by_status_and_provider(admin_client, parameter, value):
    wanted = OrderFactory(status=Order.Status.REFUNDED, provider=Order.Provider.STRIPE)
    OrderFactory(paid=True, provider=Order.Provider.TEST)
    OrderFactory(provider=Order.Provider.FREE)

    response = admin_client.get(ORDER_CHANGELIST, {parameter: value})

    assert response.status_code == 200
    assert shown(response) == [wanted]


def test_order_change_page_is_read_only(admin_client):
    order = OrderFactory(amount_cents=500)

    response = admin_client.get(order_change_url(order))

    assert response.status_code == 200
    assert "$5.00" in response.text
    assert 'name="_save"' not in response.text
    assert 'name="status"' not in response.text
    assert reverse("admin:orders_order_delete", args=[order.pk]) not in response.text


def test_a_post_to_the_order_change_page_changes_nothing(admin_client):
    order = OrderFactory(amount_cents=500)

    response = admin_client.post(
        order_change_url(order),
        {"status": Order.Status.PAID, "amount_cents": "1", "email": "thief@example.com"},
    )

    assert response.status_code == 403
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.amount_cents, stored.email) == (
        Order.Status.PENDING,
        500,
        order.email,
    )


def test_orders_cannot_be_added_or_deleted_in_the_admin(admin_client):
    order = OrderFactory()

    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Order.objects.filter(pk=order.pk).exists()


def test_stripe_events_are_read_only_in_the_admin(admin_client):
    event = StripeEvent.objects.create(event_id="evt_123", type="checkout.session.completed")
    change_url = reverse("admin:orders_stripeevent_change", args=[event.pk])

    changelist = admin_client.get(EVENT_CHANGELIST, {"q": "evt_123"})
    change_page = admin_client.get(change_url)

    assert shown(changelist) == [event]
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.text
    assert admin_client.post(change_url, {"event_id": "evt_999"}).status_code == 403
    assert admin_client.get(reverse("admin:orders_stripeevent_add")).status_code == 403
    assert StripeEvent.objects.get().event_id == "evt_123"
