"""Resolution over a store, for one viewer.

Everything here starts from a ``View``: the records are what the viewer may see, a
run's scored pairs are stored under the view's access signature and shown only to
views with the same signature, a reader uses exactly the judgements it may see (see
``judgements``: marked facts, shared as their authors mark them), and a merged
entity is assembled from the viewer's own statements of each member. A restricted
viewer therefore never sees a value, a score or a merge that rests on a statement it
may not read.

A run keeps an index (``incremental``) beside it, so that what is loaded later is
resolved against the run on the same view (``resolve_incremental``) instead of a re-run;
a viewer with another signature has no run to extend.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from followthemoney.proxy import EntityProxy
from sqlalchemy import delete, insert, or_, select, update

from cupula.errors import NotFound, NotReady
from cupula.model.marking import Classification, Marking
from cupula.model.statement import now_iso
from cupula.resolve.changes import loaded_since, records_to_rescore
from cupula.resolve.clustering import Links, cluster
from cupula.resolve.engine import Progress, Resolution, ResolveOptions, quiet, score_records
from cupula.resolve.incremental import MAX_DRIFT, Increment, ResolutionIndex
from cupula.resolve.judgements import (
    Dispute,
    Judgement,
    Verdict,
    combined,
    disputes,
    is_disputed,
    judge,
    standing,
    visible,
)
from cupula.resolve.records import FAMILIES, records_of
from cupula.store import Store, View
from cupula.store.results import data_version
from cupula.store.tables import judgement_table, resolution_pair_table, resolution_run_table
from cupula.store.view import PurposeRequired

J = judgement_table.c
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
    judged: int  # judged pairs that applied
    conflicts: list[Judgement]  # "same" judgements a "different" overruled
    disputes: list[Dispute] = field(default_factory=list)  # agencies disagree on a pair

    def of(self, entity_id: str) -> list[str] | None:
        for members in self.members:
            if entity_id in members:
                return members
        return None

    def merged(self) -> list[list[str]]:
        return [c for c in self.members if len(c) > 1]


def index_path(store: Store, signature: str) -> Path:
    """Where the index of a signature's run is kept (``incremental``): the directory
    ``CUPULA_RESOLUTION_DIR``, else beside an SQLite file (``cupula.db.resolution/``),
    else under ``~/.cache/cupula/resolution/`` by the store's address. It holds what the
    run's viewers may see, so it is kept like the store itself."""
    configured = os.environ.get("CUPULA_RESOLUTION_DIR")
    database = store.engine.url.database
    if configured:
        base = Path(configured)
    elif store.backend == "sqlite" and database and database != ":memory:":
        base = Path(f"{database}.resolution")
    else:
        digest = hashlib.sha256(store.url.encode()).hexdigest()[:16]
        base = Path.home() / ".cache" / "cupula" / "resolution" / digest
    return base / f"{signature}.duckdb"


def resolve_view(
    store: Store,
    view: View,
    options: ResolveOptions | None = None,
    *,
    progress: Progress = quiet,
) -> Resolution:
    """Score the records the view may see and store the run under its signature
    (replacing that signature's previous run; judgements are kept apart and stay),
    with the index that later loads are resolved against (``resolve_incremental``)."""
    options = options or ResolveOptions()
    started = now_iso()  # loads finished after this are not in the run
    through = data_version(store)  # nor loads after this one (times have whole seconds)
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
    # The old run's index goes first and the new one is written after the run is
    # stored: an index never stands beside a run it does not belong to.
    index = index_path(store, signature)
    index.unlink(missing_ok=True)
    progress(f"storing {len(rows):,} scored pairs")
    with store.writer() as w:
        w.conn.execute(delete(resolution_pair_table).where(P.signature == signature))
        w.conn.execute(delete(resolution_run_table).where(R.signature == signature))
        w.conn.execute(
            insert(resolution_run_table).values(
                signature=signature,
                user=view.viewer.user,
                agency=view.viewer.agency,
                at=started,
                prior=resolution.prior,
                options=json.dumps(asdict(options)),
                stats=json.dumps({**resolution.stats, THROUGH: through}),
            )
        )
        for start in range(0, len(rows), 10_000):
            w.conn.execute(insert(resolution_pair_table), rows[start : start + 10_000])
    progress("keeping the blocking index for later loads")
    ResolutionIndex.save(resolution, index)
    return resolution


