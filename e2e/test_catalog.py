"""The catalog in a real browser: sorting as soon as it is chosen (with
JavaScript, and with the Search button without it), the pager, and two cards
a row on a phone.

Screenshots go to test-artifacts/catalog/ for a person to look at; the tests
pass or fail on their own checks.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.pages import DESKTOP, PHONE, current_page, expect_fits_width, picture
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "catalog"


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def card_titles(page):
    return page.locator(".card-title").all_inner_texts()


@pytest.fixture
def candles(db):
    store = StoreFactory(name="Wick and Wax")
    for name, price_cents in [("Mid candle", 500), ("Cheap candle", 100), ("Dear candle", 900)]:
        ProductFactory(store=store, name=name, price_cents=price_cents)
    ProductFactory(store=store, name="Linen apron", price_cents=50)


def test_choosing_a_sort_order_applies_it_at_once(page, candles):
    page.goto(reverse("products:index"))
    page.get_by_role("searchbox", name="Search").fill("candle")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("3 results for “candle”")).to_be_visible()

    page.get_by_role("combobox", name="Sort").select_option(label="Price: high to low")

    expect(page).to_have_url(re.compile(r"[?&]sort=-price"))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["candle"], "sort": ["-price"]}
    assert card_titles(page) == ["Dear candle", "Mid candle", "Cheap candle"]
    expect(page.get_by_role("combobox", name="Sort")).to_have_value("-price")

    page.get_by_role("combobox", name="Sort").select_option(label="Price: low to high")

    expect(page).to_have_url(re.compile(r"[?&]sort=price"))
    assert card_titles(page) == ["Cheap candle", "Mid candle", "Dear candle"]


def test_without_javascript_the_search_button_applies_the_sort(browser, live_server, candles):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(reverse("products:index"))
        page.get_by_role("combobox", name="Sort").select_option(label="Price: high to low")
        # Nothing happens on its own without JavaScript...
        assert "sort=" not in page.url
        page.get_by_role("button", name="Search").click()
        # ...and the button sends the form as it always did.
        expect(page).to_have_url(re.compile(r"[?&]sort=-price"))
        assert card_titles(page) == ["Dear candle", "Mid candle", "Cheap candle", "Linen apron"]
    finally:
        context.close()


@pytest.mark.parametrize(("viewport", "columns"), [(PHONE, 2), (DESKTOP, 4)], ids=["375", "1280"])
def test_the_catalog_fills_its_rows_and_pages_on(page, db, viewport, columns):
    page.set_viewport_size(viewport)
    store = StoreFactory(name="The Very Long Named Sound Archive of Coastal Walks")
    for number in range(30):
        ProductFactory(
            store=store,
            name=f"Field recordings from a long walk, part {number + 1}",
            price_cents=number * 100,
            picture=picture(),
        )

    page.goto(reverse("products:index") + "?page=2")

    # The cards of the first row share one top edge, and the row is full.
    tops = page.locator(".card").evaluate_all(
        "(cards) => cards.map((card) => Math.round(card.getBoundingClientRect().top))"
    )
    assert tops[:columns] == [tops[0]] * columns
    assert tops[columns] > tops[0]
    expect(current_page(page)).to_have_text("Page 2")
    pager = page.get_by_role("navigation", name="Pages")
    for name in ["Previous", "Page 1", "Page 3", "Next"]:
        expect(pager.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect_fits_width(page)
    shoot(page, f"catalog-page-2-{viewport['width']}")

    page.get_by_role("searchbox", name="Search").fill("velvet")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No products match “velvet”.")).to_be_visible()
    shoot(page, f"catalog-no-results-{viewport['width']}")
    page.get_by_role("link", name="Clear search").click()
    expect(page.locator(".card")).to_have_count(12)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_a_long_pager_keeps_to_one_line(page, db, monkeypatch, viewport):
    monkeypatch.setattr("products.views.PRODUCTS_PER_PAGE", 1)
    # All 120 pages, past the catalog's cap: the widest pager it could show.
    monkeypatch.setattr("products.views.CATALOG_MAX_PAGES", 120)
    for number in range(120):
        ProductFactory(name=f"Preset pack {number + 1}")
    page.set_viewport_size(viewport)

    page.goto(reverse("products:index") + "?page=60")

    pager = page.get_by_role("navigation", name="Pages")
    expect(current_page(page)).to_have_text("Page 60")
    for name in ["Previous", "Page 1", "Page 59", "Page 61", "Page 120", "Next"]:
        expect(pager.get_by_role("link", name=name, exact=True)).to_be_visible()
    tops = pager.locator(".page-link").evaluate_all(
        "(links) => links.map((link) => Math.round(link.getBoundingClientRect().top))"
    )
    assert set(tops) == {tops[0]}, "the pager wraps"
    expect_fits_width(page)
    pager.screenshot(path=SHOTS / f"pager-{viewport['width']}.png")
