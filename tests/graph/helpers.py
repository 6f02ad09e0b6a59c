"""Small networks built through a real store, as partners' files would arrive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from cupula.access.viewer import Viewer
from cupula.graph.network import Network
from cupula.graph.projection import project
from cupula.ingest import ingest
from cupula.store import Store
from tests.conftest import ADMIN


def entity(entity_id: str, schema: str, **props: Any) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def load_entities(
    store: Store,
    tmp: Path,
    entities: list[dict[str, Any]],
    *,
    dataset: str = "case",
    agency: str = "CO-DIJIN",
    marking: str = "UNCLASSIFIED H0 A1",
) -> None:
    path = tmp / f"{dataset}-{len(list(tmp.iterdir()))}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    ingest(store, path, by=ADMIN, dataset=dataset, agency=agency, marking=marking)


def network(store: Store, viewer: Viewer | None = None) -> Network:
    return project(store.view(viewer or Viewer.local_admin(), purpose="tests"))


def calls(*pairs: tuple[str, str], phase: str | None = None) -> list[dict[str, Any]]:
    """People named by their ids and a directed call for each pair."""
    people = sorted({p for pair in pairs for p in pair})
    out = [entity(p, "Person", name=p.upper()) for p in people]
    for n, (a, b) in enumerate(pairs):
        props: dict[str, Any] = {"initiator": a, "receiver": b, "weight": "1"}
        if phase:
            props["phase"] = phase
        out.append(entity(f"call-{a}-{b}-{phase or n}", "Communication", **props))
    return out
