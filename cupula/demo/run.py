"""``cupula demo``: build a fresh store from the data shipped in the package, and show it.

Everything goes through ``ingest``, exactly as an analyst's files would.
"""

from __future__ import annotations

import csv
import json
import secrets
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from cupula.access import accounts, audit
from cupula.access.viewer import Role, Viewer
from cupula.demo.generator import DemoCase, generate_case
from cupula.errors import InvalidInput
from cupula.evaluation.metrics import clustering_quality
from cupula.graph.fusion import Fusion, fusion_for
from cupula.graph.leaders import Leader, LeaderOptions, rank_leaders
from cupula.graph.projection import project
from cupula.ingest import LoadOptions, LoadResult, ingest
from cupula.model.marking import Classification, Marking
from cupula.money.flows import flows_from_entities
from cupula.money.ownership import owners, ownership_from_entities
from cupula.money.rates import Rates
from cupula.money.trace import TraceOptions, trace
from cupula.resolve.scoring import probability
from cupula.resolve.service import clusters_for, resolve_view
from cupula.store import Store
from cupula.store.engine import resolve_url
from cupula.store.tables import agency_table, load_table
from cupula.summary import summarize

DATA = Path(__file__).parent / "data"
CAVIAR = DATA / "caviar"
CAVIAR_AGENCY = "CA-RCMP"
CAVIAR_MARKING = "UNCLASSIFIED REL TO ARE,CAN,COL,ESP,NLD,USA H0 A1"  # published research data

AGENCIES = [
    ("CA-RCMP", "CAN", "Royal Canadian Mounted Police"),
    ("CO-DIJIN", "COL", "Dirección de Investigación Criminal e INTERPOL"),
    ("CO-FISCALIA", "COL", "Fiscalía General de la Nación"),
    ("ES-SEPBLAC", "ESP", "Servicio Ejecutivo de Prevención del Blanqueo de Capitales"),
    ("US-DEA", "USA", "Drug Enforcement Administration"),
    ("AE-FIU", "ARE", "UAE Financial Intelligence Unit"),
    ("NL-POLITIE", "NLD", "Politie Nederland"),
]
# One user per partner; CO-FISCALIA shares a country with the DIJIN but is not it.
USERS = [
    ("ana.dijin", "CO-DIJIN", Classification.CONFIDENTIAL, {Role.ANALYST}),
    ("sofia.fiscalia", "CO-FISCALIA", Classification.SECRET, {Role.ANALYST}),
    ("luis.sepblac", "ES-SEPBLAC", Classification.SECRET, {Role.ANALYST}),
    ("mike.dea", "US-DEA", Classification.SECRET, {Role.ANALYST, Role.SUPERVISOR}),
    ("fatima.fiu", "AE-FIU", Classification.RESTRICTED, {Role.ANALYST}),
    ("joost.politie", "NL-POLITIE", Classification.CONFIDENTIAL, {Role.ANALYST}),
]


def register_partners(store: Store) -> dict[str, str]:
    """The partners and one user each; returns each user's password, made up for this
    demo store only (printed once, stored only as argon2id hashes)."""
    admin = Viewer.local_admin()  # the demo is set up on this machine
    for agency_id, country, name in AGENCIES:
        accounts.add_agency(store, admin, agency_id, country, name)
    passwords = {name: secrets.token_urlsafe(9) for name, *_ in USERS}
    for name, agency, clearance, roles in USERS:
        accounts.add_user(store, admin, name, agency, clearance, frozenset(roles),
                          password=passwords[name])  # fmt: skip
    return passwords


class DemoRefused(InvalidInput):
    """The demo will not build its store over data it did not make."""


Load = tuple[str, str, str]  # dataset, agency, marking id


