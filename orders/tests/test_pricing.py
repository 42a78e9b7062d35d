"""What the buyer pays at checkout: pay what you want, discount codes, and
a code's use taken with the order and given back when the order ends unpaid.

The product pages' "$5+" is tested with the products; the creator's codes
page with the dashboard.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.factories import OrderFactory
from orders.models import DiscountCode, Order
from products.factories import ProductFactory

from .conftest import STRIPE_API_BASE

pytestmark = pytest.mark.django_db

Status = Order.Status
SESSIONS_URL = f"{STRIPE_API_BASE}/v1/checkout/sessions"


@pytest.fixture
def product(user):
    """A $5 product with a file, in the store of the `user` fixture."""
    return ProductFactory(store=user.store, name="Field Guide", price_cents=500)


@pytest.fixture
def pwyw(user):
    """A pay-what-you-want product with a $5 minimum."""
    return ProductFactory(store=user.store, price_cents=500, pay_what_you_want=True)


def make_code(store, code="SUMMER", products=(), **fields):
    """A code of `store`: 20% off unless `fields` say otherwise."""
    if "amount_off_cents" not in fields:
        fields.setdefault("percent_off", 20)
    discount_code = DiscountCode.objects.create(store=store, code=code, **fields)
    discount_code.products.set(products)
    return discount_code


def checkout_url(product, **query):
    url = reverse("orders:checkout", args=[product.pk])
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return url


def assert_see_other(response, url):
    assert response.status_code == 303
    assert response.url == url


def field_errors(response):
    """The checkout form's errors, by field, on a page shown again."""
    assert response.status_code == 200
    return response.context["form"].errors


def pay_button(response):
    """The text of the checkout's main button."""
    return re.search(
        r'<button type="submit" class="btn btn-primary[^"]*">([^<]*)</button>', response.text
    ).group(1)


def uses(code):
    return DiscountCode.objects.values_list("uses", flat=True).get(pk=code.pk)


# Pay what you want: the page


def test_pay_what_you_want_checkout_has_an_amount_field_prefilled_with_the_minimum(
    buyer_client, pwyw
):
    response = buyer_client.get(checkout_url(pwyw))

    assert response.status_code == 200
    assert re.search(r'<input [^>]*name="amount"[^>]*value="5.00"', response.text)
    assert "$5.00 or more" in response.text
    assert "$5+" in response.text


def test_a_fixed_price_checkout_has_no_amount_field(buyer_client, product):
    response = buyer_client.get(checkout_url(product))

    assert 'name="amount"' not in response.text
    assert pay_button(response) == "Pay $5.00"


def test_a_zero_minimum_checkout_prefills_0_and_asks_for_a_fair_price(buyer_client, user):
    product = ProductFactory(store=user.store, price_cents=0, pay_what_you_want=True)

    response = buyer_client.get(checkout_url(product))

    assert re.search(r'<input [^>]*name="amount"[^>]*value="0.00"', response.text)
    assert "name a fair price" in response.text
    assert "$0+" in response.text


