"""The Content-Security-Policy in a real browser: enforced, and any violation
fails the browser tests (the `page` fixture collects them)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.factories import DEFAULT_PASSWORD
from e2e.pages import log_in, picture
from products.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.e2e

INLINE_STYLE = "document.body.setAttribute('style', 'color: rgb(255, 0, 0)')"
INLINE_SCRIPT = """
const script = document.createElement("script");
script.textContent = "window.inlineScriptRan = true";
document.body.append(script);
"""


def reported_violations(page, page_problems, count):
    """The violations the page reported, once `count` of them have arrived."""
    for _ in range(100):
        violations = [p for p in page_problems.problems if "Content-Security-Policy" in p]
        if len(violations) >= count:
            return violations
        page.wait_for_timeout(20)
    return violations


def test_the_browser_blocks_inline_styles_and_scripts_and_the_tests_hear_of_it(page, page_problems):
    page.goto("/")
    color = page.evaluate("getComputedStyle(document.body).color")

    page.evaluate(INLINE_STYLE)
    page.evaluate(INLINE_SCRIPT)

    assert page.evaluate("getComputedStyle(document.body).color") == color
    assert page.evaluate("window.inlineScriptRan") is None
    violations = reported_violations(page, page_problems, 2)
    assert len(violations) == 2
    assert "(enforce): style-src-attr blocked 'inline'" in violations[0]
    assert "(enforce): script-src-elem blocked 'inline'" in violations[1]
    # They were the point of this test; any other problem still fails it.
    page_problems.problems = [
        problem
        for problem in page_problems.problems
        if problem not in violations and "Content Security Policy" not in problem
    ]


def test_staff_use_the_admin_under_the_policy(page, page_problems, live_server, django_user_model):
    """The admin's own scripts (date hierarchy, autocomplete, the change form)
    and the picture preview's stylesheet work with no inline code allowed."""
    # The admin's pages name no icon, so the browser asks for the default one.
    page_problems.allow(404, f"{live_server.url}/favicon.ico")
    staff = django_user_model.objects.create_superuser("staff@example.com", DEFAULT_PASSWORD)
    product = ProductFactory(name="Speckled mug", picture=picture(), store__name="Clay Corner")
    StoreFactory(name="Glaze Garden")
    log_in(page, staff.email)

    page.goto(reverse("admin:products_product_changelist"))
    page.locator("nav.toplinks").get_by_role("link").first.click()  # the date hierarchy
    expect(page.get_by_role("link", name="Speckled mug")).to_be_visible()

    page.get_by_role("link", name="Speckled mug").click()
    preview = page.locator("img.picture-preview")
    expect(preview).to_have_css("max-width", "240px")
    page.locator(".field-store .select2-selection").click()
    page.locator(".select2-search__field").fill("Glaze")
    page.locator(".select2-results__option", has_text="Glaze Garden").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    product.refresh_from_db()
    assert product.store.name == "Glaze Garden"

    page.goto(reverse("admin:orders_order_changelist"))
    expect(page.get_by_role("heading", name="Select order to view")).to_be_visible()
