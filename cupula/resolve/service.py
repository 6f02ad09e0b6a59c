"""Resolution over a store, for one viewer.

Everything here starts from a ``View``: the records are what the viewer may see, a
run's scored pairs are stored under the view's access signature and shown only to
views with the same signature, judgements apply as ``judgements`` says, and a merged
entity is assembled from the viewer's own statements of each member. A restricted
viewer therefore never sees a value, a score or a merge that rests on a statement it
may not read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from followthemoney.proxy import EntityProxy
from sqlalchemy import delete, insert, select

from cupula.errors import NotFound, NotReady
from cupula.model.statement import now_iso
from cupula.resolve.clustering import Links, cluster
from cupula.resolve.engine import Progress, Resolution, ResolveOptions, quiet, score_records
from cupula.resolve.judgements import Judgement, Verdict, current, judge
from cupula.resolve.records import FAMILIES, records_of
from cupula.store import Store, View
from cupula.store.tables import resolution_pair_table, resolution_run_table

P = resolution_pair_table.c
R = resolution_run_table.c


class UnknownEntity(NotFound):
    """No such entity among those the viewer may see (also when it exists, hidden)."""


class NoRun(NotReady):
    """No stored resolution for what this viewer may see: run ``cupula resolve``."""


@dataclass(frozen=True)
class Clusters:
    """Clusters of entity ids under one viewer: every resolvable entity it sees is in
    exactly one cluster; clusters of one are included."""

    members: list[list[str]]
    judged: int  # judgements that applied
    conflicts: list[Judgement]  # "same" judgements a "different" overruled

    def of(self, entity_id: str) -> list[str] | None:
        for members in self.members:
            if entity_id in members:
                return members
        return None

    def merged(self) -> list[list[str]]:
        return [c for c in self.members if len(c) > 1]


def resolve_view(
    store: Store,
    view: View,
    options: ResolveOptions | None = None,
    *,
    progress: Progress = quiet,
) -> Resolution:
    """Score the records the view may see and store the run under its signature
    (replacing that signature's previous run; judgements are kept apart and stay)."""
    options = options or ResolveOptions()
    progress("reading the entities you may see")
    records = records_of(view)
    resolution = score_records(records, options, progress=progress)
    signature = view.signature()
    keys = [r.key for r in records]
    rows = [
        {"signature": signature, "left_id": a, "right_id": b, "bits": float(bits)}
        for a, b, bits in (
            (*sorted((keys[int(left)], keys[int(right)])), bits)
            for left, right, bits in zip(
                resolution.links.left.tolist(),
                resolution.links.right.tolist(),
                resolution.links.bits.tolist(),
                strict=True,
            )
        )
    ]
    progress(f"storing {len(rows):,} scored pairs")
    with store.writer() as w:
        w.conn.execute(delete(resolution_pair_table).where(P.signature == signature))
        w.conn.execute(delete(resolution_run_table).where(R.signature == signature))
        w.conn.execute(
            insert(resolution_run_table).values(
                signature=signature,
                user=view.viewer.user,
                agency=view.viewer.agency,
                at=now_iso(),
                prior=resolution.prior,
                options=json.dumps(asdict(options)),
                stats=json.dumps(resolution.stats),
            )
        )
        for start in range(0, len(rows), 10_000):
            w.conn.execute(insert(resolution_pair_table), rows[start : start + 10_000])
    return resolution


def stored_options(store: Store, view: View) -> tuple[ResolveOptions, dict[str, object]]:
    """The options and statistics of the stored run for this view (``NoRun`` if none)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(R.options, R.stats).where(R.signature == view.signature())
        ).first()
    if row is None:
        raise NoRun(
            "no resolution has been run on what you may see (or what you may see has "
            "changed since): run `cupula resolve` first"
        )
    return ResolveOptions(**json.loads(row[0])), json.loads(row[1])


def is_stale(store: Store, view: View) -> bool:
    """Whether a load the view may see finished after its stored run (new records are
    then clusters of one until `cupula resolve` runs again)."""
    with store.engine.connect() as conn:
        at = conn.execute(select(R.at).where(R.signature == view.signature())).scalar()
    if at is None:
        return False
    return any(str(load["finished"]) > str(at) for load in view.loads())


def stored_pairs(store: Store, view: View) -> list[tuple[str, str, float]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(P.left_id, P.right_id, P.bits).where(P.signature == view.signature())
        ).all()
    return [(r[0], r[1], float(r[2])) for r in rows]


def clusters_for(store: Store, view: View) -> Clusters:
    """The viewer's clusters: the stored run's pairs for its signature, with the
    judgements that apply to it (see the module docstring)."""
    options, _stats = stored_options(store, view)
    ids = view.entity_ids(FAMILIES)
    index = {e: i for i, e in enumerate(ids)}
    pairs = [(index[a], index[b], bits) for a, b, bits in stored_pairs(store, view)
             if a in index and b in index]  # fmt: skip
    judgements = current(store, view.viewer, set(index))
    same = [(index[j.left], index[j.right]) for j in judgements.values()
            if j.verdict is Verdict.SAME]  # fmt: skip
    different = [(index[j.left], index[j.right]) for j in judgements.values()
                 if j.verdict is Verdict.DIFFERENT]  # fmt: skip
    groups = cluster(
        len(ids),
        Links.of(pairs),
        threshold=options.match_bits,
        same=same,
        different=different,
        max_size=options.max_cluster,
    )
    members = [[ids[i] for i in g] for g in groups]
    where = {e: n for n, group in enumerate(members) for e in group}
    conflicts = [
        j
        for j in judgements.values()
        if j.verdict is Verdict.SAME and where[j.left] != where[j.right]
    ]
    return Clusters(members, len(judgements), conflicts)


def judge_seen(
    store: Store, view: View, left: str, right: str, verdict: Verdict, note: str | None = None
) -> Judgement:
    """Record the viewer's judgement of two entities it may see (``UnknownEntity`` if it
    sees no statement of one of them)."""
    for entity_id in (left, right):
        if view.entity(entity_id) is None:
            raise UnknownEntity(f"no entity {entity_id!r} among those you may see")
    return judge(store, view.viewer, left, right, verdict, note)


def merged_entity(view: View, members: Sequence[str]) -> EntityProxy | None:
    """One entity from the viewer's statements of every member (id: the first member).
    Members the viewer sees no statement of contribute nothing."""
    statements = [s for m in sorted(members) for s in view.statements(entity_id=m)]
    if not statements:
        return None
    return view.assemble(sorted(members)[0], statements)
