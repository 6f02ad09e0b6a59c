"""p95 latency of the workbench under 50 concurrent analysts (issue 7), with locust.

    .venv/bin/python bench/web_load.py [--users 50] [--seconds 60] [--think 1.0] [--out F]

Builds the demo store in a temporary folder, gives one analyst per partner agency a
password, lists for each what its own view shows (entities, names, well-tied people),
then serves the store with ``cupula serve``'s app (one uvicorn worker, loopback) and runs
locust headless against it: entity page (HTML), name search and a two-hop network
expansion, each user logged in with its own session. It runs twice in the same run:
with the derived-results cache (the default) and without it (``cache_size=0``: every
request rebuilds the network or name index it needs), the reference point. Each
request also writes its audit entry, as in production.

The first ``--warmup`` seconds (logins, each agency's first build of what it reads)
are not counted; ``--seconds`` are measured after them.
``--think`` is the mean pause between one analyst's clicks (uniform on [t/2, 3t/2]);
``--think 0`` is a closed loop where 50 clients fire as fast as answers come back.
Needs locust: ``.venv/bin/pip install -e '.[bench]'``.
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
import time
from pathlib import Path

from rich.console import Console

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.demo.run import USERS, run_demo
from cupula.graph.analysis import network_of
from cupula.resolve.records import records_of
from cupula.store import Store

HERE = Path(__file__).parent
ADMIN = Viewer.local_admin()  # who sets the analysts' passwords
TARGET_MS = 100


def plan_for(db: str, folder: Path) -> Path:
    """Each demo analyst's password and what its own view lets it open."""
    store = Store.open(db)
    plan = {}
    for name, *_ in USERS:
        password = f"bench-{name}"
        accounts.set_password(store, ADMIN, name, password)  # the demo's are made up per run
        view = store.view(accounts.viewer_for(store, name), purpose="bench plan")
        records = [r for r in records_of(view) if r.family == "person" and r.names]
        net = network_of(view).network
        degree = {net.node_ids[i]: 0 for i in range(net.n)}
        for a, b in zip(net.src.tolist(), net.dst.tolist(), strict=True):
            degree[net.node_ids[a]] += 1
            degree[net.node_ids[b]] += 1
        hubs = [n for n, d in sorted(degree.items(), key=lambda kv: -kv[1]) if d][:20]
        plan[name] = {
            "password": password,
            "entities": [r.key for r in records],
            "names": [r.names[0] for r in records],
            "hubs": hubs,
        }
    store.close()
    path = folder / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import sys, uvicorn
from cupula.app import create_app
uvicorn.run(create_app(sys.argv[1], cache_size=int(sys.argv[3])),
            host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def run_once(db: str, plan: Path, folder: Path, *, cache: bool, users: int, seconds: int,
             think: float, warmup: int) -> dict[str, dict[str, float]]:  # fmt: skip
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, db, str(port), "64" if cache else "0"])
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        prefix = folder / ("cached" if cache else "uncached")
        env = {**os.environ, "CUPULA_BENCH_PLAN": str(plan), "CUPULA_BENCH_THINK": str(think),
               "CUPULA_BENCH_WARMUP": str(warmup)}  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless",
             "-u", str(users), "-r", str(users), "-t", f"{seconds + warmup}s", "--host",
             f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel",
             "WARNING"],
            env=env, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    out: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Request Count"] == "0":  # the logins, all in the warm-up
                continue
            out[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "per_second": round(float(row["Requests/s"]), 1),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE / "web_load.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        folder = Path(tmp)
        db = str(folder / "demo.db")
        run_demo(db, console=Console(file=open(os.devnull, "w"))).close()  # noqa: SIM115
        plan = plan_for(db, folder)
        results = {
            label: run_once(
                db,
                plan,
                folder,
                cache=cache,
                users=args.users,
                seconds=args.seconds,
                think=args.think,
                warmup=args.warmup,
            )
            for label, cache in (("cached", True), ("uncached", False))
        }
    report = {
        "users": args.users,
        "seconds": args.seconds,
        "think_seconds": args.think,
        "warmup_seconds": args.warmup,
        "target_p95_ms": TARGET_MS,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for label, rows in results.items():
        print(f"{label}:")
        for name, r in rows.items():
            print(
                f"  {name:20} n={r['requests']:6} fail={r['failures']:3} "
                f"p50={r['median_ms']:6.0f} p95={r['p95_ms']:6.0f} ms  {r['per_second']}/s"
            )


if __name__ == "__main__":
    main()