def demo_loads(case: DemoCase) -> set[Load]:
    """What the demo loads: each dataset by its agency under its marking."""
    files = [("caviar", CAVIAR_AGENCY, CAVIAR_MARKING)]
    files += [(f.dataset, f.agency, f.marking) for f in case.files]
    return {(d, a, Marking.parse(m, originator=a).id) for d, a, m in files}


def fresh_store(db: str, loads: set[Load]) -> Store:
    """An empty store at ``db`` for a demo that makes ``loads``.

    An SQLite file from an earlier demo is replaced. Because ``db`` may come from the
    global ``--db`` or ``CUPULA_DB`` (an analyst's real store), a file that holds any
    other load (another dataset, agency or marking), or that is not a cupula store, is
    refused and left untouched. A PostgreSQL database is never dropped: the demo fills
    it only when it is empty.
    """
    url = resolve_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        wal = Path(str(path) + "-wal")
        if path.exists() and (path.stat().st_size > 0 or wal.exists()):
            others = _other_loads(path, loads)
            if others:
                raise DemoRefused(
                    f"{path} holds data the demo did not make ({others}); the demo rebuilds "
                    "its store from scratch, so give it another file: cupula --db FILE demo"
                )
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return Store.open(db)
    store = Store.open(db)
    with store.engine.connect() as conn:
        loaded = sorted(conn.execute(select(load_table.c.dataset).distinct()).scalars())
        agencies = conn.execute(select(func.count()).select_from(agency_table)).scalar()
    if loaded or agencies:
        store.close()
        raise DemoRefused(
            f"{store.url} already holds data ({', '.join(loaded) or f'{agencies} agencies'}); "
            "the demo fills an empty database and never drops one: create an empty one for it"
        )
    return store


