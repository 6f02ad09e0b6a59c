"""Analysts' judgements: "these two are the same", "different", "unsure".

A judgement is itself a marked fact: besides who, which agency, when and why, it
carries a marking (classification, REL TO, handling, cases; its originator is always
the author's agency), so that one agency can tell a partner "co-w-0001 is us-t-0001"
without sharing anything else. Judgements are kept as an append-only log.

How a reader's judgements are decided (every rule is the reader's own view of the log):

1. A reader uses exactly the judgements it may see (``policy.judgement_applies``, which
   is ``policy.decide`` on the judgement's marking); the others do not exist for it.
2. Of those, each agency's latest judgement of a pair *stands* for that agency (a later
   one is a change of mind; "retracted" withdraws the agency's judgement).
3. Agencies' standing judgements of a pair are combined: "different" wins over "same"
   (a cannot-link: a wrong merge is worse than a missed one, and the merge can still be
   made once the agency that objects retracts), "same" wins over "unsure". A pair with
   both a "same" and a "different" standing is *disputed*: `cupula clusters`, `review`,
   `judgements` and the API show it with every agency's verdict and marking.

A judgement only ever joins entities the reader can see both of (``service``).

Markings of judgements are kept in their own table (``judgement_marking``, with the same
ids as the marking table: a hash of the canonical text), not in the marking table of
statements: a view's access signature is the set of statement markings it may read,
and a shared judgement must not change it (that would discard every stored run of its
readers).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, RowMapping, insert, select

from cupula.access.policy import judgement_applies, may_mark
from cupula.access.viewer import Viewer
from cupula.errors import InvalidInput, Refused
from cupula.model.marking import Classification, Marking, MarkingError
from cupula.model.statement import now_iso
from cupula.store import Store
from cupula.store.store import insert_if_absent
from cupula.store.tables import judgement_marking_table, judgement_table
from cupula.store.view import parse_marking

J = judgement_table.c
JM = judgement_marking_table.c
DEFAULT_CLASSIFICATION = Classification.RESTRICTED  # of a judgement given no marking


class Verdict(enum.StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"
    RETRACTED = "retracted"


class JudgementRefused(Refused):
    """The author may not write a judgement under the marking it asked for."""


@dataclass(frozen=True)
class Judgement:
    left: str
    right: str
    verdict: Verdict
    user: str
    agency: str
    at: str
    note: str | None
    marking: Marking

    def as_dict(self) -> dict[str, str | None]:
        return {"left": self.left, "right": self.right, "verdict": self.verdict.value,
                "agency": self.agency, "user": self.user, "at": self.at,
                "marking": str(self.marking), "note": self.note}  # fmt: skip


@dataclass(frozen=True)
class Dispute:
    """A pair on which agencies' standing judgements (that one reader sees) disagree."""

    left: str
    right: str
    judgements: tuple[Judgement, ...]  # every standing one, by agency

    def summary(self) -> str:
        verdicts = "; ".join(f"{j.agency}: {j.verdict.value} [{j.marking}]"
                             for j in self.judgements)  # fmt: skip
        return f"{self.left} / {self.right} — {verdicts} → kept apart ('different' wins)"


