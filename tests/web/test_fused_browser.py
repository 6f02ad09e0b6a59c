"""The fused network in Chromium (issue 14, items 1 and 6): on the demo store after
`cupula resolve`, the leaders page shows no person twice, and the explorer draws a boss
as one node, larger for the partners that hold a record of him, whose records it lists
when asked, each with its dataset and marking."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cupula.web.assets import vendor_ready
from tests.api.test_fused_network import BOSSES, PERSON_OF, demo_db  # noqa: F401 (the fixture)
from tests.web.serving import ARGS, CHROMIUM, serving

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip("no Chromium (scripts/test.sh installs Debian's as root)", allow_module_level=True)
if not vendor_ready():
    pytest.skip("front-end libraries not installed (scripts/setup.sh runs npm ci)",
                allow_module_level=True)  # fmt: skip

Page = sync_api.Page
PURPOSE = "purpose=tests&lang=en"


@pytest.fixture(scope="module")
def base(demo_db: str) -> Iterator[str]:  # noqa: F811
    from cupula.app import create_app

    with serving(create_app(demo_db)) as url:
        yield url


@pytest.fixture
def page(base: str) -> Iterator[Page]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        tab: Page = browser.new_context().new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(f"{base}/login")
        tab.fill("#user", "mike.dea")
        tab.fill("#password", "mike.dea-pass-1")
        tab.click("#submit")
        tab.wait_for_url(f"{base}/search")
        yield tab
        assert errors == []
        browser.close()


def test_the_leaders_page_shows_no_person_twice(page: Page, base: str) -> None:
    page.goto(f"{base}/leaders?{PURPOSE}")
    links = page.locator("#leaders a.leader")
    captions = links.all_inner_texts()
    assert len(captions) == 20 and len(set(captions)) == len(captions), captions
    ids = [(links.nth(i).get_attribute("href") or "").split("/")[2].split("?")[0]
           for i in range(links.count())]  # fmt: skip
    people = [PERSON_OF[i] for i in ids if i in PERSON_OF]
    assert len(set(people)) == len(people)
    assert BOSSES[0] in people
    assert page.inner_text("#fusion-note").startswith("One node per person")
    page.click("#fusion-toggle")  # each partner's records apart: the boss is split again
    page.wait_for_selector("#fusion-note[data-state='unmerged']")


def test_the_explorer_draws_a_boss_as_one_node_and_lists_his_records(page: Page, base: str) -> None:
    page.goto(f"{base}/leaders?{PURPOSE}")
    href = next(h for h in (a.get_attribute("href") or "" for a in
                            page.locator("#leaders a.leader").all())
                if PERSON_OF.get(h.split("/")[2].split("?")[0]) == BOSSES[0])  # fmt: skip
    boss = href.split("/")[2].split("?")[0]
    page.goto(f"{base}/network?entity={boss}&{PURPOSE}")
    page.wait_for_selector("#graph[data-nodes]")
    node = page.evaluate(
        "id => { const n = window.cupulaGraph.getElementById(id);"
        " return {members: n.data('members'), partners: n.data('partners'),"
        " size: n.data('size'), ring: n.data('ring')}; }",
        boss,
    )
    assert len(node["members"]) >= 2 and len(node["partners"]) >= 2
    assert node["ring"] > 0
    page.click(f"button.node-pick[data-id='{boss}']")
    assert "Records: " in page.inner_text("#members")
    page.click("#members")
    page.wait_for_selector("#member-list li.member")
    items = page.locator("#member-list li.member")
    listed = [items.nth(i).get_attribute("data-id") for i in range(items.count())]
    assert listed == node["members"]
    text = page.inner_text("#member-list")
    assert "ORIG" in text and "us-dea-targets" in text  # each with its dataset and marking
