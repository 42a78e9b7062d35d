"""The catalog's pictures in a real browser, on seed_demo's catalog: each card
loads a generated size at most twice as wide as it is shown (as a 2x screen
would), never the upload itself.

Each run also saves, under test-artifacts/pages/, the catalog's weight on a
first visit (empty cache, transferred bytes by kind, from the browser's
resource timings) for the README's Performance section, and a screenshot.
"""

import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from e2e.pages import DESKTOP, PHONE
from products.models import Product

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pages"

# The page and every file it loaded, by kind, as the browser timed them.
TRANSFERRED_BYTES = """() => {
  const kinds = {html: 0, css: 0, js: 0, images: 0, other: 0};
  const [navigation] = performance.getEntriesByType("navigation");
  kinds.html += navigation.transferSize;
  for (const entry of performance.getEntriesByType("resource")) {
    const path = new URL(entry.name).pathname;
    const kind = entry.initiatorType === "img" ? "images"
      : path.endsWith(".css") ? "css" : path.endsWith(".js") ? "js" : "other";
    kinds[kind] += entry.transferSize;
  }
  return kinds;
}"""


@pytest.fixture
def demo_catalog(db):
    """seed_demo's catalog: two pages of products with their demo covers."""
    call_command("seed_demo", "--force", "--stores", "4", "--products", "24", stdout=io.StringIO())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_catalog_cards_load_a_size_at_most_twice_as_wide_as_shown(page, demo_catalog, viewport):
    uploads = {urlsplit(product.picture.url).path for product in Product.objects.all()}
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.set_viewport_size(viewport)

    page.goto(reverse("products:index"))
    page.wait_for_load_state("networkidle")
    weight = page.evaluate(TRANSFERRED_BYTES)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    record = ARTIFACTS / f"catalog-weight-{viewport['width']}.json"
    record.write_text(json.dumps({**weight, "total": sum(weight.values())}, indent=2) + "\n")

    # The cards further down load as they come near: bring each into view.
    cards = page.locator(".product-card-img")
    expect(cards).to_have_count(12)
    for card in cards.all():
        card.scroll_into_view_if_needed()
        expect(card).to_have_js_property("complete", True)
    pictures = cards.evaluate_all(
        """(images) => images.map((image) => ({
          src: image.currentSrc, loaded: image.naturalWidth, shown: image.clientWidth,
        }))"""
    )
    page.screenshot(path=ARTIFACTS / f"catalog-demo-{viewport['width']}.png", full_page=True)
    for picture in pictures:
        assert 0 < picture["loaded"] <= 2 * picture["shown"], picture
    assert not uploads & set(requested), "a card loaded an upload itself"
