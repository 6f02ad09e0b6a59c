"""``cupula demo``: build a fresh store from the data shipped in the package, and show it.

Everything goes through ``ingest``, exactly as an analyst's files would.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from cupula.demo.generator import DemoCase, generate_case
from cupula.ingest import LoadOptions, LoadResult, ingest
from cupula.store import Store
from cupula.store.engine import resolve_url
from cupula.summary import summarize

DATA = Path(__file__).parent / "data"
CAVIAR = DATA / "caviar"
CAVIAR_AGENCY = "CA-RCMP"
CAVIAR_MARKING = "UNCLASSIFIED H0 A1"  # published research data


def fresh_store(db: str) -> Store:
    """An empty store at ``db``; an SQLite demo file from an earlier run is replaced."""
    url = resolve_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return Store.open(db)
    raise ValueError("the demo builds an SQLite file; give --db a file path")


def caviar_names_file(workdir: Path) -> Path:
    """The published names of CAVIAR's key players, as FtM entities (ids as the matrices')."""
    path = workdir / "caviar_names.ftm.jsonl"
    with (CAVIAR / "caviar_key_players.csv").open(encoding="utf-8") as fh, path.open("wb") as out:
        for row in csv.DictReader(fh):
            entity = {
                "id": f"caviar-{row['node_id']}",
                "schema": "Person",
                "properties": {"name": [row["name"]]},
            }
            out.write(orjson.dumps(entity) + b"\n")
    return path


def load_caviar(store: Store, workdir: Path) -> list[LoadResult]:
    results = []
    for phase in range(1, 12):
        results.append(
            ingest(
                store,
                CAVIAR / f"phase{phase}.csv",
                dataset="caviar",
                agency=CAVIAR_AGENCY,
                marking=CAVIAR_MARKING,
                fmt="matrix",
                options=LoadOptions(phase=str(phase), channel="phone", directed=True),
            )
        )
    results.append(
        ingest(
            store,
            caviar_names_file(workdir),
            dataset="caviar",
            agency=CAVIAR_AGENCY,
            marking=CAVIAR_MARKING,
        )
    )
    return results


def load_case(store: Store, case: DemoCase, workdir: Path) -> list[LoadResult]:
    results = []
    for demo_file in case.files:
        path = workdir / f"{demo_file.dataset}.ftm.jsonl"
        with path.open("wb") as out:
            for entity in demo_file.entities:
                out.write(orjson.dumps(entity) + b"\n")
        results.append(
            ingest(
                store,
                path,
                dataset=demo_file.dataset,
                agency=demo_file.agency,
                marking=demo_file.marking,
            )
        )
    return results


def run_demo(
    db: str, *, seed: int = 7, console: Console | None = None, truth_path: Path | None = None
) -> Store:
    console = console or Console()
    store = fresh_store(db)
    case = generate_case(seed)
    with tempfile.TemporaryDirectory(prefix="cupula-demo-") as tmp:
        workdir = Path(tmp)
        results = load_caviar(store, workdir) + load_case(store, case, workdir)
    if truth_path is not None:
        truth_path.write_text(json.dumps(case.truth, indent=2, ensure_ascii=False), "utf-8")
    show_demo(store, case, results, console)
    console.print(f"\nThe demo store is [bold]{store.url}[/bold]. Try:")
    console.print(f"  cupula --db {db} stats")
    boss = case.truth["people"][case.truth["leaders"][0]]["records"]
    console.print(f"  cupula --db {db} show {next(iter(boss.values()))}")
    return store


def show_demo(store: Store, case: DemoCase, results: list[LoadResult], console: Console) -> None:
    loads = Table(title="Loaded (each file all-or-nothing, each fact marked)", title_justify="left")
    for column in ("dataset", "file", "statements", "marking"):
        loads.add_column(column, overflow="fold")
    for r in results:
        loads.add_row(r.dataset, Path(r.path).name, f"{r.statements_added:,}", r.marking)
    console.print(loads)

    summary = summarize(store.view())
    entities = Table(title=f"{summary['statements']:,} statements about", title_justify="left")
    entities.add_column("schema")
    entities.add_column("entities", justify="right")
    for schema, count in summary["entities"].items():
        entities.add_row(schema, f"{count:,}")
    console.print(entities)

    view = store.view()
    fragments = Table(
        title="One organisation, five partners: the bosses as each partner wrote them",
        title_justify="left",
    )
    for column in ("who (ground truth)", "dataset", "record", "name in that record"):
        fragments.add_column(column, overflow="fold")
    for key in case.truth["leaders"]:
        person = case.truth["people"][key]
        for dataset, entity_id in person["records"].items():
            entity = view.entity(entity_id)
            names = ", ".join(entity.get("name")) if entity is not None else "?"
            fragments.add_row(f"{person['name']} ({person['role']})", dataset, entity_id, names)
    console.print(fragments)
    console.print(
        "No single partner holds the whole picture; matching these records across "
        "spellings and scripts, and ranking who leads, are the next steps.",
        style="dim",
    )