# Pay what you want: the order


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("4.99", "The minimum is $5.00."),
        ("0", "The minimum is $5.00."),
        ("10000.01", "At most $10,000.00."),
        ("1e309", "At most $10,000.00."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("-0.01", "Ensure this value is greater than or equal to 0."),
        ("5.001", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_an_amount_below_the_minimum_or_not_a_price_is_a_field_error_and_no_order(
    buyer_client, pwyw, amount, error
):
    response = buyer_client.post(checkout_url(pwyw), {"amount": amount})

    errors = field_errors(response)
    assert list(errors) == ["amount"]
    assert error in errors["amount"]
    assert f'value="{amount}"' in response.text
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("amount", "amount_cents"), [("5", 500), ("5.00", 500), ("12.34", 1234), ("10000", 1_000_000)]
)
def test_the_buyer_pays_the_amount_they_chose(buyer_client, pwyw, amount, amount_cents):
    response = buyer_client.post(checkout_url(pwyw), {"amount": amount})

    order = Order.objects.get()
    assert_see_other(response, reverse("orders:test_payment", args=[order.public_id]))
    assert order.amount_cents == amount_cents
    assert order.status == Status.PENDING
    assert order.provider == Order.Provider.TEST
    assert order.discount_code is None
    assert order.amount_before_discount_cents is None


def test_a_blank_amount_pays_the_minimum(buyer_client, pwyw):
    buyer_client.post(checkout_url(pwyw), {"amount": ""})

    assert Order.objects.get().amount_cents == 500


def test_paying_0_on_a_zero_minimum_takes_the_free_path(buyer_client, user):
    product = ProductFactory(store=user.store, price_cents=0, pay_what_you_want=True)

    response = buyer_client.post(checkout_url(product), {"amount": "0"})

    order = Order.objects.get()
    assert_see_other(response, order.get_absolute_url())
    assert (order.status, order.provider, order.amount_cents) == (
        Status.PAID,
        Order.Provider.FREE,
        0,
    )


def test_paying_more_on_a_zero_minimum_goes_to_payment(buyer_client, user):
    product = ProductFactory(store=user.store, price_cents=0, pay_what_you_want=True)

    buyer_client.post(checkout_url(product), {"amount": "3"})

    order = Order.objects.get()
    assert (order.status, order.provider, order.amount_cents) == (
        Status.PENDING,
        Order.Provider.TEST,
        300,
    )


def test_stripe_is_asked_for_the_amount_the_buyer_chose(
    buyer_client, pwyw, stripe_api, session_json
):
    stripe_api.post(SESSIONS_URL, json=session_json())

    buyer_client.post(checkout_url(pwyw), {"amount": "7.50"})

    [call] = stripe_api.calls
    assert parse_qs(call.request.body)["line_items[0][price_data][unit_amount]"] == ["750"]


# Discount codes: the page


def test_a_code_in_the_checkout_link_shows_the_discounted_price(buyer_client, product):
    make_code(product.store, percent_off=20)

    response = buyer_client.get(checkout_url(product, code="SUMMER"))

    assert response.status_code == 200
    assert re.search(r'<input [^>]*name="code"[^>]*value="SUMMER"', response.text)
    assert re.search(r"<s [^>]*>\$5.00</s>\s*\$4.00", response.text)
    assert "Code SUMMER: 20% off." in response.text
    assert pay_button(response) == "Pay $4.00"
    assert not Order.objects.exists()


def test_a_previewed_code_is_never_shown_to_the_next_buyer(
    buyer_client, product, client, other_user
):
    buyer_client.get(checkout_url(product))
    make_code(product.store, percent_off=20)
    assert "Code SUMMER" in buyer_client.get(checkout_url(product, code="SUMMER")).text

    other = type(client)()
    other.force_login(other_user)
    page = other.get(checkout_url(product))

    assert "SUMMER" not in page.text
    assert pay_button(page) == "Pay $5.00"


def test_a_price_change_shows_on_the_checkout_at_once(buyer_client, product):
    assert pay_button(buyer_client.get(checkout_url(product))) == "Pay $5.00"

    product.price_cents = 700
    product.save()

    assert pay_button(buyer_client.get(checkout_url(product))) == "Pay $7.00"


def test_the_checkout_pays_with_the_csrf_token_of_its_cached_page(product, buyer, other_user):
    first = Client()
    first.force_login(other_user)
    first.get(checkout_url(product))  # fills the cache
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    page = browser.get(checkout_url(product)).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)" form="checkout-form"', page)

    response = browser.post(checkout_url(product), {"csrfmiddlewaretoken": token[1]})

    assert response.status_code == 303
    assert Order.objects.filter(buyer=buyer).exists()


def test_a_lower_case_code_in_the_link_is_shown_as_the_code(buyer_client, product):
    make_code(product.store, amount_off_cents=150)

    response = buyer_client.get(checkout_url(product, code="summer"))

    assert re.search(r'<input [^>]*name="code"[^>]*value="SUMMER"', response.text)
    assert "Code SUMMER: $1.50 off." in response.text
    assert pay_button(response) == "Pay $3.50"


