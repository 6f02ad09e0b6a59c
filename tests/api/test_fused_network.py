"""The API on the viewer's fused network (issue 14, items 1 and 6): on the demo store
after each viewer's `cupula resolve`, leaders, graph, search, money and entity answer one
node per person with its ``members``, ``unmerged=true`` shows the records apart, every
answer carries the fusion note (stale after a new load), a new resolution is never
served the old fused network from the cache, and no viewer gets an id or name of a
record it may not see, fused or not."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.app import create_app
from cupula.demo.run import run_demo
from cupula.model.statement import BASE
from cupula.store import Store
from tests.cli.test_fusion import BOSSES, CASE, PERSON_OF, _hidden_double, run

PURPOSE = {"X-Purpose": "tests"}
USERS = ("ana.dijin", "luis.sepblac", "mike.dea", "fatima.fiu")
BOSS_RECORDS = set(CASE.truth["people"][BOSSES[0]]["records"].values())
SECRET_DOUBLE = "us-secret-0001"  # a SECRET record of the first boss only US users see


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo store (resolved as the administrator and each analyst) with known
    passwords, plus a SECRET REL TO USA double of the first boss, resolved again."""
    folder = tmp_path_factory.mktemp("fused-api")
    db = str(folder / "demo.db")
    store = run_demo(db, console=Console(file=io.StringIO()))
    for user in USERS:
        accounts.set_password(store, Viewer.local_admin(), user, f"{user}-pass-1")
    store.close()
    run(db, "ingest", str(_hidden_double(folder)), "--dataset", "us-dea-secret",
        "--agency", "US-DEA", "--marking", "SECRET REL TO USA")  # fmt: skip
    for user in (None, "mike.dea"):  # the others' runs stand: the load is not theirs to see
        run(db, "resolve", user=user)
    return db


def log_in(client: TestClient, user: str) -> None:
    answer = client.post("/api/login", json={"user": user, "password": f"{user}-pass-1"})
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def client(demo_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_db)) as c:
        yield c


def get(client: TestClient, url: str) -> Any:
    answer = client.get(url, headers=PURPOSE)
    assert answer.status_code == 200, answer.text
    return answer.json()


