"""The creator's discount codes: the list, adding one, deactivating one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from orders.models import DiscountCode, Order
from products.factories import ProductFactory
from products.tests.pages import assert_redirects_to_login, messages_in

from .conftest import sale
from .pages import row

pytestmark = pytest.mark.django_db

CODES_URL = reverse("dashboard:codes")


def make_code(store, code="SUMMER", **fields):
    fields.setdefault("percent_off", None if "amount_off_cents" in fields else 20)
    return DiscountCode.objects.create(store=store, code=code, **fields)


def deactivate_url(code):
    return reverse("dashboard:code_deactivate", kwargs={"pk": code.pk})


def in_a_week():
    return (timezone.now() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


# The list


def test_codes_show_their_discount_uses_and_what_they_earned(logged_in_client, store, product):
    summer = make_code(store, "SUMMER", percent_off=20, max_uses=10, uses=2)
    summer.products.set([product, ProductFactory(store=store, name="Brush Set")])
    make_code(store, "FANS", amount_off_cents=250, uses=3)
    sale(product, cents=400, discount_code=summer)
    sale(product, cents=450, discount_code=summer)
    # Neither a refunded nor an unpaid order earned anything.
    sale(product, cents=400, discount_code=summer, status=Order.Status.REFUNDED)
    sale(product, cents=400, discount_code=summer, status=Order.Status.PENDING)
    sale(product, cents=500)

    response = logged_in_client.get(CODES_URL)

    assert response.status_code == 200
    html = response.text
    assert row(html, "SUMMER") == [
        "SUMMER",
        "20% off",
        "Brush Set, Cozy Icon Pack",
        "2 of 10",
        "Never",
        "$8.50",
        "Deactivate SUMMER",
    ]
    assert row(html, "FANS") == [
        "FANS",
        "$2.50 off",
        "All products",
        "3",
        "Never",
        "$0.00",
        "Deactivate FANS",
    ]


def test_codes_are_marked_when_they_no_longer_work(logged_in_client, store):
    make_code(store, "STOPPED", is_active=False)
    make_code(store, "GONE", expires_at=timezone.now() - datetime.timedelta(minutes=1))
    make_code(store, "ALLUSED", max_uses=5, uses=5)

    html = logged_in_client.get(CODES_URL).text

    assert row(html, "STOPPED Inactive")[-1] == ""
    assert row(html, "GONE Expired")[-1] == "Deactivate GONE"
    assert row(html, "ALLUSED Used up")[3] == "5 of 5"


def test_another_stores_codes_are_not_listed(logged_in_client, store, other_user):
    make_code(store, "MINE")
    make_code(other_user.store, "THEIRS")

    html = logged_in_client.get(CODES_URL).text

    assert "MINE" in html
    assert "THEIRS" not in html


@pytest.mark.parametrize("codes", [3, 30])
def test_codes_page_queries_do_not_grow_with_codes(
    logged_in_client, store, django_assert_max_num_queries, codes
):
    products = ProductFactory.create_batch(3, store=store)
    for index in range(codes):
        code = make_code(store, f"CODE-{index}")
        code.products.set(products)
        sale(products[0], discount_code=code)

    # The user's store is a query of its own, as on every creator's page.
    with django_assert_max_num_queries(7):
        html = logged_in_client.get(CODES_URL).text

    assert html.count("Deactivate<") == codes


# Adding a code


def test_creator_adds_a_code_stored_in_capitals(logged_in_client, store):
    response = logged_in_client.post(
        CODES_URL, {"code": " summer-25 ", "percent_off": "25"}, follow=True
    )

    assert response.redirect_chain == [(CODES_URL, 303)]
    assert messages_in(response) == ["Code SUMMER-25 added."]
    code = DiscountCode.objects.get()
    assert (code.store, code.code, code.percent_off, code.amount_off_cents) == (
        store,
        "SUMMER-25",
        25,
        None,
    )
    assert code.is_active
    assert row(response.text, "SUMMER-25")[1] == "25% off"


def test_creator_adds_a_code_for_some_products_with_an_amount_off_uses_and_expiry(
    logged_in_client, store, product
):
    other = ProductFactory(store=store)
    expires = in_a_week()

    response = logged_in_client.post(
        CODES_URL,
        {
            "code": "FANS5",
            "amount_off": "5.50",
            "max_uses": "10",
            "expires_at": expires,
            "products": [product.pk],
        },
    )

    assert response.status_code == 303
    code = DiscountCode.objects.get()
    assert code.amount_off_cents == 550
    assert code.percent_off is None
    assert code.max_uses == 10
    assert code.expires_at.strftime("%Y-%m-%dT%H:%M") == expires
    assert list(code.products.all()) == [product]
    assert other not in code.products.all()


def test_a_code_may_repeat_another_stores_code(logged_in_client, other_user):
    make_code(other_user.store, "SUMMER")

    response = logged_in_client.post(CODES_URL, {"code": "summer", "percent_off": "10"})

    assert response.status_code == 303
    assert DiscountCode.objects.filter(code="SUMMER").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "SUM MER"}, "code"),
        ({"code": "summer"}, "code"),
        ({"code": "🎉🎉🎉"}, "code"),
        ({"code": "A" * 10_000}, "code"),
        ({"code": "AB"}, "code"),
        ({"code": ""}, "code"),
        ({"code": "WAY_OFF"}, "code"),
        ({"percent_off": "0"}, "percent_off"),
        ({"percent_off": "101"}, "percent_off"),
        ({"percent_off": "-5"}, "percent_off"),
        ({"percent_off": "abc"}, "percent_off"),
        ({"percent_off": "", "amount_off": "-1"}, "amount_off"),
        ({"percent_off": "", "amount_off": "0"}, "amount_off"),
        ({"percent_off": "", "amount_off": "abc"}, "amount_off"),
        ({"percent_off": "", "amount_off": "1e309"}, "amount_off"),
        ({"percent_off": "", "amount_off": "NaN"}, "amount_off"),
        ({"percent_off": "", "amount_off": "Infinity"}, "amount_off"),
        ({"percent_off": "", "amount_off": "5.001"}, "amount_off"),
        ({"expires_at": "2001-01-01T10:00"}, "expires_at"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"max_uses": "0"}, "max_uses"),
        ({"max_uses": "-3"}, "max_uses"),
    ],
    ids=[
        "code-with-space",
        "code-existing-in-other-case",
        "code-emoji",
        "code-10000-chars",
        "code-2-chars",
        "code-blank",
        "code-underscore",
        "percent-0",
        "percent-101",
        "percent-negative",
        "percent-not-a-number",
        "amount-negative",
        "amount-0",
        "amount-not-a-number",
        "amount-overflow",
        "amount-nan",
        "amount-infinity",
        "amount-fraction-of-a-cent",
        "expiry-in-the-past",
        "expiry-not-a-date",
        "max-uses-0",
        "max-uses-negative",
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(logged_in_client, store, data, field):
    make_code(store, "SUMMER")
    post = {"code": "NEWCODE", "percent_off": "10", **data}

    response = logged_in_client.post(CODES_URL, post)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert "is-invalid" in response.text
    assert list(DiscountCode.objects.values_list("code", flat=True)) == ["SUMMER"]


@pytest.mark.parametrize(
    "data",
    [{"percent_off": "10", "amount_off": "5.00"}, {"percent_off": "", "amount_off": ""}],
    ids=["both", "neither"],
)
def test_a_code_takes_either_a_percent_or_an_amount_off(logged_in_client, data):
    response = logged_in_client.post(CODES_URL, {"code": "NEWCODE", **data})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Give either a percent off or an amount off."
    ]
    assert "Give either a percent off or an amount off." in response.text
    assert not DiscountCode.objects.exists()


def test_only_the_stores_own_products_on_sale_are_offered(
    logged_in_client, store, product, other_user
):
    theirs = ProductFactory(store=other_user.store, name="Their Product")
    archived = ProductFactory(store=store, name="Old Brushes")
    archived.archive()

    form = logged_in_client.get(CODES_URL).context["form"]

    assert list(form.fields["products"].queryset) == [product]
    for pk in [theirs.pk, archived.pk]:
        response = logged_in_client.post(
            CODES_URL, {"code": "NEWCODE", "percent_off": "10", "products": [pk]}
        )
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["products"]
    assert not DiscountCode.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client):
    assert_redirects_to_login(client.get(CODES_URL), CODES_URL)
    assert_redirects_to_login(client.post(CODES_URL, {"code": "X", "percent_off": "5"}), CODES_URL)
    assert not DiscountCode.objects.exists()


def test_user_without_a_store_cannot_add_codes(client):
    client.force_login(UserFactory())

    response = client.post(CODES_URL, {"code": "NEWCODE", "percent_off": "10"}, follow=True)

    assert response.redirect_chain == [(reverse("products:index"), 302)]
    assert messages_in(response) == ["Your account has no store, so it cannot sell products."]
    assert not DiscountCode.objects.exists()


# Deactivating a code


def test_creator_deactivates_a_code(logged_in_client, store):
    code = make_code(store, "SUMMER")

    response = logged_in_client.post(deactivate_url(code), follow=True)

    assert response.redirect_chain == [(CODES_URL, 303)]
    assert messages_in(response) == ["Code SUMMER is no longer active."]
    code.refresh_from_db()
    assert not code.is_active
    assert row(response.text, "SUMMER Inactive")[-1] == ""


def test_another_stores_code_cannot_be_deactivated(logged_in_client, other_user):
    theirs = make_code(other_user.store, "THEIRS")

    response = logged_in_client.post(deactivate_url(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_deactivate_answers_get_with_405(logged_in_client, store):
    code = make_code(store, "SUMMER")

    assert logged_in_client.get(deactivate_url(code)).status_code == 405
    code.refresh_from_db()
    assert code.is_active


def test_anonymous_visitor_cannot_deactivate_a_code(client, store):
    code = make_code(store, "SUMMER")
    url = deactivate_url(code)

    assert_redirects_to_login(client.post(url), url)
    code.refresh_from_db()
    assert code.is_active
