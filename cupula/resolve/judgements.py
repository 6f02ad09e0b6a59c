"""Analysts' judgements: "these two are the same", "different", "unsure".

Judgements are kept as an append-only log (who, which agency, when, why). The current
judgement of a pair is the latest; "retracted" withdraws it, so every merge can be
undone and every undoing is on record. A judgement rests on what its author's agency
saw, so it applies to that agency's readers only (the local administrator sees all
agencies'); and it only ever joins entities the reader can see both of.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import RowMapping, insert, select

from cupula.access.policy import judgement_applies
from cupula.access.viewer import Viewer
from cupula.errors import InvalidInput
from cupula.model.statement import now_iso
from cupula.store import Store
from cupula.store.tables import judgement_table

J = judgement_table.c


class Verdict(enum.StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"
    RETRACTED = "retracted"


@dataclass(frozen=True)
class Judgement:
    left: str
    right: str
    verdict: Verdict
    user: str
    agency: str
    at: str
    note: str | None


def ordered(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise InvalidInput("an entity cannot be judged against itself")
    return (a, b) if a < b else (b, a)


def judge(
    store: Store, viewer: Viewer, a: str, b: str, verdict: Verdict, note: str | None = None
) -> Judgement:
    """Record a judgement of the pair (a, b) by ``viewer``."""
    left, right = ordered(a, b)
    item = Judgement(left, right, Verdict(verdict), viewer.user, viewer.agency, now_iso(), note)
    with store.writer() as w:
        w.conn.execute(
            insert(judgement_table).values(
                left_id=left,
                right_id=right,
                verdict=item.verdict.value,
                user=item.user,
                agency=item.agency,
                at=item.at,
                note=note,
            )
        )
    return item


def history(store: Store, viewer: Viewer, a: str, b: str) -> list[Judgement]:
    """Every judgement of the pair that applies to ``viewer``, oldest first."""
    left, right = ordered(a, b)
    query = select(judgement_table).where(J.left_id == left, J.right_id == right)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(J.id)).all()
    items = (_judgement(r._mapping) for r in rows)
    return [item for item in items if judgement_applies(viewer, item.agency)]


def _judgement(m: RowMapping) -> Judgement:
    return Judgement(
        m["left_id"], m["right_id"], Verdict(m["verdict"]), m["user"], m["agency"], m["at"],
        m["note"],
    )  # fmt: skip


def current(
    store: Store, viewer: Viewer, ids: set[str] | None = None
) -> dict[tuple[str, str], Judgement]:
    """The standing judgement of each judged pair that applies to ``viewer`` (retracted
    ones left out), optionally only pairs with both ends in ``ids``."""
    query = select(judgement_table).order_by(J.id)
    latest: dict[tuple[str, str], Judgement] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            item = _judgement(row._mapping)
            if not judgement_applies(viewer, item.agency):
                continue
            if ids is not None and (item.left not in ids or item.right not in ids):
                continue
            latest[(item.left, item.right)] = item
    return {k: v for k, v in latest.items() if v.verdict is not Verdict.RETRACTED}