def test_an_unknown_code_in_the_link_shows_its_error_and_the_full_price(buyer_client, product):
    response = buyer_client.get(checkout_url(product, code="NOPE"))

    assert field_errors(response) == {"code": ["This store has no such code."]}
    assert pay_button(response) == "Pay $5.00"


def test_apply_previews_the_discount_without_making_an_order(buyer_client, product):
    code = make_code(product.store, percent_off=20)

    response = buyer_client.post(checkout_url(product), {"code": "summer", "apply": "1"})

    assert response.status_code == 200
    assert not response.context["form"].errors
    assert "Code SUMMER: 20% off." in response.text
    assert pay_button(response) == "Pay $4.00"
    assert not Order.objects.exists()
    assert uses(code) == 0


def test_apply_with_a_bad_code_shows_the_error_without_making_an_order(buyer_client, product):
    response = buyer_client.post(checkout_url(product), {"code": "NOPE", "apply": "1"})

    assert field_errors(response) == {"code": ["This store has no such code."]}
    assert not Order.objects.exists()


def test_apply_on_pay_what_you_want_lowers_the_prefilled_minimum(buyer_client, pwyw):
    make_code(pwyw.store, percent_off=20)

    response = buyer_client.post(
        checkout_url(pwyw), {"amount": "5.00", "code": "SUMMER", "apply": "1"}
    )

    assert re.search(r'<input [^>]*name="amount"[^>]*value="4.00"', response.text)
    assert re.search(r"<s [^>]*>\$5\+</s>\s*\$4.00\+", response.text)
    assert not Order.objects.exists()


def test_apply_on_pay_what_you_want_keeps_a_higher_chosen_amount(buyer_client, pwyw):
    make_code(pwyw.store, percent_off=20)

    response = buyer_client.post(
        checkout_url(pwyw), {"amount": "8.00", "code": "SUMMER", "apply": "1"}
    )

    assert re.search(r'<input [^>]*name="amount"[^>]*value="8.00"', response.text)


# Discount codes: codes that do not apply


@pytest.fixture
def store_codes(product, other_user):
    """One code of each kind that cannot be used on `product`."""
    store = product.store
    now = timezone.now()
    make_code(store, "OFF", is_active=False)
    make_code(store, "OLD", expires_at=now - timedelta(seconds=1))
    make_code(store, "GONE", max_uses=2, uses=2)
    make_code(other_user.store, "ELSEWHERE")
    make_code(store, "OTHERS", products=[ProductFactory(store=store)])


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("NOPE", "This store has no such code."),
        ("OFF", "This code is no longer active."),
        ("OLD", "This code has expired."),
        ("GONE", "This code has been used up."),
        ("ELSEWHERE", "This store has no such code."),
        ("OTHERS", "This code is not for this product."),
        ("SUM MER", "This store has no such code."),
        ("🎉🎉🎉", "This store has no such code."),
        ("\x00\x00\x00", "Null characters are not allowed."),
        ("S" * 10_000, "Ensure this value has at most 32 characters (it has 10000)."),
    ],
    ids=[
        "unknown",
        "inactive",
        "expired",
        "used-up",
        "other-store",
        "other-products",
        "spaces",
        "emoji",
        "null",
        "10000-characters",
    ],
)
def test_a_code_that_does_not_apply_is_a_field_error_and_no_order(
    buyer_client, product, store_codes, code, error
):
    response = buyer_client.post(checkout_url(product), {"code": code})

    assert field_errors(response) == {"code": [error]}
    assert not Order.objects.exists()
    assert sum(DiscountCode.objects.values_list("uses", flat=True)) == 2


def test_an_expired_code_in_the_link_says_so(buyer_client, product):
    make_code(product.store, expires_at=timezone.now() - timedelta(minutes=1))

    response = buyer_client.get(checkout_url(product, code="SUMMER"))

    assert field_errors(response) == {"code": ["This code has expired."]}


