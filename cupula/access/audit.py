"""The audit log: who read or wrote what, when, why, and how much came back.

Entries are appended with consecutive numbers, and each entry's hash covers its content
and the hash of the entry before it. Editing, deleting, inserting or reordering entries
in the database breaks the chain at the first entry touched, which ``verify`` names.
Cutting entries off the end leaves a shorter valid chain: to catch that, agencies keep
the head (``cupula audit head``) outside the database and verify against it.

Who reads which entry, and how much of it (``shown_to``; the same for ``cupula audit
show``, ``GET /api/audit`` and the ``/audit`` page):

- the local administrator of the store reads every entry whole;
- supervisors and administrators of an agency (``oversees``) read whole the entries of
  their own agency's users (what their staff asked, why, and how much they got);
- everything else — any entry for an analyst, another agency's users' entries for a
  supervisor — is read only where it gave or wrote statements of the reader's own
  agency (the reads of its agency's data), and of each only what does not depend on
  what other agencies hold:
  * the statements counted are its agency's only (``statements`` is that count and
    ``originators`` names its agency alone): how much of other agencies' data a reader
    got, or whether it got any, is theirs to know;
  * another user's query (parameters, path, outcome) and purpose are withheld: both
    are that user's words, written after reading what it may see, and can name
    entities, datasets, people or facts of other agencies (an id is itself a fact:
    hidden entities answer as missing ones do). Withholding them whatever the entry
    holds keeps the shape of the answer from telling either. Who read, when, with which
    action (the command, or the route's template) and how much of the agency's data
    remain: that is what an originator needs to ask the reader, or its supervisor, why;
  * the hashes are withheld: with the rest of an entry known, its hash would confirm a
    guess of what was withheld (``cupula audit verify`` checks the chain for everyone);
  * its own entries keep their query and purpose (its own words), counts reduced alike.
  ``withheld`` names what was left out, so that a page says so rather than show blanks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import desc, insert, select
from sqlalchemy.exc import IntegrityError

from cupula.access.viewer import Role, Viewer
from cupula.errors import InvalidInput, Refused
from cupula.model.statement import now_iso
from cupula.store.store import Store
from cupula.store.tables import audit_table

GENESIS = "0" * 64
A = audit_table.c


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    user: str
    agency: str
    action: str
    query: dict[str, Any]
    purpose: str | None
    statements: int
    originators: dict[str, int]
    prev_hash: str
    hash: str
    withheld: tuple[str, ...] = ()  # what a reader was not shown (see ``shown_to``)


def entry_hash(
    seq: int,
    at: str,
    user: str,
    agency: str,
    action: str,
    query: str,
    purpose: str | None,
    statements: int,
    originators: str,
    prev_hash: str,
) -> str:
    content = json.dumps(
        [seq, at, user, agency, action, query, purpose, statements, originators, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def append(
    store: Store,
    viewer: Viewer,
    action: str,
    query: dict[str, Any],
    *,
    purpose: str | None,
    statements: int = 0,
    originators: dict[str, int] | None = None,
) -> Entry:
    """Add one entry at the end of the chain (retrying if another process won the race)."""
    query_text = json.dumps(query, sort_keys=True, ensure_ascii=False, default=str)
    origin_text = json.dumps(dict(sorted((originators or {}).items())), ensure_ascii=False)
    for _attempt in range(20):
        # A concurrent writer may take the same number first: its transaction then
        # fails on the key, is rolled back whole, and this one tries the next number.
        try:
            with store.append_lock, store.engine.begin() as conn:
                last = conn.execute(select(A.seq, A.hash).order_by(desc(A.seq)).limit(1)).first()
                seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
                at = now_iso()
                digest = entry_hash(
                    seq,
                    at,
                    viewer.user,
                    viewer.agency,
                    action,
                    query_text,
                    purpose,
                    statements,
                    origin_text,
                    prev,
                )
                conn.execute(
                    insert(audit_table).values(
                        seq=seq,
                        at=at,
                        user=viewer.user,
                        agency=viewer.agency,
                        action=action,
                        query=query_text,
                        purpose=purpose,
                        statements=statements,
                        originators=origin_text,
                        prev_hash=prev,
                        hash=digest,
                    )
                )
        except IntegrityError:
            continue
        return Entry(
            seq,
            at,
            viewer.user,
            viewer.agency,
            action,
            query,
            purpose,
            statements,
            originators or {},
            prev,
            digest,
        )
    raise RuntimeError("could not append to the audit log: too much contention")


def _entries(store: Store) -> Iterator[Any]:
    with store.engine.connect() as conn:
        yield from conn.execute(select(audit_table).order_by(A.seq))


def entries(store: Store, *, originator: str | None = None) -> list[Entry]:
    """The log, oldest first; with ``originator``, only reads that returned its data."""
    out = []
    for row in _entries(store):
        originators = json.loads(row.originators)
        if originator is not None and originator.upper() not in originators:
            continue
        out.append(
            Entry(
                row.seq,
                row.at,
                row.user,
                row.agency,
                row.action,
                json.loads(row.query),
                row.purpose,
                row.statements,
                originators,
                row.prev_hash,
                row.hash,
            )
        )
    return out


def oversees(viewer: Viewer) -> bool:
    """Whether ``viewer`` supervises its agency's users (supervisors, administrators):
    it lists every entry, whole for its own agency's users (``shown_to``)."""
    return viewer.has_role(Role.SUPERVISOR) or viewer.has_role(Role.ADMIN)


