"""The pages in a real browser: Playwright driving Debian's Chromium, headless."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.api.test_api import db  # noqa: F401  (the fixture: two agencies, marked facts)
from tests.web.serving import ARGS, CHROMIUM, serving

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip("no Chromium (scripts/test.sh installs Debian's as root)", allow_module_level=True)


@pytest.fixture
def server(db: str) -> Iterator[str]:  # noqa: F811
    from cupula.app import create_app

    with serving(create_app(db)) as base:
        yield base


def log_in(page: object, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("#user", user)  # type: ignore[attr-defined]
    page.fill("#password", password)  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/search")  # type: ignore[attr-defined]


def search(page: object, text: str) -> None:
    page.fill("#q", text)  # type: ignore[attr-defined]
    page.fill("#purpose", "op-test")  # type: ignore[attr-defined]
    page.click("#go")  # type: ignore[attr-defined]


def test_an_analyst_searches_and_reads_and_another_agency_sees_less(server: str) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        colombia = browser.new_page()
        log_in(colombia, server, "ana", "ana-pass-1")
        search(colombia, "Restrepo Vargas")
        colombia.click("#hits a")
        assert colombia.inner_text("#caption") == "Jhon Jairo Restrepo Vargas"
        values = colombia.inner_text("#values")
        assert "El Químico" in values and "AT441122" in values and "REL TO ESP" in values
        colombia.click("#language")  # the interface in Spanish
        assert "Propiedad" in colombia.inner_text("#values")
        assert colombia.inner_text("#language") == "English"

        spain = browser.new_context().new_page()  # another browser profile: no shared cookies
        log_in(spain, server, "pepe", "pepe-pass-1")
        search(spain, "Restrepo Vargas")
        spain.click("#hits a")
        assert spain.inner_text("#caption") == "Jhon Jairo Restrepo Vargas"
        html = spain.content()
        assert "El Químico" not in html and "AT441122" not in html
        search_page = f"{server}/search?q=Wilmer+Escobar&purpose=op-test"
        spain.goto(search_page)
        assert spain.inner_text("#nothing")  # the Colombian-only person is not found
        response = spain.goto(f"{server}/entity/p2?purpose=op-test")
        assert response is not None and response.status == 404
        assert "Wílmer" not in spain.content()

        wrong = browser.new_context().new_page()
        wrong.goto(f"{server}/login")
        wrong.fill("#user", "ana")
        wrong.fill("#password", "not-it")
        wrong.click("#submit")
        assert wrong.inner_text("#error")
        browser.close()