def test_a_code_for_some_products_works_on_those(buyer_client, product):
    code = make_code(product.store, products=[product, ProductFactory(store=product.store)])

    buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    assert Order.objects.get().discount_code == code


# Discount codes: the order


@pytest.mark.parametrize(
    ("discount", "amount_cents"),
    [
        ({"percent_off": 20}, 400),
        ({"percent_off": 15}, 425),
        ({"amount_off_cents": 150}, 350),
        ({"amount_off_cents": 450}, 50),
    ],
    ids=["20%", "15%", "$1.50", "$4.50"],
)
def test_a_valid_code_lowers_the_order_and_takes_a_use(
    buyer_client, product, discount, amount_cents
):
    code = make_code(product.store, max_uses=5, **discount)

    response = buyer_client.post(checkout_url(product), {"code": "summer"})

    order = Order.objects.get()
    assert_see_other(response, reverse("orders:test_payment", args=[order.public_id]))
    assert order.status == Status.PENDING
    assert order.amount_cents == amount_cents
    assert order.discount_code == code
    assert order.amount_before_discount_cents == 500
    assert uses(code) == 1


def test_the_order_page_shows_the_code_and_the_price_before_it(buyer_client, product):
    make_code(product.store)
    buyer_client.post(checkout_url(product), {"code": "summer"})

    response = buyer_client.get(Order.objects.get().get_absolute_url())

    assert '$4.00 <span class="text-body-secondary">with code SUMMER, from $5.00</span>' in (
        response.text
    )


def test_a_percentage_is_rounded_to_the_nearest_cent(buyer_client, user):
    product = ProductFactory(store=user.store, price_cents=999)
    make_code(product.store, percent_off=15)

    buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    # 15% of $9.99 is $1.4985: $1.50 off.
    assert Order.objects.get().amount_cents == 849


def test_stripe_is_asked_for_the_discounted_amount(buyer_client, product, stripe_api, session_json):
    make_code(product.store, percent_off=20)
    stripe_api.post(SESSIONS_URL, json=session_json())

    buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    [call] = stripe_api.calls
    assert parse_qs(call.request.body)["line_items[0][price_data][unit_amount]"] == ["400"]


@pytest.mark.parametrize(
    "discount",
    [{"percent_off": 100}, {"amount_off_cents": 500}, {"amount_off_cents": 10_000}],
    ids=["100%", "amount-equal-to-price", "amount-over-price"],
)
def test_a_code_that_makes_it_free_takes_the_free_path(buyer_client, product, discount, stripe_api):
    # The site sells through Stripe; Stripe is never asked.
    code = make_code(product.store, **discount)

    response = buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    order = Order.objects.get()
    assert_see_other(response, order.get_absolute_url())
    assert (order.status, order.provider, order.amount_cents) == (
        Status.PAID,
        Order.Provider.FREE,
        0,
    )
    assert (order.discount_code, order.amount_before_discount_cents) == (code, 500)
    assert uses(code) == 1
    assert len(stripe_api.calls) == 0


def test_the_preview_of_a_code_that_makes_it_free_says_get_it_free(buyer_client, product):
    make_code(product.store, percent_off=100)

    response = buyer_client.get(checkout_url(product, code="SUMMER"))

    assert pay_button(response) == "Get it free"


def test_a_code_used_up_by_the_order_stops_the_next_buyer(buyer_client, product, other_user):
    code = make_code(product.store, max_uses=1)
    buyer_client.post(checkout_url(product), {"code": "SUMMER"})
    buyer_client.force_login(other_user)

    response = buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    assert field_errors(response) == {"code": ["This code has been used up."]}
    assert Order.objects.count() == 1
    assert uses(code) == 1


def test_a_buyer_who_loses_the_last_use_meanwhile_gets_an_error_and_no_order(
    buyer_client, product, monkeypatch
):
    # The form saw a use left; another buyer's order took it before this one's.
    code = make_code(product.store, max_uses=1, uses=1)
    monkeypatch.setattr(DiscountCode, "is_used_up", property(lambda self: False))

    response = buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    assert field_errors(response) == {"code": ["This code has just been used up."]}
    assert not Order.objects.exists()
    assert uses(code) == 1


