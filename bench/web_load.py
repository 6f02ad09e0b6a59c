"""The workbench under 50 concurrent analysts (issues 7 and 18), on a store of a chosen size.

    .venv/bin/python bench/web_load.py [--size demo|1m|10m] [--users 50] [--seconds 60]
        [--think 1.0] [--workers 1] [--first-timeout 120] [--store DIR] [--out F]

The store: the demo case (``--size demo``, about 5.7k statements), or the demo case plus
one agency's bulk file from ``cupula.demo.bulk`` loaded with ``cupula ingest`` up to about
1M or 10M statements (``--bulk-agency`` under ``--bulk-marking``: by default DIJIN's,
releasable to Spain, so two of the five analysts' views are large). ``--store DIR`` keeps
the built store in DIR and reuses it on the next run of the same size.

Each demo analyst gets a password and a plan of what its own view lets it open (entities,
names, well-tied people: from the demo case, plus bulk people for the analysts who may see
the bulk file), so that no request is a 404 by construction. Then, against a fresh
``cupula serve`` (``--workers`` processes):

1. **first requests**: every analyst at once logs in and makes its first search, entity
   page, two-hop expansion and money trail, one after the other, each timed (a request
   over ``--first-timeout`` seconds is given up and reported as such);
2. **under load**: locust runs ``--users`` analysts headless (entity page, name search,
   two-hop expansion) for ``--warmup`` + ``--seconds``; the figures (p50/p95/p99) are of
   the ``--seconds`` after the warm-up;
3. the server's peak memory (the sum of its processes' peak resident sets).

At demo size it also runs once more without the derived-results cache (the reference
point of issue 7). Needs locust: ``.venv/bin/pip install -e '.[bench]'``, or name another
Python that has it in ``CUPULA_LOCUST_PYTHON``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent  # this checkout's cupula, here and in the server
sys.path.insert(0, str(ROOT))

from cupula.access import accounts  # noqa: E402
from cupula.access.policy import decide  # noqa: E402
from cupula.access.viewer import Viewer  # noqa: E402
from cupula.demo.bulk import write_bulk_ftm  # noqa: E402
from cupula.demo.run import USERS, run_demo  # noqa: E402
from cupula.graph.analysis import network_of  # noqa: E402
from cupula.model.marking import Marking  # noqa: E402
from cupula.resolve.records import records_of  # noqa: E402
from cupula.store import Store  # noqa: E402
from cupula.summary import summarize  # noqa: E402

HERE = Path(__file__).parent
ADMIN = Viewer.local_admin()  # who sets the analysts' passwords
TARGET_MS = 100
SIZES = {"demo": 0, "1m": 1_000_000, "10m": 10_000_000}
BULK_SAMPLE = 300  # bulk people added to the plan of an analyst who may see them
LOCUST_PYTHON = os.environ.get("CUPULA_LOCUST_PYTHON") or sys.executable


def demo_plan(db: str) -> dict[str, dict[str, Any]]:
    """Each demo analyst's password and what its own view of the demo case lets it open."""
    store = Store.open(db)
    plan = {}
    for name, *_ in USERS:
        password = f"bench-{name}"
        accounts.set_password(store, ADMIN, name, password)  # the demo's are made up per run
        view = store.view(accounts.viewer_for(store, name), purpose="bench plan")
        every = records_of(view)
        records = [r for r in every if r.family == "person" and r.names]
        net = network_of(view).network
        degree = {net.node_ids[i]: 0 for i in range(net.n)}
        for a, b in zip(net.src.tolist(), net.dst.tolist(), strict=True):
            degree[net.node_ids[a]] += 1
            degree[net.node_ids[b]] += 1
        hubs = [n for n, d in sorted(degree.items(), key=lambda kv: -kv[1]) if d][:20]
        shown = {r.key for r in every}  # a payer the view does not show would be a 404
        payers = {s.value for s in view.statements(schema="Payment") if s.prop == "payer"} & shown
        plan[name] = {
            "password": password,
            "entities": [r.key for r in records],
            "names": [r.names[0] for r in records],
            "hubs": hubs,
            "payers": sorted(payers)[:20] or hubs[:1],
        }
    store.close()
    return plan


