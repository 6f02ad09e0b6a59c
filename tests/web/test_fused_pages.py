"""The pages on the fused network (issue 14, items 1 and 6): after `cupula resolve` the
leaders page lists each person once with its records and says on which resolution, in
English and Spanish; its toggle shows the records apart; search groups a person's
records; an entity page of a fused person lists its member records; the explorer and the
money page carry the note and the toggle."""

from __future__ import annotations

import html as markup
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cupula.app import create_app
from tests.api.test_fused_network import BOSSES, PERSON_OF, demo_db  # noqa: F401 (the fixture)

PURPOSE = "purpose=tests"


@pytest.fixture(scope="module")
def client(demo_db: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(demo_db)) as c:
        login = c.get("/login")
        csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
        form = {"user": "mike.dea", "password": "mike.dea-pass-1", "csrf": csrf}
        assert c.post("/login", data=form, follow_redirects=False).status_code == 303
        yield c


def page(client: TestClient, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return answer.text


def leaders_of(html: str) -> list[tuple[str, str]]:
    """(entity id, caption) of each row of the leaders table."""
    return re.findall(r'<a class="leader" href="/entity/([^"?]+)[^"]*">([^<]+)</a>', html)


def note(html: str) -> str:
    found = re.search(r'<p id="fusion-note"[^>]*>(.*?)</p>', html, re.S)
    assert found, "no fusion note"
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip())


def test_the_leaders_page_shows_each_person_once_with_the_note(client: TestClient) -> None:
    html = page(client, f"/leaders?{PURPOSE}&lang=en")
    rows = leaders_of(html)
    assert len(rows) == 20
    captions = [name for _, name in rows]
    assert len(set(captions)) == len(captions), captions
    people = [PERSON_OF[i] for i, _ in rows if i in PERSON_OF]
    assert len(set(people)) == len(people)
    assert note(html).startswith("One node per person, on the resolution of 20")
    boss = next(i for i, _ in rows if PERSON_OF.get(i) == BOSSES[0])
    assert re.search(rf'data-members="{boss} [^"]+">\s*\d records · ', html)
    # the toggle: each partner's records apart, and back
    toggle = re.search(r'<a id="fusion-toggle" href="([^"]+)">', html)
    assert toggle and "unmerged=true" in toggle.group(1)
    apart = page(client, toggle.group(1).replace("&amp;", "&"))
    assert note(apart).startswith("Each partner's records shown apart")
    assert 'name="unmerged" value="true"' in apart  # the form keeps it
    assert 'class="muted members"' not in apart


def test_the_spanish_leaders_page_says_the_note_in_spanish(client: TestClient) -> None:
    html = page(client, f"/leaders?{PURPOSE}&lang=es")
    assert note(html).startswith("Un nodo por persona, según la resolución del 20")
    assert "Mostrar por separado los registros de cada socio" in html
    assert re.search(r"\d registros · ", html)
    apart = page(client, f"/leaders?{PURPOSE}&lang=es&unmerged=true")
    assert note(apart).startswith("Registros de cada socio por separado")


def test_search_groups_a_persons_records_under_one_result(client: TestClient) -> None:
    html = page(client, f"/search?q=Jaramillo+Zuluaga&{PURPOSE}&lang=en")
    assert re.search(r"one person in \d records \([A-Z-, ]+\):", html)
    linked = re.findall(r'<a href="/entity/([^"?]+)[^"]*">', html.split('id="hits"')[1])
    boss_rows = [i for i in linked if PERSON_OF.get(i) == BOSSES[0]]
    assert len(boss_rows) == 1, boss_rows  # one result for the boss...
    members = re.findall(r'<a class="member" href="/entity/([^"?]+)', html)
    assert len([m for m in members if PERSON_OF.get(m) == BOSSES[0]]) >= 2  # ...with its records


def test_the_entity_page_of_a_fused_person_lists_its_records(client: TestClient) -> None:
    search = client.get(f"/api/search?q=Jaramillo+Zuluaga&{PURPOSE}").json()
    boss = next(h for h in search if PERSON_OF.get(h["entity_id"]) == BOSSES[0])
    member = max(boss["members"])
    html = page(client, f"/entity/{member}?{PURPOSE}&lang=en")
    card = html.split('id="person"')[1].split("</div>")[0]
    records = len(boss["members"])
    partners = len(boss["partners"])
    assert f"One person in {records} records" in card and f"of {partners} partners" in card
    for m in boss["members"]:
        assert f'href="/entity/{m}' in card
    assert 'class="marking"' in card and 'id="person-relationships"' in html
    assert 'id="person-timeline"' in html


def test_the_explorer_and_the_money_page_carry_the_note_and_the_toggle(
    client: TestClient,
) -> None:
    search = client.get(f"/api/search?q=Jaramillo+Zuluaga&{PURPOSE}").json()
    boss = next(h for h in search if PERSON_OF.get(h["entity_id"]) == BOSSES[0])
    member = max(boss["members"])
    html = page(client, f"/network?entity={member}&{PURPOSE}")
    assert f'data-entity="{boss["entity_id"]}"' in html  # a member opens its person
    assert 'data-unmerged=""' in html and 'id="fusion-toggle"' in html
    apart = page(client, f"/network?entity={member}&{PURPOSE}&unmerged=true")
    assert f'data-entity="{member}"' in apart and 'data-unmerged="true"' in apart
    money = page(client, f"/money?entity={member}&{PURPOSE}")
    assert 'id="fusion-note"' in money
