"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live_server."""

import os
import pathlib
import re

import pytest

CHROMIUM = os.environ.get("CARNET_CHROMIUM", "/usr/bin/chromium")
SHOTS = pathlib.Path(__file__).resolve().parents[4] / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run on the SQLite pass only (CARNET_BROWSER_TESTS=0 skips them, e.g. on PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    off = os.environ.get("CARNET_BROWSER_TESTS") == "0" or url.startswith("postgres")
    for item in items:
        if "browser" in item.keywords and off:
            item.add_marker(pytest.mark.skip(reason="browser tests run on the SQLite pass only"))


@pytest.fixture(autouse=True)
def _default_matrix(transactional_db):
    """Transactional tests flush the tables, including the profession matrix the migrations loaded."""
    from carnet.access.matrix import DEFAULT_MATRIX
    from carnet.access.models import ProfessionRule

    ProfessionRule.objects.bulk_create(
        [
            ProfessionRule(profession=p, type_code=code)
            for p, codes in DEFAULT_MATRIX.items()
            for code in codes
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def browser(transactional_db, monkeypatch):
    """One browser per test, started after the database is ready and stopped before it is flushed.
    The test calls the ORM while Playwright's sync API runs its event loop: DJANGO_ALLOW_ASYNC_UNSAFE
    is set for this test only (monkeypatch), so no other test or subprocess inherits it."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width=1280, height=900, scale=1):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


MISSING_DESCRIBEDBY = """[...document.querySelectorAll('[aria-describedby]')].flatMap(
  el => el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id)))"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def check(request):
    """Run axe-core on the page (zero serious or critical violations), check that every id named by an
    aria-describedby exists, and save a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        missing = page.evaluate(MISSING_DESCRIBEDBY)
        assert not missing, f"{name}: aria-describedby names ids that do not exist: {missing}"
        violations = axe.run(page).response["violations"]
        bad = [
            (v["id"], v["impact"], [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]])
            for v in violations
            if v["impact"] in {"serious", "critical"}
        ]
        assert not bad, f"{name}: {bad}"

    return run


def latest_code(email: str) -> str:
    from carnet.notify.models import OutboxMessage

    message = OutboxMessage.objects.filter(recipient=email).order_by("-created_at", "-pk").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_in(page, user, password="correct horse battery staple"):
    page.goto("/connexion/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", password)
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(re.compile("/connexion/code/"))
    page.fill("#id_code", latest_code(user.email))
    with page.expect_navigation():
        page.click("form:has(#id_code) button[type=submit]")
    return page