# Discount codes with pay what you want: the discount lowers the minimum


@pytest.mark.parametrize(
    ("amount", "amount_cents"), [("", 400), ("4.00", 400), ("4.50", 450), ("9", 900)]
)
def test_with_pay_what_you_want_the_buyer_pays_at_least_the_discounted_minimum(
    buyer_client, pwyw, amount, amount_cents
):
    code = make_code(pwyw.store, percent_off=20)

    buyer_client.post(checkout_url(pwyw), {"amount": amount, "code": "SUMMER"})

    order = Order.objects.get()
    assert order.amount_cents == amount_cents
    assert (order.discount_code, order.amount_before_discount_cents) == (code, 500)
    assert uses(code) == 1


def test_with_pay_what_you_want_less_than_the_discounted_minimum_is_an_error(buyer_client, pwyw):
    code = make_code(pwyw.store, percent_off=20)

    response = buyer_client.post(checkout_url(pwyw), {"amount": "3.99", "code": "SUMMER"})

    assert field_errors(response) == {"amount": ["The minimum is $4.00."]}
    assert not Order.objects.exists()
    assert uses(code) == 0


def test_with_pay_what_you_want_a_full_discount_and_0_takes_the_free_path(buyer_client, pwyw):
    make_code(pwyw.store, percent_off=100)

    buyer_client.post(checkout_url(pwyw), {"amount": "0", "code": "SUMMER"})

    order = Order.objects.get()
    assert (order.status, order.provider, order.amount_cents) == (
        Status.PAID,
        Order.Provider.FREE,
        0,
    )


# A code's use goes back when its order ends unpaid


@pytest.fixture
def code(product):
    return make_code(product.store, max_uses=3)


@pytest.fixture
def order_with_code(buyer_client, product, code):
    """A pending test-provider order that took a use of `code` at checkout."""
    buyer_client.post(checkout_url(product), {"code": "SUMMER"})
    assert uses(code) == 1
    return Order.objects.get()


@pytest.mark.parametrize(
    ("outcome", "status"), [("decline", Status.FAILED), ("cancel", Status.CANCELED)]
)
def test_a_declined_or_canceled_payment_gives_the_use_back(
    buyer_client, order_with_code, code, outcome, status
):
    buyer_client.post(
        reverse("orders:test_payment", args=[order_with_code.public_id]), {"outcome": outcome}
    )

    order_with_code.refresh_from_db()
    assert order_with_code.status == status
    assert uses(code) == 0


def test_a_paid_order_keeps_its_use(buyer_client, order_with_code, code):
    buyer_client.post(
        reverse("orders:test_payment", args=[order_with_code.public_id]), {"outcome": "pay"}
    )

    assert uses(code) == 1


def test_an_expired_stripe_session_gives_the_use_back(
    buyer_client, product, code, stripe_api, session_json, post_webhook, event_json
):
    stripe_api.post(SESSIONS_URL, json=session_json(id="cs_test_code"))
    buyer_client.post(checkout_url(product), {"code": "SUMMER"})
    assert uses(code) == 1

    response = post_webhook(
        event_json("checkout.session.expired", session_json(id="cs_test_code", status="expired"))
    )

    assert response.status_code == 200
    assert Order.objects.get().status == Status.EXPIRED
    assert uses(code) == 0


def test_a_payment_stripe_cannot_start_gives_the_use_back(buyer_client, product, code, stripe_api):
    stripe_api.post(SESSIONS_URL, status=500, json={"error": {"message": "Oops."}})

    response = buyer_client.post(checkout_url(product), {"code": "SUMMER"})

    assert_see_other(response, checkout_url(product))
    assert Order.objects.get().status == Status.FAILED
    assert uses(code) == 0


