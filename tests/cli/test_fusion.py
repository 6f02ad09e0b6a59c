"""Every analysis on the viewer's fused network: on the demo store after each viewer's
`cupula resolve`, one entry per real person with its members; --unmerged shows the
records apart; the note says when the fusion is stale or missing; and a viewer's fused
result depends only on what it may see."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.console import Console
from typer.testing import CliRunner

from cupula.cli.main import app
from cupula.demo.generator import generate_case
from cupula.demo.run import USERS, run_demo
from tests.conftest import fresh_db

runner = CliRunner()
CASE = generate_case()
DATASETS = sorted({f.dataset for f in CASE.files})
PERSON_OF = {  # record id -> the real person (the demo's ground truth)
    record: key for key, p in CASE.truth["people"].items() for record in p["records"].values()
}
BOSSES = CASE.truth["leaders"]
VIEWERS = [None] + [name for name, *_ in USERS]


def run(db: str, *args: str, user: str | None = None, expect: int = 0) -> Any:
    head = ["--db", db, "--purpose", "tests"] + (["--as", user] if user else [])
    result = runner.invoke(app, [*head, *args])
    assert result.exit_code == expect, result.output
    return result


def leaders(db: str, *extra: str, user: str | None = None) -> list[dict[str, Any]]:
    datasets = [arg for d in DATASETS for arg in ("-d", d)]
    result = run(db, "leaders", "--json", "--top", "500", *datasets, *extra, user=user)
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo store: the demo resolves as the administrator and as each analyst."""
    db = str(tmp_path_factory.mktemp("fusion") / "demo.db")
    run_demo(db, console=Console(quiet=True)).close()
    return db


