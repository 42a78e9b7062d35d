"""Names as people see them, and descriptions of a sane length."""

import pytest

from accounts.factories import DEFAULT_PASSWORD
from accounts.forms import SignupForm
from products.factories import StoreFactory
from products.forms import DESCRIPTION_MAX_LENGTH, ProductForm, StoreForm, visible_text

pytestmark = pytest.mark.django_db

UNREADABLE = "Enter a name with letters or digits."


def product_name_form(name, description="Forty icons."):
    return ProductForm({"name": name, "description": description, "price": "5"})


def store_name_form(name):
    return StoreForm({"name": name}, instance=StoreFactory())


def signup_form(store_name):
    return SignupForm(
        {
            "email": "new@example.com",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "store_name": store_name,
        }
    )


NAME_FORMS = [
    pytest.param(product_name_form, "name", id="product"),
    pytest.param(store_name_form, "name", id="store"),
    pytest.param(signup_form, "store_name", id="signup"),
]


@pytest.mark.parametrize(("form", "field"), NAME_FORMS)
@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Pixel\x07\x1b[31m Kitchen", "Pixel[31m Kitchen"),  # bell, escape
        ("Pixel\tKitchen\n", "Pixel Kitchen"),  # whitespace controls become spaces
        ("\u202enehctiK lexiP", "nehctiK lexiP"),  # right-to-left override
        ("Pixel\u2066 Kitchen\u2069", "Pixel Kitchen"),  # bidi isolates
        ("Pix\u200bel Kit\ufeffchen\u00ad", "Pixel Kitchen"),  # zero-width, BOM, soft hyphen
        ("\u200d\u200cPixel Kitchen\u200d", "Pixel Kitchen"),  # joiners at the ends
    ],
)
def test_control_and_format_characters_are_taken_out_of_names(form, field, typed, kept):
    bound = form(typed)

    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data[field] == kept


@pytest.mark.parametrize(("form", "field"), NAME_FORMS)
@pytest.mark.parametrize(
    "typed",
    [
        "\u200b\u200b\u200b\u200b\u200b",
        "\u202e\u202d\u202c\u2066\u2069",
        "\x01\x02\x03\x04",
        "….!?",
    ],
)
def test_a_name_with_nothing_to_read_is_rejected(form, field, typed):
    bound = form(typed)

    assert not bound.is_valid()
    assert bound.errors[field] == [UNREADABLE]


@pytest.mark.parametrize(("form", "field"), NAME_FORMS)
@pytest.mark.parametrize(
    "typed",
    ["Магазин", "東京ストア", "🍰🍰🍰🍰", "کتاب\u200cخانه", "👩\u200d💻 Code Shop", "Café Ünïcode"],
)
def test_names_in_any_script_keep_their_joiners(form, field, typed):
    bound = form(typed)

    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data[field] == typed


@pytest.mark.parametrize(("form", "field"), NAME_FORMS)
def test_a_nul_in_a_name_is_refused_as_in_every_other_field(form, field):
    bound = form("Pixel\x00 Kitchen")

    assert not bound.is_valid()
    assert bound.errors[field] == ["Null characters are not allowed."]


def test_the_minimum_length_counts_only_what_is_left():
    bound = product_name_form("ab\u200b\u200b\u200bc")

    assert not bound.is_valid()
    assert "at least 4 characters" in bound.errors["name"][0]


def test_a_joiner_between_two_others_is_taken_out():
    assert visible_text("a\u200d\u200db") == "ab"


def test_a_description_of_20000_characters_is_accepted():
    bound = product_name_form("Cozy Icon Pack", "x" * DESCRIPTION_MAX_LENGTH)

    assert bound.is_valid(), bound.errors


def test_a_longer_description_is_a_field_error():
    bound = product_name_form("Cozy Icon Pack", "x" * 2_400_000)

    assert not bound.is_valid()
    assert bound.errors["description"] == [
        "Ensure this value has at most 20000 characters (it has 2400000)."
    ]