def test_an_order_that_ends_twice_gives_one_use_back(buyer, product, code):
    code.take_use()
    code.take_use()
    order = OrderFactory(buyer=buyer, product=product, discount_code=code)

    assert order.mark_failed() is True
    assert order.mark_expired() is False
    assert order.mark_canceled() is False

    assert uses(code) == 1


@pytest.mark.parametrize("ending", ["mark_failed", "mark_canceled", "mark_expired"])
def test_a_payment_after_the_order_ended_takes_the_use_again_even_past_max_uses(
    buyer, other_user, product, ending
):
    # The last use went back when the order ended, and another buyer took it.
    code = make_code(product.store, max_uses=1)
    code.take_use()
    order = OrderFactory(buyer=buyer, product=product, discount_code=code)
    getattr(order, ending)()
    assert code.take_use() is True

    assert order.mark_paid() is True

    assert order.status == Status.PAID
    assert uses(code) == 2


def test_a_payment_of_a_pending_order_takes_no_second_use(buyer, product, code):
    code.take_use()
    order = OrderFactory(buyer=buyer, product=product, discount_code=code)

    order.mark_paid()

    assert uses(code) == 1


def test_take_use_refuses_an_inactive_expired_or_used_up_code(product):
    now = timezone.now()
    refused = [
        make_code(product.store, "OFF", is_active=False),
        make_code(product.store, "OLD", expires_at=now - timedelta(seconds=1)),
        make_code(product.store, "GONE", max_uses=1, uses=1),
    ]
    fine = make_code(product.store, "FINE", expires_at=now + timedelta(days=1), max_uses=2, uses=1)

    assert [code.take_use() for code in refused] == [False, False, False]
    assert fine.take_use() is True
    assert fine.take_use() is False
    assert [uses(code) for code in [*refused, fine]] == [0, 0, 1, 2]


# The least a card payment can be ($0.50, Stripe's minimum)


@pytest.mark.parametrize(
    ("minimum_cents", "amount", "message"),
    [
        (0, "0.25", "Card payments start at $0.50: pay that or more (or 0)."),
        (0, "0.49", "Card payments start at $0.50: pay that or more (or 0)."),
    ],
)
def test_a_chosen_amount_under_the_least_card_payment_is_a_field_error_and_no_order(
    buyer_client, user, minimum_cents, amount, message
):
    product = ProductFactory(store=user.store, price_cents=minimum_cents, pay_what_you_want=True)

    response = buyer_client.post(checkout_url(product), {"amount": amount})

    assert field_errors(response) == {"amount": [message]}
    assert not Order.objects.exists()


def test_a_discounted_minimum_under_the_least_card_payment_asks_for_more(buyer_client, user):
    product = ProductFactory(store=user.store, price_cents=60, pay_what_you_want=True)
    make_code(product.store, percent_off=50)

    response = buyer_client.post(checkout_url(product), {"code": "summer"})

    assert field_errors(response) == {"amount": ["Card payments start at $0.50: pay that or more."]}
    assert not Order.objects.exists()


def test_a_code_that_leaves_less_than_the_least_card_payment_is_a_field_error(
    buyer_client, product
):
    code = make_code(product.store, amount_off_cents=460)

    response = buyer_client.post(checkout_url(product), {"code": "summer"})

    assert field_errors(response) == {
        "code": ["With this code the price would be $0.40, under the $0.50 a card payment needs."]
    }
    assert not Order.objects.exists()
    assert uses(code) == 0


def test_a_second_checkout_cancels_the_first_and_gives_its_code_use_back(buyer_client, product):
    code = make_code(product.store, max_uses=1)
    buyer_client.post(checkout_url(product), {"code": "summer"})
    first = Order.objects.get()

    response = buyer_client.post(checkout_url(product), {"code": "summer"})

    second = Order.objects.exclude(pk=first.pk).get()
    assert_see_other(response, reverse("orders:test_payment", args=[second.public_id]))
    first.refresh_from_db()
    assert first.status == Status.CANCELED
    assert second.status == Status.PENDING
    assert uses(code) == 1
