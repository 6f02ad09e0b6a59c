"""Statements: one value of one property of one entity, with provenance and marking.

A statement is a row, so it is a NamedTuple: cheap to build by the million and
insertable as it is. Its id is a content hash of what makes it the same fact from
the same source under the same marking (dataset, entity, property, value, language,
marking); loading the same data twice therefore yields the same ids and adds nothing.
Where it was read (``origin``) and when (``first_seen``/``last_seen``) are provenance,
not identity: the first origin is kept, the seen dates widen.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import NamedTuple

from followthemoney.statement.util import BASE_ID, get_prop_type

from cupula.model.schemata import get_model

BASE = BASE_ID  # the property name of the statement that says "this entity exists"


class Statement(NamedTuple):
    id: str
    entity_id: str
    schema: str
    prop: str
    prop_type: str
    value: str
    dataset: str
    marking_id: str
    lang: str | None
    original_value: str | None
    origin: str | None
    first_seen: str
    last_seen: str


def statement_id(
    dataset: str,
    entity_id: str,
    schema: str,
    prop: str,
    value: str,
    lang: str | None,
    marking_id: str,
) -> str:
    # The schema is part of the fact: "A says e1 is a Person" and "A says e1 is a
    # LegalEntity" are two statements, and the entity is typed by merging them. (Found
    # by the access invariant test: without it the second typing was silently dropped.)
    key = (
        f"{dataset}\x1f{entity_id}\x1f{schema}\x1f{prop}\x1f{value}\x1f{lang or ''}\x1f{marking_id}"
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def make_statement(
    entity_id: str,
    schema: str,
    prop: str,
    value: str,
    dataset: str,
    marking_id: str,
    *,
    seen: str,
    lang: str | None = None,
    original_value: str | None = None,
    origin: str | None = None,
    last_seen: str | None = None,
) -> Statement:
    """Build a statement; ``seen`` is the first-seen time (ISO 8601, UTC)."""
    if original_value == value:
        original_value = None
    get_model()  # cupula's schemata must be in FtM's model before it types a property
    return Statement(
        statement_id(dataset, entity_id, schema, prop, value, lang, marking_id),
        entity_id,
        schema,
        prop,
        get_prop_type(schema, prop),
        value,
        dataset,
        marking_id,
        lang,
        original_value,
        origin,
        seen,
        last_seen or seen,
    )


def now_iso() -> str:
    """The current time as an ISO 8601 UTC string with second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
