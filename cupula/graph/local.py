"""A neighbourhood read from the edge table: the small network around some entities.

``local_network`` walks ``hops`` ties out from the seeds over the ``edge`` table (the
viewer's filter applied in SQL by ``View.scoped``), at most ``max_nodes`` nodes in all: where
one hop reaches more than there is room for, the nodes kept are those with the highest
stored score, then the heaviest ties to the nodes already kept (the rest are counted as
left out, and not walked further). Only the kept nodes are read as entities (for their
names, schemata and countries). The result is a ``Network`` of the kept nodes and the ties
among them, with each kept node's number of ties in the whole network beside it, for the
existing drawing (``neighbourhood``) and the entity page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select

from cupula.errors import InvalidInput
from cupula.graph.network import KINDS, Network, phase_key
from cupula.graph.temporal import Window, _in_dates
from cupula.model.entity import countries_of
from cupula.model.statement import BASE
from cupula.store.tables import edge_table, statement_table
from cupula.store.view import ID_CHUNK, View

E = edge_table.c
ROW_COLUMNS = (E.id, E.source, E.target, E.kind, E.directed, E.weight, E.date, E.phase,
               E.tie_id, E.statement_id, E.dataset, E.marking_id)  # fmt: skip


@dataclass(frozen=True)
class EdgeRow:
    id: str
    source: str
    target: str
    kind: str
    directed: bool
    weight: float
    date: str | None
    phase: str | None
    tie_id: str

    def other(self, node: str) -> str:
        return self.target if self.source == node else self.source


@dataclass(frozen=True)
class Local:
    """The small network, each node's ties in the whole (filtered) network, and how many
    nodes reached were left out for want of room."""

    network: Network
    degrees: dict[str, int]
    left_out: int


def _in_window(window: Window, date: str | None, phase: str | None) -> bool:
    """Whether a tie falls in ``window`` (the rule of ``temporal.restrict``)."""
    if not window:
        return True
    if window.phase is not None:
        return phase == window.phase
    start, end = window.between if window.between else (None, str(window.as_of))
    return _in_dates(date, start, end)


def edges_of(
    view: View,
    nodes: Collection[str],
    *,
    kinds: Sequence[str] = (),
    window: Window | None = None,
) -> list[EdgeRow]:
    """The ties the viewer may see with an end among ``nodes`` (by index), counted in the
    view's usage as reads of the ties' statements."""
    window = window or Window()
    ids = sorted(set(nodes))
    found: dict[str, EdgeRow] = {}
    with view.engine.connect() as conn:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            query = select(*ROW_COLUMNS).where(or_(E.source.in_(chunk), E.target.in_(chunk)))
            if kinds:
                query = query.where(E.kind.in_(sorted(kinds)))
            for row in conn.execute(view.scoped(query, edge_table)):
                if row.id in found or not _in_window(window, row.date, row.phase):
                    continue
                view.usage.read((row.dataset, row.marking_id), row.statement_id, is_id=True)
                found[row.id] = _row(row)
    return sorted(found.values(), key=lambda r: r.id)


def check_phase(view: View, phase: str, kinds: Sequence[str] = ()) -> None:
    """Refuse a phase none of the viewer's ties (of ``kinds``) was recorded in, naming
    those there are (as ``temporal.restrict`` does for a whole network)."""
    query = view.scoped(select(E.phase).where(E.phase == phase), edge_table)
    if kinds:
        query = query.where(E.kind.in_(sorted(kinds)))
    with view.engine.connect() as conn:
        if conn.execute(query.limit(1)).first() is not None:
            return
        every = view.scoped(select(E.phase).where(E.phase.is_not(None)), edge_table)
        if kinds:
            every = every.where(E.kind.in_(sorted(kinds)))
        phases = sorted({p for (p,) in conn.execute(every.distinct())}, key=phase_key)
    raise InvalidInput(f"no ties in phase {phase!r} (phases: {', '.join(phases) or 'none'})")


def _row(row: Any) -> EdgeRow:
    return EdgeRow(row.id, row.source, row.target, row.kind, bool(row.directed),
                   float(row.weight), row.date, row.phase, row.tie_id)  # fmt: skip


def schemata_of(view: View, ids: Collection[str]) -> dict[str, str]:
    """The schema each entity is stated to be of, as the viewer may see (the id
    statements only, by key); entities it sees no statement of are left out."""
    S = statement_table.c
    found: dict[str, str] = {}
    wanted = sorted(set(ids))
    with view.engine.connect() as conn:
        for start in range(0, len(wanted), ID_CHUNK):
            query = select(S.entity_id, S.schema, S.dataset, S.marking_id, S.id).where(
                S.entity_id.in_(wanted[start : start + ID_CHUNK]), S.prop == BASE
            )
            for entity_id, schema, dataset, marking_id, statement_id in conn.execute(
                view.scoped(query, statement_table)
            ):
                view.usage.read((dataset, marking_id), statement_id, is_id=True)
                found.setdefault(entity_id, schema)
    return found


def local_network(
    view: View,
    seeds: Sequence[str],
    *,
    hops: int,
    max_nodes: int,
    kinds: Sequence[str] = (),
    window: Window | None = None,
    schemata: Sequence[str] = (),
    scores: Mapping[str, float] | None = None,
    members_of: Callable[[str], list[str]] | None = None,
) -> Local:
    """The network within ``hops`` ties of ``seeds``, read by index (see the module).

    ``members_of`` gives the records a node stands for in the viewer's fused network
    (``lambda n: fusion.members_of(fusion.canonical(n))``): each seed and each node
    reached is walked through all its records, and the network returned holds records,
    for ``Fusion.apply`` to fold as it folds the whole network."""
    if hops < 0:
        raise InvalidInput("hops must be 0 or more")
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise InvalidInput(f"unknown tie kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    if window is not None and window.phase is not None:
        check_phase(view, window.phase, kinds)
    scores = scores or {}
    expand = members_of or (lambda node: [node])
    starts = [m for s in dict.fromkeys(seeds) for m in expand(s)]
    rows: dict[str, EdgeRow] = {}
    walked: set[str] = set()

    def walk(nodes: Collection[str]) -> list[EdgeRow]:
        fresh = [n for n in nodes if n not in walked]
        walked.update(fresh)
        got = edges_of(view, fresh, kinds=kinds, window=window)
        if schemata:  # only ties between nodes of these schemata (or a seed)
            ends = {e for r in got for e in (r.source, r.target)} - set(starts)
            of = schemata_of(view, ends)
            wanted = set(starts) | {n for n in ends if of.get(n, "LegalEntity") in schemata}
            got = [r for r in got if r.source in wanted and r.target in wanted]
        for r in got:
            rows[r.id] = r
        return got

    kept: dict[str, int] = {}  # node -> distance
    for seed in starts:
        kept.setdefault(seed, 0)
    left_out = 0
    frontier = list(kept)
    walk(frontier)
    for hop in range(1, hops + 1):
        weight: defaultdict[str, float] = defaultdict(float)
        inside = set(frontier)
        for r in rows.values():
            for end, other in ((r.source, r.target), (r.target, r.source)):
                if end in inside and other not in kept:
                    weight[other] += r.weight
        if not weight:
            break
        room = max_nodes - len(kept)
        new = sorted(weight, key=lambda n: (-scores.get(n, 0.0), -weight[n], n))
        if len(new) > room:
            left_out += len(new) - max(room, 0)
            new = new[: max(room, 0)]
        frontier = [m for n in new for m in expand(n)]
        for node in frontier:
            kept.setdefault(node, hop)
        if hop == hops or left_out:
            break
        walk(frontier)
    # The last hop is not walked: only the ties among what is kept, and how many ties
    # each kept node has (both by index), not every tie of a hub at the edge.
    last = [n for n in kept if n not in walked]
    for r in ties_among(view, last, kept, kinds=kinds, window=window):
        rows.setdefault(r.id, r)
    # in the projection's order (by the tie's entity): the first evidence listed is the same
    ties = sorted(
        (r for r in rows.values() if r.source in kept and r.target in kept),
        key=lambda r: (r.tie_id, r.source, r.target),
    )
    degrees: defaultdict[str, int] = defaultdict(int)
    for r in rows.values():
        for end in (r.source, r.target):
            if end in walked:
                degrees[end] += 1
    degrees.update(tie_counts(view, last, kinds=kinds))
    return Local(_network(view, kept, ties, degrees), dict(degrees), left_out)


def ties_among(
    view: View,
    nodes: Collection[str],
    among: Collection[str],
    *,
    kinds: Sequence[str] = (),
    window: Window | None = None,
) -> list[EdgeRow]:
    """The ties the viewer may see between ``nodes`` and ``among`` (by index)."""
    window = window or Window()
    ids, others = sorted(set(nodes)), sorted(set(among))
    found: dict[str, EdgeRow] = {}
    if not ids or not others:
        return []
    with view.engine.connect() as conn:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            query = select(*ROW_COLUMNS).where(
                or_(
                    E.source.in_(chunk) & E.target.in_(others),
                    E.target.in_(chunk) & E.source.in_(others),
                )
            )
            if kinds:
                query = query.where(E.kind.in_(sorted(kinds)))
            for row in conn.execute(view.scoped(query, edge_table)):
                if row.id not in found and _in_window(window, row.date, row.phase):
                    view.usage.read((row.dataset, row.marking_id), row.statement_id, is_id=True)
                    found[row.id] = _row(row)
    return sorted(found.values(), key=lambda r: r.id)


def tie_counts(view: View, nodes: Collection[str], *, kinds: Sequence[str] = ()) -> dict[str, int]:
    """How many ties the viewer may see at each of ``nodes`` (of ``kinds``), counted by
    index (a self-tie twice, as ``Network`` counts degrees)."""
    ids = sorted(set(nodes))
    counts: defaultdict[str, int] = defaultdict(int)
    with view.engine.connect() as conn:
        for column in (E.source, E.target):
            for start in range(0, len(ids), ID_CHUNK):
                query = select(column, func.count()).where(
                    column.in_(ids[start : start + ID_CHUNK])
                )
                if kinds:
                    query = query.where(E.kind.in_(sorted(kinds)))
                query = view.scoped(query, edge_table).group_by(column)
                for node, count in conn.execute(query):
                    counts[node] += int(count)
    return dict(counts)


def _network(
    view: View, kept: Mapping[str, int], ties: Sequence[EdgeRow], degrees: Mapping[str, int]
) -> Network:
    """A ``Network`` of the kept nodes (read as entities through the view) and ties. As
    in the projection, a party is a node with or without ties, anything else only as a
    tie's end: named by its caption, countries only for parties."""
    entities = view.assembled(sorted(kept))
    names: list[str] = []
    schemata: list[str] = []
    countries: list[tuple[str, ...]] = []
    node_ids: list[str] = []
    for node in sorted(kept):
        entity = entities.get(node)
        party = entity is not None and entity.schema.is_a("LegalEntity")
        if not party and not degrees.get(node):
            continue  # not a node of the network the viewer may see
        node_ids.append(node)
        if entity is not None and (party or entity.schema.is_a("Thing")):
            names.append(entity.caption or node)
            schemata.append(entity.schema.name)
            countries.append(countries_of(entity) if party else ())
        else:
            names.append(node)
            schemata.append("LegalEntity")
            countries.append(())
    index = {n: i for i, n in enumerate(node_ids)}
    return Network(
        node_ids=node_ids,
        names=names,
        schemata=schemata,
        countries=countries,
        src=np.asarray([index[t.source] for t in ties], dtype=np.int64),
        dst=np.asarray([index[t.target] for t in ties], dtype=np.int64),
        weight=np.asarray([t.weight for t in ties], dtype=np.float64),
        directed=np.asarray([t.directed for t in ties], dtype=bool),
        kind=[t.kind for t in ties],
        phase=[t.phase for t in ties],
        date=[t.date for t in ties],
        tie_ids=[t.tie_id for t in ties],
    )