def _other_loads(path: Path, loads: set[Load]) -> str:
    """What in the SQLite file at ``path`` the demo did not load (empty: nothing)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "load" not in tables:
                return "it is not a cupula store"
            query = "SELECT DISTINCT dataset, agency, marking_id FROM load"
            found = {(str(d), str(a), str(m)) for d, a, m in conn.execute(query)}
    except sqlite3.DatabaseError:
        return "it is not a cupula store"
    return ", ".join(sorted({f"{d} by {a}" for d, a, _m in found - loads}))


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
                by=Viewer.local_admin(),
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
            by=Viewer.local_admin(),
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
                by=Viewer.local_admin(),
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
    case = generate_case(seed)
    store = fresh_store(db, demo_loads(case))
    passwords = register_partners(store)  # first: every load is for a registered agency
    with tempfile.TemporaryDirectory(prefix="cupula-demo-") as tmp:
        workdir = Path(tmp)
        results = load_caviar(store, workdir) + load_case(store, case, workdir)
    for result in results:  # the demo loads as the local administrator, on the record
        audit.append(
            store,
            Viewer.local_admin(),
            "ingest",
            {"path": Path(result.path).name, "dataset": result.dataset, "outcome": "ok"},
            purpose="demo",
            statements=result.statements_added,
            originators={result.marking.rsplit(" ", 1)[-1]: result.statements_added},
        )
    if truth_path is not None:
        truth_path.write_text(json.dumps(case.truth, indent=2, ensure_ascii=False), "utf-8")
    show_demo(store, case, results, console)
    console.print(f"\nThe demo store is [bold]{store.url}[/bold]. Try:")
    console.print(f"  cupula --db {db} --purpose demo stats")
    console.print(f"  cupula --db {db} --as fatima.fiu stats")
    boss = case.truth["people"][case.truth["leaders"][0]]["records"]
    console.print(f"  cupula --db {db} --purpose demo show {next(iter(boss.values()))}")
    console.print(f"  cupula --db {db} --purpose demo leaders --dataset caviar --phase 11")
    console.print(
        f"  cupula --db {db} --purpose demo report leaders --dataset caviar -o caviar.html"
    )
    console.print(f"  cupula --db {db} --purpose demo owners ae-c-002")
    console.print(f"  cupula --db {db} --purpose demo report money es-p-0004 -o money.html")
    console.print(f"  cupula --db {db} --purpose demo clusters")
    console.print(f"  cupula --db {db} --purpose demo review")
    console.print(f"  cupula --db {db} audit verify")
    console.print(
        f"\nThe workbench: [bold]cupula --db {db} serve[/bold], then open "
        "http://127.0.0.1:8765 and log in as one of the partners' analysts "
        "(passwords made up for this demo store only):"
    )
    for name, agency, _, _ in USERS:
        console.print(f"  {name:15} {passwords[name]:14} {agency}", highlight=False)
    return store


def show_demo(store: Store, case: DemoCase, results: list[LoadResult], console: Console) -> None:
    loads = Table(title="Loaded (each file all-or-nothing, each fact marked)", title_justify="left")
    for column in ("dataset", "file", "statements", "marking"):
        loads.add_column(column, overflow="fold")
    for r in results:
        loads.add_row(r.dataset, Path(r.path).name, f"{r.statements_added:,}", r.marking)
    console.print(loads)

    admin = store.view(Viewer.local_admin(), purpose="demo")
    summary = summarize(admin)
    entities = Table(title=f"{summary['statements']:,} statements about", title_justify="left")
    entities.add_column("schema")
    entities.add_column("entities", justify="right")
    for schema, count in summary["entities"].items():
        entities.add_row(schema, f"{count:,}")
    console.print(entities)

    view = store.view(Viewer.local_admin(), purpose="demo")
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
    who = Table(title="What each partner's analyst may see (markings decide)", title_justify="left")
    for column in ("user", "agency", "clearance", "statements", "datasets"):
        who.add_column(column, overflow="fold")
    for name, agency, clearance, _roles in USERS:
        seen = store.view(accounts.viewer_for(store, name), purpose="demo").count_by("dataset")
        who.add_row(name, agency, clearance.name, f"{sum(seen.values()):,}", ", ".join(seen))
    console.print(who)
    show_leaders(store, case, console)
    show_resolution(store, case, console)
    show_resolved_leaders(store, case, console)
    show_money(store, case, console)


def _leader_table(title: str, leaders: list[Leader], roles: dict[str, str]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("name", overflow="fold")
    table.add_column("score", justify="right")
    if roles:
        table.add_column("really (ground truth)")
    table.add_column("why", overflow="fold")
    for x in leaders:
        extra = [roles.get(x.entity_id, "-")] if roles else []
        table.add_row(str(x.rank), x.name, f"{x.score:.2f}", *extra, "\n".join(x.reasons[:2]))
    return table


def show_leaders(store: Store, case: DemoCase, console: Console) -> None:
    """Who leads: CAVIAR as the police saw it, and the synthetic case as the partners do."""
    admin = Viewer.local_admin()
    caviar = project(store.view(admin, datasets=["caviar"], purpose="demo"))
    ranking = rank_leaders(caviar, options=LeaderOptions(top=3))
    console.print(
        _leader_table("CAVIAR: who leads (police roles: Serero mastermind)", ranking.leaders, {})
    )
    roles = {
        entity_id: person["role"]
        for person in case.truth["people"].values()
        for entity_id in person["records"].values()
    }
    datasets = sorted({f.dataset for f in case.files})
    net = project(store.view(admin, datasets=datasets, purpose="demo"))
    ranking = rank_leaders(net, options=LeaderOptions(top=5))
    console.print(
        _leader_table(
            "The synthetic case, every partner's records pooled (not yet matched)",
            ranking.leaders,
            roles,
        )
    )
    console.print(
        "Each partner's record of a person is still a separate node here; entity "
        "resolution, below, joins them across spellings and scripts.",
        style="dim",
    )


def show_resolution(store: Store, case: DemoCase, console: Console) -> list[list[str]]:
    """Resolve everything the administrator sees; show the bosses' merges and why."""
    view = store.view(Viewer.local_admin(), purpose="demo")
    resolution = resolve_view(store, view)
    clusters = clusters_for(store, view).merged()
    truth = [list(c) for c in case.truth["clusters"]]
    ids = sorted({e for c in truth for e in c} | {e for c in clusters for e in c})
    position = {e: i for i, e in enumerate(ids)}
    labels = [""] * len(ids)
    for n, members in enumerate(truth):
        for e in members:
            labels[position[e]] = f"t{n}"
    for i, e in enumerate(ids):
        labels[i] = labels[i] or e
    quality = clustering_quality([[position[e] for e in c] for c in clusters], labels)
    index = {r.key: i for i, r in enumerate(resolution.records)}
    console.print(
        f"\n[bold]Entity resolution[/bold]: {resolution.stats['records']:,} records, "
        f"{resolution.stats['candidates']:,} candidate pairs, {len(clusters)} merged clusters; "
        f"against the ground truth: pairwise precision {quality['pairwise']['precision']:.2f}, "
        f"recall {quality['pairwise']['recall']:.2f}."
    )
    table = Table(title="The bosses' fragments, joined (and why)", title_justify="left")
    for column in ("who (ground truth)", "record", "name in that record", "why joined"):
        table.add_column(column, overflow="fold")
    for key in case.truth["leaders"]:
        person = case.truth["people"][key]
        records = list(person["records"].values())
        found = next((c for c in clusters if records[0] in c), [records[0]])
        anchor = next((e for e in found if e.startswith("co-")), found[0])
        for entity_id in found:
            entity = view.entity(entity_id)
            name = ", ".join(entity.get("name")) if entity is not None else "?"
            why = ""
            if entity_id != anchor:
                features = resolution.features(index[anchor], index[entity_id]) or {}
                why = ", ".join(f"{k} {v:+.0f}" for k, v in features.items()
                                if k not in ("prior", "bits") and v)  # fmt: skip
                why = f"{why} bits (p = {probability(features.get('bits', 0.0)):.2f})"
                why = why if features else "via another member"
            mark = "" if entity_id in records else " [red](not him)[/red]"
            table.add_row(f"{person['name']}{mark}", entity_id, name, why)
        for missed in sorted(set(records) - set(found)):
            table.add_row(person["name"], missed, "[dim]not joined[/dim]", "")
    resolution.close()
    console.print(table)
    return clusters