def resolve_incremental(
    store: Store,
    view: View,
    changed: Sequence[str] | None = None,
    *,
    progress: Progress = quiet,
) -> Increment:
    """Resolve the entities in ``changed`` (default: those in datasets loaded since the
    stored run) against the stored run of the view's signature, without a re-run:
    their records (and their neighbours', whose records name them) are blocked and
    scored against the run's index under its model, new pairs are added to the run and
    a changed record's old pairs replaced. Clusters follow (``clusters_for``).

    A run belongs to one signature, so an increment is made on the same view: a viewer
    whose signature changed (a new marking or dataset it may see) has no run here
    (``NoRun``) and needs a full run. ``NeedsFullRun`` when the index is missing, when
    the model would drift too far (more than ``MAX_DRIFT`` of its records added since it
    was estimated), or when a changed record was one of several identical ones."""
    signature = view.signature()
    with store.engine.connect() as conn:
        run = conn.execute(select(R.at, R.stats).where(R.signature == signature)).first()
    if run is None:
        raise NoRun(
            "no resolution has been run on what you may see (or what you may see has "
            "changed since: a new marking or dataset gives a new signature): run a full "
            "`cupula resolve`"
        )
    started, through = now_iso(), data_version(store)
    index = ResolutionIndex.open(index_path(store, signature))
    try:
        ids = (loaded_since(view, str(run.at), _through(run.stats)) if changed is None
               else sorted(set(changed)))  # fmt: skip
        progress(f"reading {len(ids):,} changed entities and their neighbours")
        records = list(records_to_rescore(view, ids))
        progress(f"blocking and scoring {len(records):,} records against the stored run")

        def store_pairs(increment: Increment) -> None:
            _store_increment(store, view, increment, started, through)

        return index.extend(records, max_drift=MAX_DRIFT, before_commit=store_pairs)
    finally:
        index.close()


def _store_increment(store: Store, view: View, increment: Increment, at: str, through: int) -> None:
    """The increment's pairs into the run (a replaced record's old pairs out first)."""
    signature = view.signature()
    rows = [
        {"signature": signature, "left_id": a, "right_id": b, "bits": bits}
        for a, b, bits in ((*sorted((x, y)), bits) for x, y, bits in increment.pairs)
    ]
    with store.writer() as w:
        gone = increment.replaced
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            w.conn.execute(
                delete(resolution_pair_table).where(
                    P.signature == signature,
                    or_(P.left_id.in_(chunk), P.right_id.in_(chunk)),
                )
            )
        for start in range(0, len(rows), 10_000):
            w.conn.execute(insert(resolution_pair_table), rows[start : start + 10_000])
        stats = json.loads(
            w.conn.execute(select(R.stats).where(R.signature == signature)).scalar() or "{}"
        )
        stats["incremental"] = {**increment.stats, "at": at}
        stats[THROUGH] = through
        w.conn.execute(
            update(resolution_run_table)
            .where(R.signature == signature)
            .values(at=at, stats=json.dumps(stats))
        )


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
    run = stored_run(store, view)
    return run is not None and run.loads_since > 0


@dataclass(frozen=True)
class StoredRun:
    """When the view's stored run was made, and the loads it may see that finished
    after it (their records are clusters of one until `cupula resolve` runs again)."""

    at: str
    loads_since: int


def stored_run(store: Store, view: View) -> StoredRun | None:
    """The view's stored run (None if there is none for its signature)."""
    with store.engine.connect() as conn:
        run = conn.execute(select(R.at, R.stats).where(R.signature == view.signature())).first()
    if run is None:
        return None
    through = _through(run.stats)
    if through is None:  # a run stored before runs kept their last load
        since = sum(str(load["finished"]) > str(run.at) for load in view.loads())
    else:
        since = sum(int(load["id"]) > through for load in view.loads())
    return StoredRun(str(run.at), since)


# the id of the last load a run (or its latest increment) had seen: a load in the same
# second as the run is before or after it, which times of whole seconds cannot say
THROUGH = "through_load"


def _through(stats: str | None) -> int | None:
    value = json.loads(stats or "{}").get(THROUGH)
    return None if value is None else int(value)


