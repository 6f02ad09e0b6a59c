"""The workbench in Chromium as analysts use it: expand the network, read a leader's
reasons, follow the money on the map, load a file; and a Spanish analyst going through
the same pages and calls without meeting a Colombian-only fact."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from cupula.web.assets import vendor_ready
from tests.api.test_workbench import NEVER, db  # noqa: F401  (the fixture: marked facts)
from tests.web.serving import ARGS, CHROMIUM, serving

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip("no Chromium (scripts/test.sh installs Debian's as root)", allow_module_level=True)
if not vendor_ready():
    pytest.skip("front-end libraries not installed (scripts/setup.sh runs npm ci)",
                allow_module_level=True)  # fmt: skip

Page = sync_api.Page
PURPOSE = "purpose=op-test"


@pytest.fixture
def base(db: str) -> Iterator[str]:  # noqa: F811
    from cupula.app import create_app

    with serving(create_app(db)) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


def logged_in(browser: object, base: str, user: str) -> Page:
    page: Page = browser.new_context().new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/login")
    page.fill("#user", user)
    page.fill("#password", f"{user}-pass-1")
    page.click("#submit")
    page.wait_for_url(f"{base}/search")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def drawn_nodes(page: Page) -> int:
    return int(page.get_attribute("#graph", "data-nodes") or 0)


def test_an_analyst_expands_the_network_and_reads_why_someone_leads(
    browser: object, base: str
) -> None:
    page = logged_in(browser, base, "ana")
    assert page.is_visible("#purpose-needed")  # the first page: confidential data, no purpose yet
    page.click("#start a[href='/leaders']")
    page.fill("#purpose", "op-test")  # asked why, then shown the page
    page.click("#go")
    assert "Jhon Jairo Restrepo Vargas" in page.inner_text("#leaders")
    page.goto(f"{base}/search?{PURPOSE}")
    assert "co-own" in page.inner_text("#datasets")
    page.goto(f"{base}/network?entity=p3&{PURPOSE}")
    page.wait_for_selector("#graph[data-nodes]")
    assert drawn_nodes(page) == 2  # Usuga and the one he talks to
    page.click("button.node-pick[data-id='p1']")
    assert "Jhon Jairo Restrepo Vargas" in page.inner_text("#selected")
    page.click("#expand")  # p1's own contacts and payments join the picture
    page.wait_for_selector("#graph[data-nodes='4']")
    names = page.inner_text("#node-list")
    assert "Wílmer Escobar Ríos" in names and "Inversiones Costa Azul" in names
    page.click("button.node-pick[data-id='p2']")
    page.click("#open-selected")
    page.wait_for_selector("#caption")
    assert page.inner_text("#caption") == "Wílmer Escobar Ríos"
    assert "Relationships" in page.content() and "Timeline" in page.content()

    page.goto(f"{base}/leaders?{PURPOSE}")
    first = page.locator("#leaders tr").nth(1)
    assert "Jhon Jairo Restrepo Vargas" in first.inner_text()
    # a payment is a tie but not a contact: the reason says how many are calls or meetings
    assert "tied to 3 others" in first.locator(".reasons").inner_text()
    page.click("#language")
    assert page.locator("h1").inner_text() == "Quién manda"
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_money_goes_on_the_map(browser: object, base: str) -> None:
    page = logged_in(browser, base, "ana")
    page.goto(f"{base}/money?entity=p1&{PURPOSE}")
    page.wait_for_selector("#map[data-drawn='2']")
    emirates = page.get_attribute("#map path[data-country='ae']", "fill")
    brazil = page.get_attribute("#map path[data-country='br']", "fill")
    assert emirates and brazil and emirates != brazil  # shaded by amount; Brazil got nothing
    assert "Golden Sands General Trading" in page.inner_text("#destinations")
    assert page.locator("#sankey path").count() >= 2
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_analyst_loads_a_file_and_a_bad_one_is_refused(browser: object, base: str) -> None:
    page = logged_in(browser, base, "pepe")
    lines = [{"id": "e1", "schema": "Person", "properties": {"name": ["Fulano de Tal"]}}]
    good = "\n".join(json.dumps(x) for x in lines).encode()
    page.goto(f"{base}/load?{PURPOSE}")
    page.set_input_files("#file", files=[{"name": "targets.jsonl", "mimeType": "application/json",
                                          "buffer": good}])  # fmt: skip
    page.fill("#dataset", "es-udyco-targets")
    page.fill("#marking", "RESTRICTED REL TO COL")
    page.click("#submit-load")
    assert "targets.jsonl: 1 record read" in page.inner_text("#loaded")
    page.goto(f"{base}/search?q=Fulano&{PURPOSE}")
    assert page.inner_text("#hits a") == "Fulano de Tal"

    page.goto(f"{base}/load?{PURPOSE}")
    page.set_input_files("#file", files=[{"name": "more.jsonl", "mimeType": "application/json",
                                          "buffer": good + b"\n{broken"}])  # fmt: skip
    page.fill("#dataset", "es-udyco-targets")
    page.fill("#marking", "RESTRICTED REL TO COL")
    page.click("#submit-load")
    assert "file more.jsonl, line 2" in page.inner_text("#load-error")


def test_another_agency_meets_no_colombian_only_fact_anywhere(browser: object, base: str) -> None:
    page = logged_in(browser, base, "pepe")
    seen = []
    page.goto(f"{base}/network?entity=p1&hops=3&{PURPOSE}")
    page.wait_for_selector("#graph[data-nodes]")
    page.click("button.node-pick[data-id='p1']")
    seen.append(page.content())
    pages = (
        "/entity/p1",
        "/entity/c1",
        "/money?entity=p1",
        "/money?entity=c1&backward=true",
        "/cooperation",
        "/leaders",
        "/search?q=Wilmr+Escobr",
        "/audit?originator=ES-UDYCO",
    )
    for path in pages:
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}{PURPOSE}")
        seen.append(page.content())
    for call in ("/api/graph?entity=p1&hops=3", "/api/entities/p1", "/api/money/p1",
                 "/api/search?q=Escobr", "/api/cooperation"):  # fmt: skip
        seen.append(page.request.get(f"{base}{call}&{PURPOSE}" if "?" in call
                                     else f"{base}{call}?{PURPOSE}").text())  # fmt: skip
    everything = "\n".join(seen)
    assert "Jhon Jairo Restrepo Vargas" in everything
    for fact in NEVER:
        assert fact not in everything, fact
    for hidden in ("/entity/p2", "/entity/x1"):
        response = page.goto(f"{base}{hidden}?{PURPOSE}")
        assert response is not None and response.status == 404


def test_a_company_at_the_money_hub_is_drawn_by_the_money_through_it(
    browser: object, base: str
) -> None:
    page = logged_in(browser, base, "ana")
    page.goto(f"{base}/network?entity=p1&hops=2&lang=es&{PURPOSE}")
    page.wait_for_selector("#graph[data-nodes]")

    def size(node: str) -> float:
        return float(page.evaluate(f"cupulaGraph.getElementById('{node}').data('size')"))

    # c1 passes on the largest amount (1,000 in, 900 out): as large as the top leader; it
    # was the smallest dot (no leader score) before
    assert size("c1") == size("p1") == 60
    assert 12 < size("c2") < 60  # 900 received
    assert page.inner_text("#status").endswith("nodos mostrados")
    page.click("button.node-pick[data-id='c1']")
    details = page.inner_text("#selected")
    assert "Empresa · c1" in details and "Dinero que pasa: 1000" in details
    assert page.errors == []  # type: ignore[attr-defined]