def _truth_of(case: DemoCase) -> dict[str, tuple[str, str]]:
    """Record id -> (person, role) in the ground truth."""
    return {
        entity_id: (person["name"], person["role"])
        for person in case.truth["people"].values()
        for entity_id in person["records"].values()
    }


def fused_ranking(
    store: Store, viewer: Viewer, datasets: list[str] | None
) -> tuple[Fusion, list[Leader]] | None:
    """The viewer's whole ranking of ``datasets`` (None: all it sees) on its fused network
    (its stored resolution); None when it sees no tie there."""
    whole = store.view(viewer, purpose="demo")
    view = store.view(viewer, datasets=datasets, purpose="demo")
    fusion = fusion_for(store, view, whole=whole)
    net = fusion.apply(project(view))
    if net.m == 0:
        return None
    return fusion, rank_leaders(net).leaders


def show_resolved_leaders(store: Store, case: DemoCase, console: Console) -> None:
    """The synthetic case's leaders on each viewer's fused network (one node per person,
    from that viewer's own resolution, run here as `cupula resolve` would), beside the
    ground truth."""
    datasets = sorted({f.dataset for f in case.files})
    truth = _truth_of(case)
    bosses = {e for k in case.truth["leaders"] for e in case.truth["people"][k]["records"].values()}
    viewers = [("administrator", Viewer.local_admin())]
    viewers += [(name, accounts.viewer_for(store, name)) for name, *_ in USERS]
    for label, viewer in viewers:
        if label != "administrator":  # the administrator's run is show_resolution's
            resolve_view(store, store.view(viewer, purpose="demo"))
    admin = fused_ranking(store, Viewer.local_admin(), datasets)
    assert admin is not None  # the administrator sees every tie
    fusion, ranking = admin
    roles = {x.entity_id: _roles(fusion.members_of(x.entity_id), truth) for x in ranking}
    title = "The synthetic case after resolution (the administrator)"
    console.print(_leader_table(title, ranking[:5], roles))
    table = Table(
        title="Who leads on each partner's fused network (its own resolution of what it "
        "may see), beside the ground truth: the two bosses",
        title_justify="left",
    )
    columns = ("analyst", "fused top 5 of the case (ground truth)", "bosses ranked (case)",
               "bosses ranked (all it sees, CAVIAR too)")  # fmt: skip
    for column in columns:
        table.add_column(column, overflow="fold")

    def bosses_in(found: tuple[Fusion, list[Leader]] | None) -> str:
        if found is None:
            return "no tie"
        ranks = [str(x.rank) for x in found[1] if bosses & set(found[0].members_of(x.entity_id))]
        return ", ".join(ranks) or "not seen"

    for label, viewer in viewers:
        found = admin if label == "administrator" else fused_ranking(store, viewer, datasets)
        everything = bosses_in(fused_ranking(store, viewer, None))
        if found is None:
            table.add_row(label, "[dim]sees no tie of the case[/dim]", "", everything)
            continue
        fusion, ranking = found
        top = [
            f"{x.rank}. {x.name} ({_roles(fusion.members_of(x.entity_id), truth)})"
            for x in ranking[:5]
        ]
        table.add_row(label, "\n".join(top), bosses_in(found), everything)
    console.print(table)