def reads_whole(viewer: Viewer, entry: Entry) -> bool:
    """Whether ``viewer`` reads ``entry`` whole: the store's local administrator any
    entry; a supervisor or administrator of an agency the entries of its own users. A
    partner's supervisor is no supervisor of other agencies' users: what they asked,
    and how much they got of third agencies' data, is not its to know."""
    return viewer.unrestricted or (oversees(viewer) and entry.agency == viewer.agency)


OWN_WITHHELD: tuple[str, ...] = ("other agencies' statements", "hash")
OTHERS_WITHHELD: tuple[str, ...] = ("other agencies' statements", "query", "purpose", "hash")


def shown_to(viewer: Viewer, entry: Entry) -> Entry | None:
    """What ``viewer`` may read of ``entry`` (None: nothing); the rule is in the
    module's docstring. What is withheld depends on who asks and who read, never on
    what the entry holds of other agencies."""
    if reads_whole(viewer, entry):
        return entry
    own = entry.originators.get(viewer.agency, 0)
    if not own:
        return None
    if (entry.user, entry.agency) == (viewer.user, viewer.agency):
        query, purpose, withheld = entry.query, entry.purpose, OWN_WITHHELD
    else:
        query, purpose, withheld = {}, None, OTHERS_WITHHELD
    return replace(
        entry,
        query=query,
        purpose=purpose,
        statements=own,
        originators={viewer.agency: own},
        prev_hash="",
        hash="",
        withheld=withheld,
    )


def entries_for(viewer: Viewer, store: Store, *, originator: str | None = None) -> list[Entry]:
    """The entries ``viewer`` may read, as it may read them (``shown_to``): supervisors
    and administrators list every entry (or those of one ``originator``), whole for
    their own agency's users; anyone else only the reads of its own agency's data, and
    of those only its agency's part."""
    if not oversees(viewer) and (originator is None or originator.upper() != viewer.agency):
        raise Refused(
            f"{viewer.user} may see the reads of {viewer.agency}'s data only: "
            f"originator {viewer.agency}"
        )
    shown = (shown_to(viewer, e) for e in entries(store, originator=originator))
    return [e for e in shown if e is not None]


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    problem: str | None = None
    bad_seq: int | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries"
        return f"audit log broken at entry {self.bad_seq}: {self.problem}"


def head(store: Store) -> str:
    """``SEQ:HASH`` of the last entry (``0:`` + genesis for an empty log)."""
    with store.engine.connect() as conn:
        last = conn.execute(select(A.seq, A.hash).order_by(desc(A.seq)).limit(1)).first()
    return f"0:{GENESIS}" if last is None else f"{last.seq}:{last.hash}"


def _parse_head(text: str) -> tuple[int, str]:
    seq_text, _, digest = text.partition(":")
    if not seq_text.isdigit() or len(digest) != len(GENESIS):
        raise InvalidInput(f"a head is SEQ:HASH as `cupula audit head` prints it, not {text!r}")
    return int(seq_text), digest


def verify(store: Store, *, expected_head: str | None = None) -> Verification:
    """Recompute the chain; name the first entry that was edited, removed or moved."""
    head_seq, head_digest = _parse_head(expected_head) if expected_head else (0, GENESIS)
    prev, expected_seq, count = GENESIS, 1, 0
    for row in _entries(store):
        if row.seq != expected_seq:
            problem = (
                f"entry {expected_seq} is missing"
                if row.seq > expected_seq
                else f"entry {row.seq} is out of order"
            )
            return Verification(False, count, problem, expected_seq)
        if row.prev_hash != prev:
            return Verification(
                False,
                count,
                "does not follow the entry before it (deleted, inserted or reordered)",
                row.seq,
            )
        digest = entry_hash(
            row.seq,
            row.at,
            row.user,
            row.agency,
            row.action,
            row.query,
            row.purpose,
            row.statements,
            row.originators,
            row.prev_hash,
        )
        if digest != row.hash:
            return Verification(False, count, "its content was changed", row.seq)
        if row.seq == head_seq and row.hash != head_digest:
            return Verification(False, count, "does not match the head kept outside", row.seq)
        prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    if head_seq > count:
        return Verification(
            False, count, f"entries {count + 1} to {head_seq} were cut off the end", count + 1
        )
    return Verification(True, count)
