import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from orders.factories import OrderFactory
from orders.models import DiscountCode, Order, StripeEvent
from orders.tests.conftest import STRIPE_API_BASE
from products.factories import ProductFactory, StoreFactory
from products.tests.pages import messages_in

pytestmark = pytest.mark.django_db

ORDER_CHANGELIST = reverse("admin:orders_order_changelist")
EVENT_CHANGELIST = reverse("admin:orders_stripeevent_changelist")
CODE_CHANGELIST = reverse("admin:orders_discountcode_changelist")
CODE_ADD = reverse("admin:orders_discountcode_add")
REFUND_ACTION = "refund_paid_orders"


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


def test_order_change_page_shows_the_discount_code_and_the_price_before_it(admin_client):
    store = StoreFactory()
    code = DiscountCode.objects.create(store=store, code="FRIENDS20", percent_off=20)
    order = OrderFactory(
        product__store=store,
        amount_cents=400,
        amount_before_discount_cents=123450,
        discount_code=code,
        paid=True,
    )

    response = admin_client.get(order_change_url(order))

    assert response.status_code == 200
    assert "FRIENDS20" in response.text
    assert "$1,234.50" in response.text
    assert "Refund notice sent at" in response.text
    assert 'name="discount_code"' not in response.text


# The refund action


def refund_in_admin(client, *orders):
    """Run the refund action on `orders` from the order changelist, as the
    admin's action form posts it, and follow to the page that reports it."""
    return client.post(
        ORDER_CHANGELIST,
        {"action": REFUND_ACTION, "_selected_action": [order.pk for order in orders]},
        follow=True,
    )


def refund_notices(mailoutbox, order):
    return [
        message
        for message in mailoutbox
        if message.to == [order.email] and "refund" in message.subject.lower()
    ]


def test_superuser_refunds_a_paid_order_and_the_buyer_is_emailed_once(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(paid=True, amount_cents=500)

    with django_capture_on_commit_callbacks(execute=True):
        response = refund_in_admin(admin_client, order)
    with django_capture_on_commit_callbacks(execute=True):
        again = refund_in_admin(admin_client, order)

    assert response.status_code == 200
    assert messages_in(response) == ["Refunded 1 order; the buyers get an email."]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_at is not None
    assert len(refund_notices(mailoutbox, order)) == 1
    # The second time finds it refunded already: it is skipped, and no second email.
    assert messages_in(again) == [f"Skipped 1 order that was not paid: {order}."]
    assert "(refunded)" in messages_in(again)[0]


def test_refund_action_skips_orders_that_are_not_paid_and_names_them(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    paid = OrderFactory(paid=True)
    pending = OrderFactory(product__name="Pending thing")
    failed = OrderFactory(product__name="Failed thing", status=Order.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = refund_in_admin(admin_client, paid, pending, failed)

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {
        paid.pk: Order.Status.REFUNDED,
        pending.pk: Order.Status.PENDING,
        failed.pk: Order.Status.FAILED,
    }
    refunded, skipped = messages_in(response)
    assert refunded == "Refunded 1 order; the buyers get an email."
    assert skipped.startswith("Skipped 2 orders that were not paid:")
    assert str(pending) in skipped
    assert str(failed) in skipped
    assert [message.to for message in mailoutbox] == [[paid.email]]


def test_refund_that_stripe_refuses_leaves_the_order_paid_and_says_why(
    admin_client, stripe_api, mailoutbox
):
    order = OrderFactory(
        paid=True, provider=Order.Provider.STRIPE, payment_intent_id="pi_test_disputed"
    )
    refunds = stripe_api.post(
        f"{STRIPE_API_BASE}/v1/refunds",
        status=400,
        json={
            "error": {
                "type": "invalid_request_error",
                "code": "charge_disputed",
                "message": "This charge has been disputed and cannot be refunded.",
            }
        },
    )

    response = refund_in_admin(admin_client, order)

    assert response.status_code == 200
    assert messages_in(response) == [
        f"The provider refused to refund {order}: "
        "This charge has been disputed and cannot be refunded."
    ]
    assert refunds.call_count == 1
    assert b"payment_intent=pi_test_disputed" in refunds.calls[0].request.body.encode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert mailoutbox == []


def test_a_refused_refund_does_not_stop_the_others(admin_client, stripe_api):
    refused = OrderFactory(paid=True, provider=Order.Provider.STRIPE, payment_intent_id="pi_x")
    test_order = OrderFactory(paid=True)
    stripe_api.post(
        f"{STRIPE_API_BASE}/v1/refunds",
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "No such payment_intent."}},
    )

    response = refund_in_admin(admin_client, refused, test_order)

    assert messages_in(response) == [
        "Refunded 1 order; the buyers get an email.",
        f"The provider refused to refund {refused}: No such payment_intent.",
    ]
    assert Order.objects.get(pk=refused.pk).status == Order.Status.PAID
    assert Order.objects.get(pk=test_order.pk).status == Order.Status.REFUNDED


def staff_client(client, *permissions):
    """A client logged in as staff holding only these orders permissions."""
    staff = UserFactory(email="staff@example.com", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label="orders", codename__in=permissions)
    )
    client.force_login(staff)
    return client


