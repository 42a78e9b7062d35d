"""Browser fixtures: Debian's Chromium driven by Playwright against `live_server`.

Plain `playwright` rather than pytest-playwright, whose fixtures expect a
browser that `playwright install` downloaded; this machine has no such
download, only /usr/bin/chromium from Debian's `chromium` package.

Static files and uploaded pictures need nothing here: the live server serves
STATIC_URL (staticfiles' handler) and MEDIA_URL from settings.MEDIA_ROOT
(Django's LiveServerThread wraps the site in a media handler) ahead of the
urlconf, whatever DEBUG is; the root conftest points MEDIA_ROOT at tmp_path.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    f"Chromium not found at {CHROMIUM}: "
    "install it with `apt-get install chromium` to run the browser tests"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
HERE = Path(__file__).parent
ARTIFACTS = "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Without Chromium, skip the browser tests before any fixture starts."""
    if CHROMIUM.exists():
        return
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item):
    """Keep each phase's report on the test, so `page` knows if the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.skipped and isinstance(report.longrepr, tuple):
        # A skip is reported at the test's own line, which gives one `-ra`
        # summary line per test; one place for them all folds them into one.
        _path, _line, reason = report.longrepr
        if reason.endswith(CHROMIUM_MISSING):
            report.longrepr = (str(HERE / "conftest.py"), None, reason)
    return report


@pytest.fixture(scope="session")
def browser():
    with pytest.MonkeyPatch.context() as env:
        # The sync API keeps an asyncio loop marked as running in this thread
        # for as long as Playwright runs, and Django then refuses ORM calls
        # from it (factories, the database flush between tests) as
        # async-unsafe. They are not async: nothing else runs on that loop.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


# Runs in every document before its own scripts: each Content-Security-Policy
# violation (a blocked inline style or script, a form posting elsewhere...)
# is handed to Python at once, so one on a page the test clicked through is
# not lost with that page.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    page: event.documentURI,
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : "",
    sample: event.sample,
    disposition: event.disposition,
  });
});
"""


class PageProblems:
    """What a visitor would see go wrong: JavaScript errors, failed requests
    and anything the Content-Security-Policy blocked.

    `page` checks that there were none when the test ends; a test that means
    to open a missing page says so first with `allow(404, url)`.
    """

    def __init__(self):
        self.problems = []
        self.allowed = set()

    def allow(self, status, url):
        self.allowed.add((status, url))

    def watch(self, page):
        page.expose_function("reportCspViolation", self._on_csp_violation)
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message):
        # A header the browser could not read is no JavaScript error, but a
        # policy silently not applied.
        if message.type == "warning" and message.text.startswith("Error with Permissions-Policy"):
            self.problems.append(f"console warning: {message.text}")
        if message.type != "error":
            return
        # Chromium also logs each error response here; an allowed one is no problem.
        allowed_urls = {url for _status, url in self.allowed}
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") in allowed_urls
        ):
            return
        self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _on_csp_violation(self, violation):
        self.problems.append(
            "Content-Security-Policy violation ({disposition}): {directive} blocked "
            "{blocked!r} on {page} {source} {sample!r}".format(**violation)
        )

    def _on_request_failed(self, request):
        # ERR_ABORTED is the browser cancelling a load itself, e.g. a lazy
        # picture still loading when the test clicks on to the next page.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _on_response(self, response):
        if response.status >= 400 and (response.status, response.url) not in self.allowed:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def page(browser, live_server, page_problems, request):
    """A fresh desktop-sized tab (own cookies) whose relative URLs go to the live server.

    A failed test leaves a screenshot and the page's HTML in test-artifacts/.
    """
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page_problems.watch(page)
    yield page
    report = getattr(request.node, "rep_call", None)
    if (report is not None and report.failed) or page_problems.problems:
        folder = Path(request.config.rootpath, ARTIFACTS)
        folder.mkdir(exist_ok=True)
        stem = folder / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    context.close()
    if page_problems.problems:
        pytest.fail("The browser met problems:\n" + "\n".join(page_problems.problems), False)