def stored_pairs(store: Store, view: View) -> list[tuple[str, str, float]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(P.left_id, P.right_id, P.bits).where(P.signature == view.signature())
        ).all()
    return [(r[0], r[1], float(r[2])) for r in rows]


def _check_purpose(view: View, judgements: Sequence[Judgement]) -> None:
    """Using a CONFIDENTIAL or SECRET judgement is a read that needs a purpose, as a
    statement under that marking would be."""
    if view.scope.purpose:
        return
    if any(j.marking.classification >= Classification.CONFIDENTIAL for j in judgements):
        raise PurposeRequired(
            "judgements you may see are CONFIDENTIAL or SECRET: give a purpose (a case id "
            "or a reason) with --purpose or CUPULA_PURPOSE"
        )


def clusters_for(store: Store, view: View) -> Clusters:
    """The viewer's clusters: the stored run's pairs for its signature, with the
    judgements it may see (see the module docstring)."""
    options, _stats = stored_options(store, view)
    ids = view.entity_ids(FAMILIES)
    index = {e: i for i, e in enumerate(ids)}
    pairs = [(index[a], index[b], bits) for a, b, bits in stored_pairs(store, view)
             if a in index and b in index]  # fmt: skip
    by_pair = standing(store, view.viewer, set(index))
    _check_purpose(view, [j for items in by_pair.values() for j in items])
    judgements = {pair: combined(items) for pair, items in by_pair.items()}
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
        for items in by_pair.values()
        for j in items
        if j.verdict is Verdict.SAME and where[j.left] != where[j.right]
    ]
    return Clusters(members, len(judgements), conflicts, disputes(by_pair))


@dataclass(frozen=True)
class Listed:
    """A judgement listed to a reader: its agency's standing one for the pair, or a
    superseded one; ``disputed`` when the reader sees agencies disagree on the pair."""

    judgement: Judgement
    standing: bool
    disputed: bool

    def as_dict(self) -> dict[str, object]:
        return {**self.judgement.as_dict(), "standing": self.standing,
                "disputed": self.disputed}  # fmt: skip


def judgements_of(store: Store, view: View, entity_id: str | None = None) -> list[Listed]:
    """Every judgement the viewer may see (of pairs with ``entity_id``, if given), oldest
    first: who judged (agency, user), under which marking, what, whether it stands and
    whether the pair is disputed. The judged ids are part of the shared fact: they are
    listed whether or not the viewer sees statements of both entities."""
    where = [] if entity_id is None else [(J.left_id == entity_id) | (J.right_id == entity_id)]
    items = visible(store, view.viewer, *where)
    _check_purpose(view, items)
    latest: dict[tuple[str, str, str], Judgement] = {}
    for item in items:
        latest[(item.left, item.right, item.agency)] = item
    by_pair: dict[tuple[str, str], list[Judgement]] = {}
    for (left, right, _agency), item in latest.items():
        if item.verdict is not Verdict.RETRACTED:
            by_pair.setdefault((left, right), []).append(item)
    disputed = {pair for pair, kept in by_pair.items() if is_disputed(kept)}
    stands = {id(j) for j in latest.values()}
    return [Listed(j, id(j) in stands, (j.left, j.right) in disputed) for j in items]


def judge_seen(
    store: Store,
    view: View,
    left: str,
    right: str,
    verdict: Verdict,
    note: str | None = None,
    *,
    marking: Marking | str | None = None,
) -> Judgement:
    """Record the viewer's judgement of two entities it may see (``UnknownEntity`` if it
    sees no statement of one of them), under ``marking`` (``judgements.judge``)."""
    for entity_id in (left, right):
        if view.entity(entity_id) is None:
            raise UnknownEntity(f"no entity {entity_id!r} among those you may see")
    return judge(store, view.viewer, left, right, verdict, note, marking=marking)


def merged_entity(view: View, members: Sequence[str]) -> EntityProxy | None:
    """One entity from the viewer's statements of every member (id: the first member).
    Members the viewer sees no statement of contribute nothing."""
    statements = [s for m in sorted(members) for s in view.statements(entity_id=m)]
    if not statements:
        return None
    return view.assemble(sorted(members)[0], statements)
