"""Benchmark: 1,000 new records resolved into a stored resolution of N, without a re-run.

    .venv/bin/python bench/resolve_incremental.py [--records 1000000] [--new 1000]
                                                  [--json FILE]

Person records from ``bench/resolve_scale.py``'s generator (30% corrupted copies),
shuffled, so that the new records hold both copies of stored people and new people. Timed:

1. the full run on the N stored records (records, blocking, scoring, one clustering) and
   writing its index (``ResolutionIndex.save``: model, name rows, keys, units);
2. the increment: opening the index, blocking and scoring the new records against it
   (``ResolutionIndex.extend``) and clustering all pairs again (union-find);
3. a full re-run on all N + new records, for comparison: its time, and how far its pairs
   and clusters are from the increment's (a re-run re-estimates the token weights and the
   prior; the increment keeps the stored run's).

Reported with the load average of the machine while it ran (it is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from resolve_scale import generate  # noqa: E402

from cupula.resolve.clustering import Links, cluster  # noqa: E402
from cupula.resolve.engine import Resolution, ResolveOptions, score_records  # noqa: E402
from cupula.resolve.incremental import ResolutionIndex  # noqa: E402
from cupula.resolve.records import Record, make_record  # noqa: E402

Pairs = dict[tuple[str, str], float]


def records_of(cols: dict[str, list[Any]]) -> list[Record]:
    return [
        make_record(str(uid), "Person", names=[f"{f or ''} {s or ''}"],
                    dates=[d] if d else [], places=[c] if c else [])
        for uid, f, s, d, c in zip(cols["unique_id"], cols["first_name"], cols["surname"],
                                   cols["dob"], cols["city"], strict=True)
    ]  # fmt: skip


def keyed_links(resolution: Resolution) -> Pairs:
    keys = [r.key for r in resolution.records]
    return {
        (min(keys[a], keys[b]), max(keys[a], keys[b])): bits
        for a, b, bits in zip(
            resolution.links.left.tolist(),
            resolution.links.right.tolist(),
            resolution.links.bits.tolist(),
            strict=True,
        )
    }


def clusters(keys: list[str], pairs: Pairs, options: ResolveOptions) -> dict[str, int]:
    index = {k: i for i, k in enumerate(keys)}
    links = Links.of((index[a], index[b], bits) for (a, b), bits in pairs.items())
    groups = cluster(len(keys), links, threshold=options.match_bits,
                     max_size=options.max_cluster)  # fmt: skip
    return {keys[i]: n for n, g in enumerate(groups) for i in g}


def same_partition(a: dict[str, int], b: dict[str, int]) -> int:
    """Records whose cluster (as a set of records) differs between ``a`` and ``b``."""
    members_a: dict[int, set[str]] = {}
    members_b: dict[int, set[str]] = {}
    for k, c in a.items():
        members_a.setdefault(c, set()).add(k)
    for k, c in b.items():
        members_b.setdefault(c, set()).add(k)
    return sum(1 for k in a if members_a[a[k]] != members_b[b[k]])


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-rerun", action="store_true", help="skip the full re-run")
    args = parser.parse_args()
    report: dict[str, Any] = {"records": args.records, "new": args.new, "load_start": load()}
    cols = generate(args.records + args.new, 0.3)
    records = records_of(cols)
    random.Random(7).shuffle(records)
    stored, new = records[: args.records], records[args.records :]
    options = ResolveOptions()
    print(f"{len(stored):,} stored + {len(new):,} new records; load {load()}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.duckdb"
        t = time.perf_counter()
        resolution = score_records(stored, options)
        base = keyed_links(resolution)
        base_links = resolution.links
        clusters([r.key for r in stored], base, options)
        full_seconds = time.perf_counter() - t
        t = time.perf_counter()
        ResolutionIndex.save(resolution, path)
        save_seconds = time.perf_counter() - t
        report["full"] = {
            "seconds": round(full_seconds, 1),
            "save_seconds": round(save_seconds, 1),
            "index_mib": round(path.stat().st_size / 2**20),
            **resolution.stats,
        }
        resolution.close()
        del resolution
        print(f"full run {full_seconds:.1f} s, index written in {save_seconds:.1f} s "
              f"({report['full']['index_mib']} MiB); load {load()}", flush=True)  # fmt: skip

        t = time.perf_counter()
        index = ResolutionIndex.open(path)
        increment = index.extend(new)
        index.close()
        t_extend = time.perf_counter() - t
        # clusters of all records from all pairs, as ``clusters_for`` makes them: ids
        # to indices, the stored links and the new ones, union-find
        t = time.perf_counter()
        keys = [r.key for r in stored + new]
        where = {k: i for i, k in enumerate(keys)}
        added = Links.of((where[a], where[b], x) for a, b, x in increment.pairs)
        links = Links(
            np.concatenate([base_links.left, added.left]),
            np.concatenate([base_links.right, added.right]),
            np.concatenate([base_links.bits, added.bits]),
        )
        groups = cluster(len(keys), links, threshold=options.match_bits,
                         max_size=options.max_cluster)  # fmt: skip
        t_cluster = time.perf_counter() - t
        inc_clusters = {keys[i]: n for n, g in enumerate(groups) for i in g}
        pairs = {**base, **{(min(a, b), max(a, b)): x for a, b, x in increment.pairs}}
        inc_seconds = t_extend + t_cluster
        report["incremental"] = {
            **{f"extend_{k}": v for k, v in increment.stats.items()},
            "seconds": round(inc_seconds, 2),
            "seconds_extend": round(t_extend, 2),
            "seconds_cluster": round(t_cluster, 2),
        }
        print(f"incremental {inc_seconds:.2f} s (extend {t_extend:.2f} s: {increment.stats}; "
              f"clusters of all records {t_cluster:.2f} s); load {load()}", flush=True)  # fmt: skip

    if args.no_rerun:
        report["load_end"] = load()
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
        return
    t = time.perf_counter()
    rerun = score_records(stored + new, options)
    rerun_pairs = keyed_links(rerun)
    rerun_clusters = clusters([r.key for r in rerun.records], rerun_pairs, options)
    rerun_seconds = time.perf_counter() - t
    rerun.close()
    above = {k for k, v in pairs.items() if v >= options.match_bits}
    rerun_above = {k for k, v in rerun_pairs.items() if v >= options.match_bits}
    report["rerun"] = {
        "seconds": round(rerun_seconds, 1),
        "pairs_increment": len(pairs),
        "pairs_rerun": len(rerun_pairs),
        "pairs_differing": len(set(pairs) ^ set(rerun_pairs)),
        "matches_differing": len(above ^ rerun_above),
        "records_clustered_differently": same_partition(inc_clusters, rerun_clusters),
        "prior_rerun": rerun.prior,
    }
    print(f"full re-run {rerun_seconds:.1f} s; {report['rerun']}", flush=True)
    report["load_end"] = load()
    print(f"load average at the end {report['load_end']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
