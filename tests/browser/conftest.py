"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's
``live_server``.

Chromium is ``$CHROMIUM_PATH`` if set, else ``chromium`` (or ``chromium-browser``) on PATH;
Playwright's own browser download is not used. Without Chromium the tests are skipped,
unless ``FABRIQUE_REQUIRE_BROWSER`` is set (CI does), where they fail instead.
``FABRIQUE_BROWSER_HEADED=1`` shows the window, to watch a test on a desktop.

A failing test leaves a screenshot and the page's HTML in ``test-results/``.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Headless, and quiet on the network: without the background-networking switches Chromium
# keeps calling home (updates, sync, safe browsing), which a closed network turns into noise.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000

_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    # Keep each phase's report on the item, so that the page fixture knows at teardown
    # whether the test failed.
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def find_chromium() -> str | None:
    if path := os.environ.get("CHROMIUM_PATH"):
        return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None or not os.access(path, os.X_OK):
        reason = (
            f"Chromium not found ({path or 'no chromium on PATH'}): install Debian's "
            "chromium package (apt-get install chromium) or set CHROMIUM_PATH."
        )
        if os.environ.get("FABRIQUE_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} FABRIQUE_REQUIRE_BROWSER is set.")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="package")
def browser(chromium_executable: str) -> Iterator:
    """One Chromium for the browser tests.

    Package scope rather than session scope, on purpose: while Playwright's sync API is
    running it marks an asyncio loop as running in the main thread, and Django then refuses
    ORM calls from that thread (SynchronousOnlyOperation). The browser therefore lives only
    while tests of this package run (pytest tears it down when the random order moves to
    another package), and Django's guard is lifted for exactly that time: the ORM calls
    of these tests are synchronous, the event loop is only Playwright's.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable,
                headless=not os.environ.get("FABRIQUE_BROWSER_HEADED"),
                args=CHROMIUM_ARGS,
            )
            yield chromium
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture
def context(browser, live_server) -> Iterator:
    """A fresh browser profile per test, French like most users, on the live server."""
    browser_context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
    )
    browser_context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield browser_context
    browser_context.close()


@pytest.fixture
def page(context, request: pytest.FixtureRequest) -> Iterator:
    for stale in _evidence_paths(request):  # of an earlier run of this test
        stale.unlink(missing_ok=True)
    browser_page = context.new_page()
    yield browser_page
    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        _save_evidence(browser_page, request)
    browser_page.close()


@pytest.fixture
def page_errors(page) -> list[str]:
    """JavaScript errors and console errors (CSP violations, missing assets) seen by ``page``.

    The browser's own request for /favicon.ico is left out: no page asks for it.
    """
    errors: list[str] = []

    def on_console(message) -> None:
        url = message.location.get("url") or ""
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"console error: {message.text} ({url})")

    page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
    page.on("console", on_console)
    return errors


def _evidence_paths(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")
    directory = request.config.rootpath / "test-results"
    return directory / f"{stem}.png", directory / f"{stem}.html"


def _save_evidence(browser_page, request: pytest.FixtureRequest) -> None:
    screenshot, html = _evidence_paths(request)
    screenshot.parent.mkdir(exist_ok=True)
    try:
        browser_page.screenshot(path=screenshot, full_page=True)
        html.write_text(browser_page.content(), encoding="utf-8")
    except Exception as error:  # the page may be the reason of the failure
        print(f"Could not save the page of {request.node.nodeid}: {error}")
    else:
        print(f"Screenshot and HTML of the page: {screenshot}, {html}")