def ordered(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise InvalidInput("an entity cannot be judged against itself")
    return (a, b) if a < b else (b, a)


def default_marking(viewer: Viewer) -> Marking:
    """The marking of a first judgement given none: the author's agency alone,
    RESTRICTED (or the author's clearance, if lower: it must be able to read it)."""
    level = min(DEFAULT_CLASSIFICATION, viewer.clearance)
    return Marking(classification=Classification(level), originator=viewer.agency)


def marking_for(
    store: Store, viewer: Viewer, left: str, right: str, marking: Marking | str | None
) -> Marking:
    """The marking a new judgement of (left, right) by ``viewer`` is written under.

    Given as text, its missing ORIG is the author's agency (another ORIG is refused).
    Not given: the marking of the agency's standing judgement of the pair that the
    author may see, so that a change of mind or a retraction reaches every reader the
    judgement it replaces reached; else ``default_marking``.
    """
    if isinstance(marking, str):
        return parse_judgement_marking(marking, viewer.agency)
    if marking is not None:
        return marking
    own = [j for j in history(store, viewer, left, right) if j.agency == viewer.agency]
    return own[-1].marking if own else default_marking(viewer)


def parse_judgement_marking(text: str, agency: str) -> Marking:
    """``text`` with its ORIG (which must be ``agency``) or ORIG ``agency`` added."""
    try:
        explicit: Marking | None = Marking.parse(text)
    except MarkingError:
        explicit = None  # no ORIG, or a mistake the second reading names
    if explicit is not None and explicit.originator != agency:
        raise JudgementRefused(
            f"marking {text!r}: a judgement's originator is its author's agency {agency}, "
            f"not {explicit.originator}; nothing was recorded"
        )
    return explicit or Marking.parse(text, originator=agency)


def judge(
    store: Store,
    viewer: Viewer,
    a: str,
    b: str,
    verdict: Verdict,
    note: str | None = None,
    *,
    marking: Marking | str | None = None,
) -> Judgement:
    """Record a judgement of the pair (a, b) by ``viewer`` under ``marking`` (see
    ``marking_for``). Raises MarkingError for a bad marking and JudgementRefused for one
    the author may not write (``policy.may_mark``); either way nothing is written."""
    left, right = ordered(a, b)
    chosen = marking_for(store, viewer, left, right, marking)
    if chosen.originator != viewer.agency:
        raise JudgementRefused(
            f"a judgement's originator is its author's agency {viewer.agency}, "
            f"not {chosen.originator}; nothing was recorded"
        )
    decision = may_mark(viewer, chosen)
    if not decision:
        raise JudgementRefused(f"marking {str(chosen)!r}: {decision}; nothing was recorded")
    item = Judgement(left, right, Verdict(verdict), viewer.user, viewer.agency, now_iso(),
                     note, chosen)  # fmt: skip
    with store.writer() as w:
        _put_marking(w.conn, chosen)
        w.conn.execute(
            insert(judgement_table).values(
                left_id=left,
                right_id=right,
                verdict=item.verdict.value,
                user=item.user,
                agency=item.agency,
                at=item.at,
                note=note,
                marking_id=chosen.id,
            )
        )
    return item


def _put_marking(conn: Connection, marking: Marking) -> None:
    # insert if absent in one statement: two judgements under a new marking may race
    put = insert_if_absent(conn, judgement_marking_table, ["id"])
    conn.execute(put.values(id=marking.id, text=str(marking)))


def _rows(store: Store, *where: ColumnElement[bool]) -> list[RowMapping]:
    query = (
        select(judgement_table, JM.text.label("marking_text"))
        .join(judgement_marking_table, JM.id == J.marking_id)
        .where(*where)
        .order_by(J.id)
    )
    with store.engine.connect() as conn:
        return [row._mapping for row in conn.execute(query)]


def visible(store: Store, viewer: Viewer, *where: ColumnElement[bool]) -> list[Judgement]:
    """Every judgement (of the log, oldest first) that ``viewer`` may see."""
    items = (_judgement(m) for m in _rows(store, *where))
    return [item for item in items if judgement_applies(viewer, item.marking)]


def history(store: Store, viewer: Viewer, a: str, b: str) -> list[Judgement]:
    """Every judgement of the pair that ``viewer`` may see, oldest first."""
    left, right = ordered(a, b)
    return visible(store, viewer, J.left_id == left, J.right_id == right)


def _judgement(m: RowMapping) -> Judgement:
    return Judgement(
        m["left_id"], m["right_id"], Verdict(m["verdict"]), m["user"], m["agency"], m["at"],
        m["note"], parse_marking(m["marking_text"]),
    )  # fmt: skip


def standing(
    store: Store, viewer: Viewer, ids: set[str] | None = None
) -> dict[tuple[str, str], tuple[Judgement, ...]]:
    """Per judged pair, each agency's standing judgement that ``viewer`` may see (its
    latest visible one; withdrawn ones left out), optionally only pairs with both ends
    in ``ids``."""
    latest: dict[tuple[str, str], dict[str, Judgement]] = {}
    for item in visible(store, viewer):
        if ids is not None and (item.left not in ids or item.right not in ids):
            continue
        latest.setdefault((item.left, item.right), {})[item.agency] = item
    out: dict[tuple[str, str], tuple[Judgement, ...]] = {}
    for pair, by_agency in latest.items():
        kept = tuple(j for _, j in sorted(by_agency.items()) if j.verdict is not Verdict.RETRACTED)
        if kept:
            out[pair] = kept
    return out


def combined(judgements: Iterable[Judgement]) -> Judgement:
    """The judgement that decides a pair: "different" over "same" over "unsure"; among
    equals, the latest."""
    rank = {Verdict.DIFFERENT: 2, Verdict.SAME: 1, Verdict.UNSURE: 0}
    return max(judgements, key=lambda j: (rank[j.verdict], j.at))


def is_disputed(judgements: Iterable[Judgement]) -> bool:
    verdicts = {j.verdict for j in judgements}
    return {Verdict.SAME, Verdict.DIFFERENT} <= verdicts


def disputes(standing_: dict[tuple[str, str], tuple[Judgement, ...]]) -> list[Dispute]:
    """The disputed pairs of ``standing(...)``, in pair order."""
    return [Dispute(left, right, items) for (left, right), items in sorted(standing_.items())
            if is_disputed(items)]  # fmt: skip


def current(
    store: Store, viewer: Viewer, ids: set[str] | None = None
) -> dict[tuple[str, str], Judgement]:
    """The judgement that decides each judged pair for ``viewer`` (``combined`` over the
    agencies' standing judgements it may see), optionally only pairs with both ends in
    ``ids``."""
    return {pair: combined(items) for pair, items in standing(store, viewer, ids).items()}
