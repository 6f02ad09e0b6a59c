"""Benchmark: each partner analyst's first search, entity page and two-hop network on a
large store, from a fresh process, read by index (now) and by the whole view (before).

    .venv/bin/python bench/reads_scale.py                         # 1M statements
    .venv/bin/python bench/reads_scale.py --statements 10000000 --no-old
    .venv/bin/python bench/reads_scale.py --db /tmp/big.db        # keep (and reuse) the store

The store is the demo case plus one agency's bulk file (``cupula.demo.bulk``, loaded with
``ingest`` as CO-DIJIN, RESTRICTED REL TO ESP), as issue 18 describes. Each analyst's
reads run in a new process (no cache, no warm index), first the search ("Restrepo", a
surname tens of thousands of bulk names share), then the entity page and the two-hop
network (max 150 nodes) of the first hit. "old" is the whole-view path: the name index
over ``records_of(view)`` and the projection of the whole network (the old graph's
leader ranking and key players are not counted: it took minutes more). Figures, not
pass/fail: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERY = "Restrepo"
HOPS, MAX_NODES = 2, 150


def build(db: str, statements: int, work: Path) -> None:
    from rich.console import Console

    from cupula.access.viewer import Viewer
    from cupula.demo.bulk import write_bulk_ftm
    from cupula.demo.run import run_demo
    from cupula.ingest import ingest

    store = run_demo(db, console=Console(quiet=True))
    demo = store.view(Viewer.local_admin(), purpose="bench").count_statements()
    path = work / "bulk.ftm.jsonl"
    write_bulk_ftm(path, max(statements - demo, 0))
    started = time.perf_counter()
    result = ingest(store, path, by=Viewer.local_admin(), dataset="bulk", agency="CO-DIJIN",
                    marking="RESTRICTED REL TO ESP H1 B2")  # fmt: skip
    seconds = time.perf_counter() - started
    print(json.dumps({"built": db, "demo_statements": demo, "bulk": result.statements_read,
                      "bulk_load_s": round(seconds, 1)}), flush=True)  # fmt: skip
    store.close()


def child(db: str, user: str, path: str) -> dict[str, Any]:
    """One analyst's first reads, in this (fresh) process."""
    from cupula.access.accounts import viewer_for
    from cupula.errors import NotFound
    from cupula.http import reads
    from cupula.store import Store
    from cupula.store.derived import Derived

    store = Store.open(db)
    viewer = viewer_for(store, user)

    def view():  # type: ignore[no-untyped-def]
        return store.view(viewer, purpose="bench")

    out: dict[str, Any] = {"user": user, "path": path}
    t = time.perf_counter()
    if path == "new":
        cache = Derived(store.data_version)
        hits = reads.search_names(view(), cache, QUERY, 10)
        out["search_s"] = round(time.perf_counter() - t, 3)
        out["hits"] = [h["entity_id"] for h in hits]
        out["capped"] = bool(hits and hits[0]["capped"])
        if not hits:
            return out
        seed = hits[0]["entity_id"]
        t = time.perf_counter()
        page = reads.entity_page(view(), cache, seed)
        out["entity_s"] = round(time.perf_counter() - t, 3)
        out["relationships"] = len(page["relationships"])
        t = time.perf_counter()
        try:
            found = reads.graph(view(), cache, [seed], hops=HOPS, max_nodes=MAX_NODES)
            out["nodes"], out["truncated"] = len(found["nodes"]), found["truncated"]
        except NotFound:
            out["nodes"] = 0
        out["graph_s"] = round(time.perf_counter() - t, 3)
        return out
    from cupula.entity_page import relationships
    from cupula.graph.analysis import network_of
    from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
    from cupula.resolve.records import records_of
    from cupula.resolve.search import NameIndex

    index = NameIndex(records_of(view()))
    old_hits = index.search(QUERY, limit=10)
    out["search_s"] = round(time.perf_counter() - t, 3)
    out["hits"] = [h.entity_id for h in old_hits]
    if not old_hits:
        return out
    seed = old_hits[0].entity_id
    t = time.perf_counter()
    net = network_of(view()).network
    out["relationships"] = len(relationships(net, seed))
    out["entity_s"] = round(time.perf_counter() - t, 3)  # network + values, index reused
    t = time.perf_counter()
    found = neighbourhood(net, [seed], options=NeighbourhoodOptions(HOPS, MAX_NODES))
    out["nodes"], out["truncated"] = len(found["nodes"]), found["truncated"]
    out["graph_s"] = round(time.perf_counter() - t, 3) + out["entity_s"]  # its network too
    return out


def fresh_load(db: str, work: Path) -> dict[str, Any]:
    """10k new statements loaded into the large store: seconds until an analyst of the
    loading agency finds them by search and opens one's page (a fresh process)."""
    from cupula.access.accounts import viewer_for
    from cupula.access.viewer import Viewer
    from cupula.http import reads
    from cupula.ingest import ingest
    from cupula.store import Store
    from cupula.store.derived import Derived

    path = work / "fresh.ftm.jsonl"
    lines = []
    for i in range(2_000):  # a person (3 statements) and a call (3)
        person = {
            "id": f"fresh-p{i}",
            "schema": "Person",
            "properties": {"name": [f"Zacarias Quintanilla {i}"], "nationality": ["co"]},
        }
        call = {
            "id": f"fresh-c{i}",
            "schema": "Communication",
            "properties": {"initiator": [f"fresh-p{i}"], "receiver": [f"fresh-p{(i + 1) % 2000}"]},
        }
        lines += [json.dumps(person), json.dumps(call)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", "utf-8")
    store = Store.open(db)
    started = time.perf_counter()
    result = ingest(store, path, by=Viewer.local_admin(), dataset="fresh", agency="CO-DIJIN",
                    marking="RESTRICTED REL TO ESP H1 B2")  # fmt: skip
    loaded = time.perf_counter() - started
    view = store.view(viewer_for(store, "ana.dijin"), purpose="bench")
    cache = Derived(store.data_version)
    hits = reads.search_names(view, cache, "Quintanilla 1234", 5)
    page = reads.entity_page(store.view(view.viewer, purpose="bench"), cache, "fresh-p1234")
    return {"fresh_statements": result.statements_read, "load_s": round(loaded, 2),
            "visible_s": round(time.perf_counter() - started, 2),
            "first_hit": hits[0]["entity_id"] if hits else None,
            "relationships": len(page["relationships"])}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--db", help="the store (built when absent)")
    parser.add_argument("--no-old", action="store_true", help="skip the whole-view path")
    parser.add_argument("--users", nargs="+", help="analysts (default: every partner's)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--fresh", action="store_true", help="then load 10k new statements")
    parser.add_argument("--child", nargs=3, metavar=("DB", "USER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    from cupula.demo.run import USERS

    with tempfile.TemporaryDirectory(prefix="cupula-reads-") as tmp:
        db = args.db or str(Path(tmp) / "reads.db")
        if not Path(db).exists():
            build(db, args.statements, Path(tmp))
        rows = []
        for user in args.users or [name for name, *_ in USERS]:
            for path in ("new",) if args.no_old else ("new", "old"):
                cmd = [sys.executable, __file__, "--child", db, user, path]
                done = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                print(json.dumps(row), flush=True)
                rows.append(row)
        if args.fresh:
            rows.append(fresh_load(db, Path(tmp)))
            print(json.dumps(rows[-1]), flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
