"""The audit log on the demo case: an analyst is shown the reads of its agency's data and
nothing of what other agencies hold (issue 13, item 7); every entry logs what was asked
and the distinct statements given (item 8) — through the library, the CLI and the API."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from cupula.access import accounts, audit
from cupula.access.reading import Reading
from cupula.access.viewer import Role, Viewer
from cupula.app import create_app
from cupula.cli.main import app as cli
from cupula.demo.run import run_demo
from cupula.store import Store
from cupula.summary import summarize

runner = CliRunner()
# Entities of four agencies of the demo case (SEPBLAC, DIJIN, DEA, FIU).
LOOKED_AT = ["es-p-0008", "co-w-0001", "us-x-0001", "ae-c-002"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo store, read by the local administrator and by every partner's analyst
    (a count of everything, and four entities of four agencies, with a purpose naming
    them), so that the log holds entries mixing every agency's statements."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    store = run_demo(db, console=Console(file=io.StringIO()))
    readers = [Viewer.local_admin()] + [
        accounts.viewer_for(store, u.name) for u in accounts.list_users(store, Viewer.local_admin())
    ]
    for viewer in readers:
        counting = Reading(store, viewer, "demo")
        summarize(counting.view())
        counting.record("stats", {"datasets": None, "outcome": "ok"})
        looking = Reading(store, viewer, f"following {' and '.join(LOOKED_AT)}")
        view = looking.view()
        for entity_id in LOOKED_AT:
            view.entity(entity_id)
        looking.record("show", {"entity_id": LOOKED_AT, "outcome": "ok"})
    for user in accounts.list_users(store, Viewer.local_admin()):
        accounts.set_password(store, Viewer.local_admin(), user.name, f"{user.name}-pass-1")
    store.close()
    yield db


def analysts(store: Store) -> list[Viewer]:
    return [
        accounts.viewer_for(store, u.name)
        for u in accounts.list_users(store, Viewer.local_admin())
        if not audit.oversees(accounts.viewer_for(store, u.name))
    ]


def agencies(store: Store) -> set[str]:
    return {a.id for a in accounts.list_agencies(store)} | {"CA-RCMP", "XX-LOCAL"}


def assert_only_its_agency(viewer: Viewer, shown: list[dict[str, Any]], others: set[str]) -> None:
    """What an analyst is shown names no other agency and counts none of its statements."""
    for entry in shown:
        own = entry["originators"].get(viewer.agency)
        assert entry["originators"] == {viewer.agency: own} and own > 0, entry
        assert entry["statements"] == own, entry
        # The reader's own agency is who read; nothing else may name another agency.
        rest = json.dumps({k: v for k, v in entry.items() if k not in ("user", "agency")})
        assert not {a for a in others if a in rest}, entry
        if entry["user"] != viewer.user:
            assert entry["query"] == {} and entry["purpose"] is None, entry
        assert entry["hash"] == "" and entry["prev_hash"] == "", entry


def test_an_analyst_is_shown_only_its_agencys_part_of_each_read(demo: str) -> None:
    store = Store.open(demo)
    checked = 0
    for viewer in analysts(store):
        shown = audit.entries_for(viewer, store, originator=viewer.agency)
        raw = {e.seq: e for e in audit.entries(store, originator=viewer.agency)}
        # every read of its agency's data is listed, with its agency's exact count
        assert [e.seq for e in shown] == sorted(raw)
        for entry in shown:
            assert entry.statements == raw[entry.seq].originators[viewer.agency]
        assert_only_its_agency(
            viewer, [e.__dict__ for e in shown], agencies(store) - {viewer.agency}
        )
        # where its agency's data was read, the log holds other agencies' counts beside
        # it: they were withheld (CO-FISCALIA holds nothing in the demo)
        assert not raw or any(len(e.originators) > 1 for e in raw.values())
        checked += bool(raw)
    # ana, luis, fatima, joost (mike.dea supervises: he sees every entry whole)
    assert checked == 4
    store.close()


def test_a_reader_keeps_its_own_words_and_supervisors_see_their_staffs_entries_whole(
    demo: str,
) -> None:
    store = Store.open(demo)
    luis = accounts.viewer_for(store, "luis.sepblac")
    mine = [
        e for e in audit.entries_for(luis, store, originator="ES-SEPBLAC") if e.user == luis.user
    ]
    assert mine and all(e.purpose and e.query for e in mine)
    assert all(e.withheld == audit.OWN_WITHHELD for e in mine)
    supervisor = Viewer("sup", "ES-SEPBLAC", "ESP", luis.clearance, frozenset({Role.SUPERVISOR}))
    staff = [e for e in audit.entries(store) if e.agency == "ES-SEPBLAC"]
    assert staff and all(e in audit.entries_for(supervisor, store) for e in staff)
    assert audit.entries_for(Viewer.local_admin(), store) == audit.entries(store)
    store.close()


def run(db: str, *args: str, user: str | None = None) -> str:
    head = ["--db", db, "--purpose", "demo"] + (["--as", user] if user else [])
    result = runner.invoke(cli, [*head, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_audit_show_on_the_command_line(demo: str) -> None:
    store = Store.open(demo)
    others = agencies(store) - {"ES-SEPBLAC"}
    luis = accounts.viewer_for(store, "luis.sepblac")
    store.close()
    shown = json.loads(run(demo, "audit", "show", "--originator", "ES-SEPBLAC", "--json",
                           "--last", "1000", user="luis.sepblac"))  # fmt: skip
    assert shown
    assert_only_its_agency(luis, shown, others)
    table = run(demo, "audit", "show", "--originator", "ES-SEPBLAC", user="luis.sepblac")
    assert "withheld" in table and not re.search(rf"({'|'.join(others)}) \d", table)


def last_entry(db: str, action: str) -> audit.Entry:
    store = Store.open(db)
    entry = [e for e in audit.entries(store) if e.action == action][-1]
    store.close()
    return entry


def log_in(client: TestClient, user: str) -> None:
    response = client.post("/api/login", json={"user": user, "password": f"{user}-pass-1"})
    assert response.status_code == 200, response.text


def test_the_api_logs_repeated_parameters_and_shows_an_analyst_its_part(demo: str) -> None:
    purpose = {"X-Purpose": "op-test"}
    with TestClient(create_app(demo)) as client:
        log_in(client, "ana.dijin")
        url = "/api/graph?entity=es-p-0008&entity=co-w-0001&hops=1&path=/forged&outcome=ok"
        assert client.get(url, headers=purpose).status_code == 200
        logged = last_entry(demo, "api GET /api/graph")
        assert logged.query["path"] == "/api/graph" and logged.query["outcome"] == "ok"
        assert logged.query["params"]["entity"] == ["es-p-0008", "co-w-0001"]
        assert logged.query["params"]["path"] == ["/forged"]  # asked, not the entry's own
        assert logged.originators.get("ES-SEPBLAC") and len(logged.originators) > 1
        client.cookies.clear()
        log_in(client, "luis.sepblac")
        shown = client.get("/api/audit?originator=ES-SEPBLAC&last=1000", headers=purpose).json()
        store = Store.open(demo)
        luis, others = accounts.viewer_for(store, "luis.sepblac"), agencies(store) - {"ES-SEPBLAC"}
        store.close()
        assert shown
        assert_only_its_agency(luis, shown, others)
        read = next(e for e in shown if e["seq"] == logged.seq)
        assert read["user"] == "ana.dijin" and "co-w-0001" not in json.dumps(read)
        page = client.get("/audit?purpose=op-test").text
        rows = page[page.index('id="entries"') :]
        assert "ana.dijin" in rows and not re.search(rf"({'|'.join(others)}) \d", rows)
        # every analyst gave the same purpose (naming other agencies' entities): only
        # luis's own is on his page, the others' are withheld
        assert rows.count("following es-p-0008 and co-w-0001") == 1
        assert rows.count('class="withheld muted">—') >= 3


def test_each_command_logs_the_statements_it_gave(demo: str, tmp_path: Path) -> None:
    """``stats`` logs exactly the number it prints, however many passes it makes; and so
    do the other commands (show, leaders, export, also for a partner)."""
    for user in (None, "luis.sepblac"):
        printed = json.loads(run(demo, "stats", "--json", user=user))["statements"]
        assert last_entry(demo, "stats").statements == printed
        run(demo, "leaders", "--top", "3", user=user)  # ranks what the user may see
        assert last_entry(demo, "leaders").statements == printed
    shown = json.loads(run(demo, "show", "es-p-0008", "--json", user="luis.sepblac"))
    assert last_entry(demo, "show").statements == len(shown["statements"]) + 1  # + its id
    for audience in ([], ["--for", "US-DEA"]):
        out = tmp_path / "out.csv"
        run(demo, "export", "--format", "statements", "-o", str(out), *audience)
        with out.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        logged = last_entry(demo, "export")
        assert logged.statements == len(rows) > 0
        by_originator: dict[str, int] = {}
        for row in rows:
            originator = row["marking"].rsplit(" ", 1)[-1]
            by_originator[originator] = by_originator.get(originator, 0) + 1
        assert logged.originators == by_originator


def test_a_partners_supervisor_reads_other_agencies_entries_as_an_analyst(demo: str) -> None:
    """mike.dea supervises US-DEA's users, not SEPBLAC's: luis's reads come to him with
    only DEA's part (or not at all), his own agency's users' entries whole."""
    store = Store.open(demo)
    mike = accounts.viewer_for(store, "mike.dea")
    assert audit.oversees(mike)
    everyone = [e for e in audit.entries(store) if e.agency not in ("US-DEA", "XX-LOCAL")]
    assert any(set(e.originators) - {"US-DEA"} for e in everyone)  # there is something to hide
    for entry in audit.entries_for(mike, store):
        if entry.agency == "US-DEA":
            continue
        assert set(entry.originators) == {"US-DEA"}, entry
        assert entry.query == {} and entry.purpose is None and entry.hash == ""
    store.close()