def _roles(members: list[str], truth: dict[str, tuple[str, str]]) -> str:
    found = sorted({truth[m] for m in members if m in truth})
    return " + ".join(f"{role}" for _name, role in found) or "-"


def show_money(store: Store, case: DemoCase, console: Console) -> None:
    """Where the money of the demo organisation ends, and who owns the Dubai companies."""
    view = store.view(Viewer.local_admin(), purpose="demo")
    entities = list(view.entities())
    flows = flows_from_entities(entities, Rates.load())
    roles = {
        entity_id: f"{person['name']} ({person['role']})"
        for person in case.truth["people"].values()
        for entity_id in person["records"].values()
    }
    money_men = [
        person["records"]["es-sepblac-transfers"]
        for person in case.truth["people"].values()
        if person["role"] == "money" and "es-sepblac-transfers" in person["records"]
    ]
    table = Table(
        title="Where the money men's payments ended (traced through the companies, FIFO)",
        title_justify="left",
    )
    for column in ("holder", "amount (USD)", "country", "really (ground truth)"):
        table.add_column(column, overflow="fold")
    ends: dict[str, float] = {}
    for source in money_men:
        result = trace(flows, source, TraceOptions(max_gap_days=400))
        for d in result.destinations:
            ends[d.entity_id] = ends.get(d.entity_id, 0.0) + d.amount
    for holder, amount in sorted(ends.items(), key=lambda kv: -kv[1])[:6]:
        h = flows.holder(holder)
        table.add_row(h.name, f"{amount:,.0f}", ", ".join(h.countries[:1]), roles.get(holder, "-"))
    console.print(table)
    graph = ownership_from_entities(entities)
    table = Table(title="Who really owns the Dubai companies", title_justify="left")
    for column in ("company", "owner", "effective share", "really (ground truth)"):
        table.add_column(column, overflow="fold")
    for company in ("ae-c-001", "ae-c-002", "ae-c-003"):
        for o in owners(graph, company).beneficial:
            name = graph.holder(company).name
            table.add_row(name, o.entity_id, f"{o.effective:.0%}", roles.get(o.entity_id, "-"))
    console.print(table)