def offered_actions(response):
    """The actions the changelist offers (no action form at all when there are none)."""
    action_form = response.context["action_form"]
    if action_form is None:
        return []
    return [name for name, _label in action_form.fields["action"].choices]


def test_staff_who_may_only_view_orders_get_no_refund_action(client):
    client = staff_client(client, "view_order")
    order = OrderFactory(paid=True)

    changelist = client.get(ORDER_CHANGELIST)
    response = refund_in_admin(client, order)

    assert changelist.status_code == 200
    assert shown(changelist) == [order]
    assert REFUND_ACTION not in offered_actions(changelist)
    assert "Refund selected paid orders" not in changelist.text
    # Posting the action anyway does nothing.
    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_staff_with_the_change_order_permission_can_refund(client):
    client = staff_client(client, "change_order")
    order = OrderFactory(paid=True)

    changelist = client.get(ORDER_CHANGELIST)
    response = refund_in_admin(client, order)

    assert REFUND_ACTION in offered_actions(changelist)
    assert "Refund selected paid orders" in changelist.text
    assert messages_in(response) == ["Refunded 1 order; the buyers get an email."]
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    # The permission is for refunds: the order itself still cannot be edited.
    assert client.post(order_change_url(order), {"status": "paid"}).status_code == 403


# Discount codes


def code_change_url(code):
    return reverse("admin:orders_discountcode_change", args=[code.pk])


@pytest.fixture
def codes():
    """Two stores' codes: a percentage, an amount with a limit, an inactive one."""
    soup = StoreFactory(name="Soup Kitchen")
    clay = StoreFactory(name="Clay Corner")
    return {
        "friends": DiscountCode.objects.create(store=soup, code="FRIENDS20", percent_off=20),
        "launch": DiscountCode.objects.create(
            store=clay,
            code="LAUNCH",
            amount_off_cents=123450,
            max_uses=10,
            uses=3,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "old": DiscountCode.objects.create(
            store=soup, code="SPRING", percent_off=5, is_active=False
        ),
    }


def test_superuser_sees_codes_with_their_discount_in_dollars_and_their_uses(admin_client, codes):
    response = admin_client.get(CODE_CHANGELIST)

    assert response.status_code == 200
    assert set(shown(response)) == set(codes.values())
    assert '<td class="field-discount">20% off</td>' in response.text
    assert '<td class="field-discount">$1,234.50 off</td>' in response.text
    assert '<td class="field-uses_of_max">3 / 10</td>' in response.text
    assert '<td class="field-uses_of_max">0 / no limit</td>' in response.text
    assert "Soup Kitchen" in response.text


@pytest.mark.parametrize(
    ("term", "expected"),
    [("friends", ["friends"]), ("LAUNCH", ["launch"]), ("soup kitchen", ["friends", "old"])],
)
def test_code_changelist_searches_by_code_and_store_name(admin_client, codes, term, expected):
    response = admin_client.get(CODE_CHANGELIST, {"q": term})

    assert set(shown(response)) == {codes[name] for name in expected}


def test_code_changelist_filters_by_store_and_active(admin_client, codes):
    soup = codes["friends"].store

    by_store = admin_client.get(CODE_CHANGELIST, {"store__id__exact": soup.pk})
    active = admin_client.get(CODE_CHANGELIST, {"is_active__exact": "1"})
    inactive = admin_client.get(CODE_CHANGELIST, {"is_active__exact": "0"})

    assert set(shown(by_store)) == {codes["friends"], codes["old"]}
    assert set(shown(active)) == {codes["friends"], codes["launch"]}
    assert shown(inactive) == [codes["old"]]
    # The store filter offers only stores that have codes.
    store_without_codes = StoreFactory(name="Empty Shelf")
    assert store_without_codes.name not in admin_client.get(CODE_CHANGELIST).text


@pytest.mark.parametrize("count", [3, 30])
def test_code_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, count
):
    stores = StoreFactory.create_batch(3)
    for number in range(count):
        DiscountCode.objects.create(store=stores[number % 3], code=f"CODE-{number}", percent_off=10)

    with django_assert_max_num_queries(8):
        response = admin_client.get(CODE_CHANGELIST)

    assert len(shown(response)) == count


def code_data(store, /, **fields):
    """A valid POST for the code admin's add form; override a field to break it."""
    return {
        "store": store.pk,
        "code": "SUMMER-24",
        "percent_off": "15",
        "amount_off_cents": "",
        "max_uses": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "is_active": "on",
        **fields,
    }


