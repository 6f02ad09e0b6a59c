"""Whole-network results kept in the database: one row per (name, view signature,
variant, data version), with the usage the result was built from.

A stored result is read back only by a view whose signature (exactly the statements it
may read: ``View.checked_signature``) and variant (the network it is computed on:
``variant_of``) are those it was computed for: never by another view, whatever its
agency. The data version is the id of the last load (every change of statements is a
load, and a load leaves a row): it is the same for every server process, unlike
``Store.data_version`` which also counts this process's writes.

The payload is JSON, compressed; numbers arrays travel as raw float64 bytes. Nothing is
unpickled: a payload is data, whoever wrote the row.
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cupula.model.statement import now_iso
from cupula.store.store import Store
from cupula.store.tables import ahead_task_table, load_table, stored_result_table
from cupula.store.usage import Usage
from cupula.store.view import View

R = stored_result_table.c
T = ahead_task_table.c
LEASE = timedelta(minutes=10)  # a claimed view not finished by then is claimed again


def data_version(store: Store) -> int:
    """The id of the last load (0 before the first)."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.max(load_table.c.id))).scalar() or 0)


def variant_of(view: View, network: str = "apart") -> str:
    """The network a result of ``view`` is computed on, as part of its key: the reader's
    agency (captions follow it: ``View.prefer``) and the network's name (``network``:
    ``graph.fusion.network_key``, the records apart or the viewer's fused network on one
    resolution and the judgements it may see)."""
    return f"prefer={view.prefer() or '*'}|{network}"


def network_of_variant(variant: str) -> str:
    """The network name ``variant_of`` put into ``variant``."""
    return variant.split("|", 1)[1] if "|" in variant else "apart"


# -- payloads ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """An array as its bytes, a numpy number as a number (a ``json`` default hook: only
    what json cannot write itself comes here)."""
    if isinstance(value, np.ndarray):
        raw = np.ascontiguousarray(value, dtype="<f8").tobytes()
        return {"__f8__": base64.b64encode(raw).decode("ascii")}
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a stored result cannot hold a {type(value).__name__}")


def _revive(value: dict[str, Any]) -> Any:
    """An array back from its bytes (a ``json`` object hook: the parser calls it on each
    object, so a list of a million ids is never walked in Python)."""
    if len(value) == 1 and "__f8__" in value:
        return np.frombuffer(base64.b64decode(value["__f8__"]), dtype="<f8").copy()
    return value


def encode(payload: Mapping[str, Any]) -> bytes:
    text = json.dumps(payload, separators=(",", ":"), default=_plain)
    return zlib.compress(text.encode(), 6)


def decode(blob: bytes) -> dict[str, Any]:
    value = json.loads(zlib.decompress(blob), object_hook=_revive)
    if not isinstance(value, dict):
        raise ValueError("a stored result's payload is not a JSON object")
    return value


def usage_to_json(usage: Usage) -> str:
    def cells(d: Mapping[tuple[str, str], Any]) -> list[list[Any]]:
        return [[c[0], c[1], sorted(v) if isinstance(v, set) else v] for c, v in d.items()]

    return json.dumps({
        "markings_whole": usage.markings_whole,
        "whole": cells(usage.whole),
        "ids_whole": cells(usage.ids_whole),
        "ids": cells(usage.ids),
        "id_ids": cells(usage.id_ids),
        "cut": cells(usage.cut),
    })  # fmt: skip


def usage_from_json(text: str) -> Usage:
    data = json.loads(text)
    usage = Usage()
    usage.markings_whole = {str(k): int(v) for k, v in data["markings_whole"].items()}
    usage.whole = {(d, m): int(n) for d, m, n in data["whole"]}
    usage.ids_whole = {(d, m): int(n) for d, m, n in data["ids_whole"]}
    usage.ids = {(d, m): set(ids) for d, m, ids in data["ids"]}
    usage.id_ids = {(d, m): set(ids) for d, m, ids in data["id_ids"]}
    for d, m, n in data["cut"]:
        usage.cut[(d, m)] = int(n)
    return usage


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A stored result as read: its payload decoded, its usage, when it was computed."""

    name: str
    signature: str
    variant: str
    data_version: int
    computed_at: str
    token: str
    seconds: float
    payload: dict[str, Any]
    usage: Usage


def put_result(
    store: Store,
    *,
    name: str,
    signature: str,
    variant: str,
    version: int,
    payload: Mapping[str, Any],
    usage: Usage,
    seconds: float,
) -> None:
    """Keep a result (replacing one of the same key); older versions of it are dropped."""
    key = (R.name == name) & (R.signature == signature) & (R.variant == variant)
    with store.engine.begin() as conn:
        conn.execute(delete(stored_result_table).where(key & (R.data_version <= version)))
        conn.execute(
            insert(stored_result_table).values(
                name=name,
                signature=signature,
                variant=variant,
                data_version=version,
                computed_at=now_iso(),
                token=secrets.token_hex(16),
                seconds=round(seconds, 3),
                payload=encode(payload),
                usage=usage_to_json(usage),
            )
        )