def _people(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Real person -> the entries holding one of their records."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        for person in {PERSON_OF[m] for m in entry["members"] if m in PERSON_OF}:
            found.setdefault(person, []).append(entry["entity_id"])
    return found


@pytest.mark.parametrize("user", [v for v in VIEWERS if v != "joost.politie"])
def test_leaders_list_each_real_person_once_with_members(demo_db: str, user: str | None) -> None:
    entries = leaders(demo_db, user=user)
    assert entries
    for entry in entries:
        assert entry["entity_id"] == min(entry["members"])  # the canonical id rule
        assert entry["fusion"]["state"] == "fused"
    people = _people(entries)
    assert all(len(ids) == 1 for ids in people.values()), people
    if user in (None, "ana.dijin", "luis.sepblac", "mike.dea"):
        boss = CASE.truth["people"][BOSSES[0]]["records"]
        (node,) = people[BOSSES[0]]
        entry = next(e for e in entries if e["entity_id"] == node)
        assert len(entry["members"]) >= 2 and set(entry["members"]) <= set(boss.values())


def test_a_fused_node_is_named_by_the_viewers_own_record(demo_db: str) -> None:
    boss = CASE.truth["people"][BOSSES[0]]["records"]
    for user, dataset in (("ana.dijin", "co-dijin-wiretaps"), ("luis.sepblac",
                                                              "es-sepblac-transfers")):  # fmt: skip
        entries = leaders(demo_db, user=user)
        node = next(e for e in entries if boss[dataset] in e["members"])
        name = run(demo_db, "show", boss[dataset], "--json", user=user).stdout
        assert node["name"] == json.loads(name)["caption"]


def test_the_terminal_names_the_partners_whose_records_were_joined(demo_db: str) -> None:
    boss = CASE.truth["people"][BOSSES[0]]["records"]
    agencies = sorted({f.agency for f in CASE.files if f.dataset in boss})
    table = run(demo_db, "leaders", "--top", "30").stdout
    names = [row.split("│")[2] for row in table.splitlines() if row.count("│") == 5]
    shown = " ".join(" ".join(names).split())  # the name column, its wrapped lines joined
    assert f"({len(boss)} records: {', '.join(agencies)})" in shown


def test_owners_are_fused_with_their_members(demo_db: str) -> None:
    company = CASE.truth["people"][BOSSES[1]]["records"]["ae-fiu-registry"]
    owned = json.loads(run(demo_db, "owners", "ae-c-002", "--json").stdout)
    assert owned["fusion"]["state"] == "fused"
    boss = next(o for o in owned["owners"] if company in o["members"])
    assert boss["entity_id"] == min(boss["members"]) and len(boss["members"]) >= 2


def test_unmerged_shows_each_partners_record_apart(demo_db: str) -> None:
    apart = leaders(demo_db, "--unmerged")
    assert all(e["members"] == [e["entity_id"]] for e in apart)
    assert apart[0]["fusion"]["state"] == "unmerged"
    assert len(_people(apart)[BOSSES[0]]) >= 3  # the boss, once per partner's record
    assert len(apart) > len(leaders(demo_db))


def test_keyplayers_trace_and_graph_exports_are_fused(demo_db: str, tmp_path: Path) -> None:
    kp = json.loads(run(demo_db, "keyplayers", "--json", "-k", "3").stdout)
    assert kp["fusion"]["state"] == "fused"
    assert all(p["entity_id"] == min(p["members"]) for p in kp["key_players"]["players"])
    money_man = next(p for p in CASE.truth["people"].values() if p["role"] == "money")
    source = money_man["records"]["es-sepblac-transfers"]
    traced = json.loads(run(demo_db, "trace", source, "--max-gap-days", "400", "--json").stdout)
    holders = {d["entity_id"]: d["members"] for d in traced["destinations"]}
    boss_records = {r for k in BOSSES for r in CASE.truth["people"][k]["records"].values()}
    fused = [m for m in holders.values() if set(m) & boss_records]
    assert fused and all(len(m) >= 2 for m in fused)  # a boss is one holder, all records
    apart = json.loads(
        run(demo_db, "trace", source, "--max-gap-days", "400", "--json", "--unmerged").stdout
    )
    assert all(d["members"] == [d["entity_id"]] for d in apart["destinations"])
    counts = {}
    for flag in ((), ("--unmerged",)):
        out = tmp_path / f"g{len(flag)}.gexf"
        run(demo_db, "export", "--format", "gexf", "-o", str(out), *flag)
        counts[flag] = sum(1 for el in ET.parse(out).iter() if el.tag.endswith("}node"))
        text = out.read_text()
        assert "members" in text
    assert counts[()] < counts[("--unmerged",)]


def _hidden_double(tmp_path: Path) -> Path:
    """A SECRET record of the first boss that only US users may see (same name, birth
    date and nationality as DIJIN's record: the resolver joins it for whoever sees it)."""
    dijin = CASE.truth["people"][BOSSES[0]]["records"]["co-dijin-wiretaps"]
    original = next(e for f in CASE.files for e in f.entities if e["id"] == dijin)
    path = tmp_path / "hidden.ftm.jsonl"
    entity = {"id": "us-secret-0001", "schema": "Person", "properties": original["properties"]}
    path.write_bytes(orjson.dumps(entity) + b"\n")
    return path


def test_stale_note_and_no_leak_of_what_a_viewer_may_not_see(demo_db: str, tmp_path: Path) -> None:
    db = str(tmp_path / "copy.db")
    shutil.copy(demo_db, db)
    before = {user: leaders(db, user=user) for user in ("luis.sepblac", "fatima.fiu")}
    run(db, "ingest", str(_hidden_double(tmp_path)), "--dataset", "us-dea-secret",
        "--agency", "US-DEA", "--marking", "SECRET REL TO USA")  # fmt: skip
    # the administrator sees the new load: its fusion is stale, and says so
    stale = leaders(db)[0]["fusion"]
    assert stale["state"] == "stale" and stale["loads_since"] == 1
    assert "1 load since" in stale["message"]
    terminal = run(db, "leaders", "--top", "3")
    assert "1 load since" in terminal.stderr
    # a viewer who may not see the load is told nothing about it
    for user in before:
        assert leaders(db, user=user)[0]["fusion"]["state"] == "fused"
    for user in (None, *before):
        run(db, "resolve", user=user)
    admin = _people(leaders(db))
    boss_node = next(e for e in leaders(db) if e["entity_id"] == admin[BOSSES[0]][0])
    assert "us-secret-0001" in boss_node["members"]  # the test can see a leak
    for user, earlier in before.items():
        after = leaders(db, user=user)
        assert all("us-secret-0001" not in e["members"] for e in after)
        strip = [{k: v for k, v in e.items() if k != "fusion"} for e in earlier]
        assert [{k: v for k, v in e.items() if k != "fusion"} for e in after] == strip


def test_no_resolution_yet_is_said_plainly(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "new.db")
    calls = Path(__file__).parents[2] / "docs" / "examples" / "calls.csv"
    run(db, "ingest", str(calls), "--dataset", "co-wiretaps", "--agency", "CO-DIJIN",
        "--marking", "CONFIDENTIAL REL TO COL,USA H2 B2", "--format", "edgelist")  # fmt: skip
    result = run(db, "leaders", "--json")
    entries = json.loads(result.stdout)
    assert entries[0]["fusion"]["state"] == "unresolved"
    assert "no resolution yet" in result.stderr
    assert all(e["members"] == [e["entity_id"]] for e in entries)