def bulk_people(path: Path) -> list[tuple[str, str]]:
    """(id, name) of the first ``BULK_SAMPLE`` people of a bulk file, all of them payers."""
    found = []
    with path.open("rb") as fh:
        for line in fh:
            entity = json.loads(line)
            if entity["schema"] == "Person":
                found.append((entity["id"], entity["properties"]["name"][0]))
                if len(found) == BULK_SAMPLE:
                    break
    return found


def build_store(
    folder: Path, size: str, agency: str, marking: str, console: Console
) -> tuple[str, dict[str, dict[str, Any]], int]:
    """The store of ``size`` in ``folder`` (reused when built before); its plan and its
    number of statements."""
    db = str(folder / f"{size}.db")
    plan_path = folder / f"{size}.plan.json"
    if plan_path.exists() and Path(db).exists():
        plan, statements = json.loads(plan_path.read_text(encoding="utf-8"))
        return db, plan, statements
    run_demo(db, console=Console(file=open(os.devnull, "w"))).close()  # noqa: SIM115
    plan = demo_plan(db)
    store = Store.open(db)
    statements = summarize(store.view(ADMIN, purpose="bench"))["statements"]
    store.close()
    if SIZES[size]:
        bulk = folder / f"{size}.bulk.jsonl"
        write_bulk_ftm(bulk, SIZES[size] - statements)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cupula.cli", "--db", db, "ingest", str(bulk),
             "--dataset", "co-bulk", "--agency", agency, "--marking", marking],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        console.print(f"bulk file loaded in {time.perf_counter() - started:.0f} s")
        sample = bulk_people(bulk)
        bulk.unlink()
        store = Store.open(db)
        for name in plan:
            if decide(accounts.viewer_for(store, name), Marking.parse(marking, originator=agency)):
                plan[name]["entities"] += [key for key, _ in sample]
                plan[name]["names"] += [text for _, text in sample]
                plan[name]["hubs"] += [key for key, _ in sample[:20]]
                plan[name]["payers"] += [key for key, _ in sample[:20]]
        statements = summarize(store.view(ADMIN, purpose="bench"))["statements"]
        store.close()
    plan_path.write_text(json.dumps([plan, statements]), encoding="utf-8")
    return db, plan, statements


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


UNCACHED_SERVER = """
import sys, uvicorn
from cupula.app import create_app
uvicorn.run(create_app(sys.argv[1], cache_size=0),
            host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def start_server(db: str, *, workers: int, cache: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    if cache:
        command = [sys.executable, "-m", "cupula.cli", "--db", db, "serve", "--port", str(port),
                   "--workers", str(workers)]  # fmt: skip
    else:
        command = [sys.executable, "-c", UNCACHED_SERVER, db, str(port)]
    log = Path(db).with_suffix(".serve.log")
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if server.poll() is not None:
            break
        try:
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start:\n" + log.read_text(errors="replace")[-3000:])


def peak_memory_mib(pid: int) -> float:
    """The peak resident set of ``pid`` and its children, summed (MiB)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(entry.name) != pid and int(stat[1]) != pid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return round(total / 1024, 1)