def newest_version(
    store: Store, *, name: str, signature: str, variant: str, version: int
) -> tuple[int, str] | None:
    """(data version, token) of the newest result of this key computed for ``version``
    or before (None: none); the token tells one stored row from any other."""
    query = (
        select(R.data_version, R.token)
        .where(R.name == name, R.signature == signature, R.variant == variant)
        .where(R.data_version <= version)
        .order_by(R.data_version.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else (int(row.data_version), str(row.token))


def read_row(store: Store, *, name: str, signature: str, variant: str, version: int) -> Row | None:
    """The result of exactly this key and version, decoded."""
    query = select(stored_result_table).where(
        R.name == name, R.signature == signature, R.variant == variant, R.data_version == version
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return Row(row.name, row.signature, row.variant, row.data_version, row.computed_at,
               row.token, row.seconds, decode(row.payload),
               usage_from_json(row.usage))  # fmt: skip


def changed_since(store: Store, version: int) -> str | None:
    """When the first load after ``version`` finished: since when a result of that
    version is stale."""
    query = select(func.min(load_table.c.finished)).where(load_table.c.id > version)
    with store.engine.connect() as conn:
        value = conn.execute(query).scalar()
    return None if value is None else str(value)


# -- the views to compute, and their progress ------------------------------------------


@dataclass(frozen=True)
class Task:
    data_version: int
    signature: str
    variant: str
    user: str
    datasets: tuple[str, ...] | None


def add_task(
    store: Store,
    *,
    version: int,
    signature: str,
    variant: str,
    user: str,
    datasets: tuple[str, ...] | None,
) -> bool:
    """Ask for the results of a view at ``version``; False when already asked."""
    asked = select(T.state).where(
        T.data_version == version, T.signature == signature, T.variant == variant
    )
    with store.engine.connect() as conn:
        if conn.execute(asked).first() is not None:  # the usual case: no failed insert
            return False
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(ahead_task_table).values(
                    data_version=version,
                    signature=signature,
                    variant=variant,
                    user=user,
                    datasets=None if datasets is None else json.dumps(sorted(datasets)),
                    state="waiting",
                )
            )
    except IntegrityError:
        return False
    return True


def forget_before(store: Store, version: int) -> None:
    """Tasks of older data versions are moot (their results are kept in the results)."""
    with store.engine.begin() as conn:
        conn.execute(delete(ahead_task_table).where(T.data_version < version))


def claim(store: Store, version: int) -> Task | None:
    """Take the next view waiting at ``version`` (or one whose claimer went silent): at
    most one process computes a view, whatever the number of server processes."""
    now = datetime.now(UTC)
    stale = (now - LEASE).isoformat().replace("+00:00", "Z")
    open_ = (T.state == "waiting") | ((T.state == "computing") & (T.claimed_at < stale))
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ahead_task_table).where(T.data_version == version, open_)
            .order_by(T.signature, T.variant)
        ).all()  # fmt: skip
    for row in rows:
        key = (T.data_version == version) & (T.signature == row.signature)
        key = key & (T.variant == row.variant)
        with store.engine.begin() as conn:
            taken = conn.execute(
                update(ahead_task_table).where(key & open_)
                .values(state="computing", claimed_at=now_iso())
            ).rowcount  # fmt: skip
        if taken == 1:
            datasets = None if row.datasets is None else tuple(json.loads(row.datasets))
            return Task(version, row.signature, row.variant, row.user, datasets)
    return None


def finish(store: Store, task: Task, *, state: str = "done", error: str | None = None) -> None:
    key = (T.data_version == task.data_version) & (T.signature == task.signature)
    with store.engine.begin() as conn:
        conn.execute(
            update(ahead_task_table).where(key & (T.variant == task.variant))
            .values(state=state, error=error)
        )  # fmt: skip


@dataclass(frozen=True)
class Progress:
    done: int  # views finished (computed, or failed) at this data version
    total: int  # views asked for at this data version

    def __str__(self) -> str:
        return f"{self.done} of {self.total}"


def progress(store: Store, version: int) -> Progress:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(T.state, func.count()).where(T.data_version == version).group_by(T.state)
        ).all()
    counts = {state: int(n) for state, n in rows}
    done = counts.get("done", 0) + counts.get("failed", 0)
    return Progress(done, sum(counts.values()))


def task_error(store: Store, *, version: int, signature: str, variant: str) -> str | None:
    """Why the view's results at ``version`` could not be computed (None: not failed)."""
    query = select(T.error).where(
        T.data_version == version, T.signature == signature, T.variant == variant,
        T.state == "failed",
    )  # fmt: skip
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else str(row.error)