def people(entries: list[dict[str, Any]], key: str = "entity_id") -> dict[str, list[str]]:
    """Real person -> the entries holding one of their records."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        for person in {PERSON_OF[m] for m in entry["members"] if m in PERSON_OF}:
            found.setdefault(person, []).append(entry[key])
    return found


@pytest.mark.parametrize("user", ["luis.sepblac", "mike.dea"])
def test_leaders_are_one_entry_per_person_with_members(client: TestClient, user: str) -> None:
    log_in(client, user)
    ranking = get(client, "/api/leaders?top=200")
    assert ranking["fusion"]["state"] == "fused" and ranking["fusion"]["merged"] > 0
    entries = ranking["leaders"]
    assert all(e["entity_id"] == min(e["members"]) for e in entries)
    found = people(entries)
    assert all(len(ids) == 1 for ids in found.values()), found
    (boss,) = found[BOSSES[0]]
    entry = next(e for e in entries if e["entity_id"] == boss)
    assert len(entry["members"]) >= 2 and set(entry["members"]) <= BOSS_RECORDS | {SECRET_DOUBLE}
    assert len(entry["partners"]) >= 2
    # the records apart, on request: the boss is several entries again
    apart = get(client, "/api/leaders?top=200&unmerged=true")
    assert apart["fusion"]["state"] == "unmerged"
    assert all(e["members"] == [e["entity_id"]] and e["partners"] == [] for e in apart["leaders"])
    assert len(people(apart["leaders"])[BOSSES[0]]) >= 2


def test_the_graph_opens_a_member_on_its_person(client: TestClient) -> None:
    log_in(client, "mike.dea")
    boss = next(e for e in get(client, "/api/leaders?top=50")["leaders"]
                if PERSON_OF.get(e["entity_id"]) == BOSSES[0])  # fmt: skip
    member = max(boss["members"])  # not the canonical id
    graph = get(client, f"/api/graph?entity={member}&hops=1")
    assert graph["seeds"] == [boss["entity_id"]] and graph["fusion"]["state"] == "fused"
    node = next(n for n in graph["nodes"] if n["id"] == boss["entity_id"])
    assert node["members"] == boss["members"] and node["partners"] == boss["partners"]
    assert not {n["id"] for n in graph["nodes"]} & (set(boss["members"]) - {boss["entity_id"]})
    apart = get(client, f"/api/graph?entity={member}&hops=1&unmerged=true")
    assert apart["seeds"] == [member] and apart["fusion"]["state"] == "unmerged"


def test_members_on_demand_and_the_entity_page_of_a_person(client: TestClient) -> None:
    log_in(client, "mike.dea")
    boss = next(e for e in get(client, "/api/leaders?top=50")["leaders"]
                if PERSON_OF.get(e["entity_id"]) == BOSSES[0])  # fmt: skip
    member = max(boss["members"])
    found = get(client, f"/api/entities/{member}/members")
    assert found["id"] == boss["entity_id"] and found["records"] == len(boss["members"])
    assert [m["id"] for m in found["members"]] == boss["members"]
    assert all(m["datasets"] and m["markings"] for m in found["members"])
    assert SECRET_DOUBLE in boss["members"]  # mike may see the SECRET double: joined
    page = get(client, f"/api/entities/{member}")
    assert page["id"] == member and page["person"]["id"] == boss["entity_id"]
    assert {r["record"] for r in page["person"]["relationships"]} <= set(boss["members"])
    assert page["person"]["relationships"]
    dated = page["person"]["timeline"]  # every member's dated values and ties, oldest first
    assert {e["record"] for e in dated} <= set(boss["members"]) and len(
        {e["record"] for e in dated}
    ) >= 2
    assert [e["date"] for e in dated] == sorted(e["date"] for e in dated)
    assert get(client, f"/api/entities/{member}?unmerged=true")["person"] is None
    assert client.get("/api/entities/nobody-0000/members", headers=PURPOSE).status_code == 404


def test_search_groups_a_persons_records(client: TestClient) -> None:
    log_in(client, "mike.dea")
    hits = get(client, "/api/search?q=Jaramillo Zuluaga&limit=10")
    found = people(hits)
    (node,) = found[BOSSES[0]]
    hit = next(h for h in hits if h["entity_id"] == node)
    assert node == min(hit["members"]) and set(hit["matched"]) <= set(hit["members"])
    assert len(hit["members"]) >= 2
    apart = get(client, "/api/search?q=Jaramillo Zuluaga&limit=10&unmerged=true")
    assert len(people(apart)[BOSSES[0]]) >= 2


def test_the_openapi_schema_documents_members_and_the_note(client: TestClient) -> None:
    log_in(client, "mike.dea")
    schemas = get(client, "/openapi.json")["components"]["schemas"]
    for model in ("Leader", "Node", "Destination", "PersonHit"):
        assert "members" in schemas[model]["properties"], model
    for model in ("Leaders", "Graph", "MoneyTrail", "Members"):
        assert "fusion" in schemas[model]["properties"], model
    assert "/api/entities/{entity_id}/members" in get(client, "/openapi.json")["paths"]


def test_stale_after_a_load_and_a_new_resolve_is_not_served_the_old_network(
    demo_db: str, tmp_path: Path
) -> None:
    db = str(tmp_path / "copy.db")
    shutil.copy(demo_db, db)
    double = tmp_path / "double.ftm.jsonl"
    double.write_text(_hidden_double(tmp_path).read_text().replace(SECRET_DOUBLE, "us-t-9999"))
    with TestClient(create_app(db)) as c:  # one server, one cache, throughout
        log_in(c, "mike.dea")
        before = get(c, "/api/leaders?top=200")
        assert before["fusion"]["state"] == "fused"
        # a load under a marking mike already sees: his run stands, stale
        run(db, "ingest", str(double), "--dataset", "us-dea-targets", "--agency", "US-DEA",
            "--marking", "SECRET REL TO COL,USA H2 A2")  # fmt: skip
        stale = get(c, "/api/leaders?top=200")
        assert stale["fusion"]["state"] == "stale" and stale["fusion"]["loads_since"] == 1
        assert "1 load since" in stale["fusion"]["message"]
        assert not any("us-t-9999" in e["members"] for e in stale["leaders"])
        run(db, "resolve", user="mike.dea")  # no load: the data version stays the same
        fresh = get(c, "/api/leaders?top=200")
        assert fresh["fusion"]["state"] == "fused"
        assert any("us-t-9999" in e["members"] for e in fresh["leaders"])
        graph = get(c, "/api/graph?entity=us-t-9999")
        assert graph["seeds"] != ["us-t-9999"]  # the new record opens its person


def _strings(store: Store, viewer: Viewer) -> set[str]:
    """Every entity id, and every name or alias of 6 characters or more, ``viewer`` sees."""
    found = set()
    for statement in store.view(viewer, purpose="tests").statements():
        if statement.prop == BASE:
            found.add(statement.entity_id)
        elif statement.prop in ("name", "alias") and len(statement.value) >= 6:
            found.add(statement.value)
    return found


def test_no_viewer_gets_an_id_or_name_it_may_not_see_fused_or_not(
    client: TestClient, demo_db: str
) -> None:
    store = Store.open(demo_db)
    everything = _strings(store, Viewer.local_admin())
    hidden = {
        user: everything - _strings(store, accounts.viewer_for(store, user)) for user in USERS
    }
    store.close()
    assert SECRET_DOUBLE in hidden["luis.sepblac"]  # the check can see a leak
    for user in USERS:
        log_in(client, user)  # viewers in turn, through one server's cache
        texts = []
        for apart in ("", "&unmerged=true"):
            ranking = get(client, f"/api/leaders?top=200{apart}")
            texts.append(str(ranking))
            for leader in ranking["leaders"][:5]:
                node = leader["entity_id"]
                texts.append(str(get(client, f"/api/graph?entity={node}&hops=2{apart}")))
                texts.append(str(get(client, f"/api/entities/{node}?{apart[1:]}")))
                texts.append(str(get(client, f"/api/entities/{node}/members")))
            for q in ("Jaramillo", "Agudelo", "Gomez Ochoa", "Serero"):
                texts.append(str(get(client, f"/api/search?q={q}&limit=50{apart}")))
        text = "\n".join(texts)
        leaked = sorted(
            s for s in hidden[user] if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
        )
        assert not leaked, f"{user} got {leaked[:5]}"