def test_staff_add_a_code_typed_in_lower_case_and_it_is_stored_upper_case(admin_client):
    product = ProductFactory(store__name="Soup Kitchen")

    response = admin_client.post(
        CODE_ADD,
        code_data(product.store, code="  summer-24 ", products=[product.pk]),
    )

    assert response.status_code == 302
    code = DiscountCode.objects.get()
    assert (code.store, code.code, code.percent_off, code.uses) == (
        product.store,
        "SUMMER-24",
        15,
        0,
    )
    assert list(code.products.all()) == [product]


def test_staff_give_an_amount_off_in_dollars(admin_client):
    store = StoreFactory()

    response = admin_client.post(
        CODE_ADD, code_data(store, percent_off="", amount_off_cents="1,234.50".replace(",", ""))
    )

    assert response.status_code == 302
    code = DiscountCode.objects.get()
    assert (code.percent_off, code.amount_off_cents) == (None, 123450)
    change_page = admin_client.get(code_change_url(code))
    assert 'name="amount_off_cents" value="1234.50"' in change_page.text


def test_code_change_page_uses_autocomplete_for_store_and_products(admin_client, codes):
    response = admin_client.get(code_change_url(codes["friends"]))

    assert response.status_code == 200
    assert 'id="id_store" class="admin-autocomplete' in response.text
    assert 'id="id_products" class="admin-autocomplete' in response.text


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"percent_off": "20", "amount_off_cents": "5.00"},
            "__all__",
            "Give either a percent off or an amount off.",
        ),
        ({"code": "two words"}, "code", "Use 3 to 32 letters, digits or dashes."),
        ({"code": "café🍲"}, "code", "Use 3 to 32 letters, digits or dashes."),
        ({"code": "A" * 10_000}, "code", "at most 32 characters"),
        ({"code": ""}, "code", "This field is required."),
        ({"percent_off": "0"}, "percent_off", "greater than or equal to 1"),
        ({"percent_off": "101"}, "percent_off", "less than or equal to 100"),
        ({"percent_off": "-5"}, "percent_off", "greater than or equal to"),
        ({"percent_off": "abc"}, "percent_off", "Enter a whole number."),
        (
            {"percent_off": "", "amount_off_cents": "1e309"},
            "amount_off_cents",
            "At most $10,000.00.",
        ),
        ({"percent_off": "", "amount_off_cents": "NaN"}, "amount_off_cents", "Enter a number."),
        (
            {"percent_off": "", "amount_off_cents": "-0.01"},
            "amount_off_cents",
            "greater than or equal to 0.01",
        ),
        (
            {"percent_off": "", "amount_off_cents": "10000.01"},
            "amount_off_cents",
            "At most $10,000.00.",
        ),
        ({"max_uses": "0"}, "max_uses", "greater than or equal to 1"),
        ({"store": "999999"}, "store", "Select a valid choice."),
    ],
)
def test_code_admin_rejects_bad_input_with_a_form_error(admin_client, fields, field, message):
    store = StoreFactory()

    response = admin_client.post(CODE_ADD, code_data(store, **fields))

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)[field]), form_errors(response)
    assert not DiscountCode.objects.exists()


def test_code_admin_asks_for_a_percent_or_an_amount_when_given_neither(admin_client):
    store = StoreFactory()

    response = admin_client.post(CODE_ADD, code_data(store, percent_off="", amount_off_cents=""))

    assert response.status_code == 200
    assert form_errors(response)["__all__"] == ["Give either a percent off or an amount off."]
    assert not DiscountCode.objects.exists()


def test_code_admin_rejects_a_code_the_store_has_in_another_case(admin_client, codes):
    soup = codes["friends"].store

    response = admin_client.post(CODE_ADD, code_data(soup, code="Friends20"))

    assert response.status_code == 200
    assert form_errors(response)["code"] == ["Soup Kitchen already has this code."]
    assert DiscountCode.objects.filter(store=soup).count() == 2


def test_another_store_may_have_the_same_code(admin_client, codes):
    clay = codes["launch"].store

    response = admin_client.post(CODE_ADD, code_data(clay, code="friends20"))

    assert response.status_code == 302
    assert DiscountCode.objects.filter(code="FRIENDS20").count() == 2


def test_code_admin_rejects_another_stores_products(admin_client):
    store = StoreFactory(name="Soup Kitchen")
    stranger = ProductFactory(name="Clay mug")

    response = admin_client.post(CODE_ADD, code_data(store, products=[stranger.pk]))

    assert response.status_code == 200
    assert form_errors(response)["products"] == ["Not products of Soup Kitchen: Clay mug."]
    assert not DiscountCode.objects.exists()


def test_staff_edit_a_code_without_it_clashing_with_itself(admin_client, codes):
    code = codes["launch"]

    response = admin_client.post(
        code_change_url(code),
        code_data(
            code.store,
            code="launch",
            percent_off="",
            amount_off_cents="2.50",
            max_uses="20",
            is_active="",
        ),
    )

    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.code, code.amount_off_cents, code.max_uses, code.uses, code.is_active) == (
        "LAUNCH",
        250,
        20,
        3,
        False,
    )