def first_requests(base: str, plan: dict[str, dict[str, Any]], timeout: float) -> dict[str, Any]:
    """Every analyst at once: log in, then its first request of each type, timed (ms)."""
    out: dict[str, Any] = {}

    def analyst(name: str) -> None:
        mine = plan[name]
        steps = [
            ("search", "/api/search", {"q": mine["names"][-1]}),
            ("entity page", f"/entity/{mine['entities'][-1]}", {}),
            ("two-hop expansion", "/api/graph", {"entity": mine["hubs"][-1], "hops": 2}),
            ("money trail", f"/api/money/{mine['payers'][-1]}", {}),
        ]
        times: dict[str, Any] = {}
        with httpx.Client(base_url=base, timeout=timeout) as client:
            started = time.perf_counter()
            reply = client.post("/api/login", json={"user": name, "password": mine["password"]})
            times["login"] = round((time.perf_counter() - started) * 1000)
            headers = {"X-CSRF-Token": reply.json()["csrf"], "X-Purpose": "bench"}
            for label, path, params in steps:
                started = time.perf_counter()
                try:
                    answer = client.get(path, params=params, headers=headers)
                    took: Any = round((time.perf_counter() - started) * 1000)
                    if answer.status_code != 200:
                        took = f"{answer.status_code} after {took} ms"
                except httpx.TimeoutException:
                    took = f"no answer in {timeout:.0f} s"
                times[label] = took
        out[name] = times

    threads = [threading.Thread(target=analyst, args=(name,)) for name in sorted(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def under_load(base: str, plan_path: Path, folder: Path, label: str, args: argparse.Namespace
               ) -> dict[str, dict[str, float]]:  # fmt: skip
    prefix = folder / label
    env = {**os.environ, "CUPULA_BENCH_PLAN": str(plan_path), "CUPULA_BENCH_THINK": str(args.think),
           "CUPULA_BENCH_WARMUP": str(args.warmup)}  # fmt: skip
    subprocess.run(
        [LOCUST_PYTHON, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless",
         "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds + args.warmup}s",
         "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False,
    )  # fmt: skip
    out: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Request Count"] == "0":  # the logins, all in the warm-up
                continue
            out[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "per_second": round(float(row["Requests/s"]), 1),
            }
    return out


def run(db: str, plan_path: Path, plan: dict[str, dict[str, Any]], folder: Path, *, cache: bool,
        args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    label = "cached" if cache else "uncached"
    server, base = start_server(db, workers=args.workers, cache=cache)
    try:
        started = peak_memory_mib(server.pid)
        first = first_requests(base, plan, args.first_timeout)
        after_first = peak_memory_mib(server.pid)
        load = under_load(base, plan_path, folder, label, args)
        peak = peak_memory_mib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {
        "first_requests_ms": first,
        "under_load": load,
        "server_peak_mib": {
            "started": started,
            "after_first_requests": after_first,
            "after_load": peak,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="demo")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--first-timeout", type=float, default=120.0)
    parser.add_argument("--bulk-agency", default="CO-DIJIN")
    parser.add_argument("--bulk-marking", default="RESTRICTED REL TO ESP")
    parser.add_argument("--store", type=Path, help="build the store here, and reuse it")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or HERE / f"web_load-{args.size}.json"
    console = Console()
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db, plan, statements = build_store(folder, args.size, args.bulk_agency,
                                           args.bulk_marking, console)  # fmt: skip
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        modes = (True, False) if args.size == "demo" else (True,)
        results = {
            ("cached" if cache else "uncached"): run(
                db, plan_path, plan, Path(tmp), cache=cache, args=args
            )
            for cache in modes
        }
    report = {
        "size": args.size,
        "statements": statements,
        "users": args.users,
        "workers": args.workers,
        "seconds": args.seconds,
        "think_seconds": args.think,
        "warmup_seconds": args.warmup,
        "target_p95_ms": TARGET_MS,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "results": results,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"{args.size}: {statements:,} statements; written to {out}")
    for label, result in results.items():
        console.print(f"[bold]{label}[/bold]  server peak memory: {result['server_peak_mib']}")
        for name, times in result["first_requests_ms"].items():
            console.print(f"  first requests of {name:14} {times}")
        for name, r in result["under_load"].items():
            console.print(
                f"  {name:20} n={r['requests']:6} fail={r['failures']:3} p50={r['p50_ms']:6.0f} "
                f"p95={r['p95_ms']:6.0f} p99={r['p99_ms']:6.0f} ms  {r['per_second']}/s"
            )


if __name__ == "__main__":
    main()
