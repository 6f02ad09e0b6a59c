"""What every reader yields: a piece of an entity, with where it was read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from hashlib import sha1
from typing import NamedTuple

from followthemoney.proxy import EntityProxy
from normality import slugify

from cupula.model.statement import BASE, Statement, make_statement

MAX_LENGTH = 200  # of generated ids; the store takes 255


class Fragment(NamedTuple):
    """Part (or all) of one entity, read from one place in a source file.

    Readers may yield several fragments with the same entity id (e.g. an OFAC entry
    from sdn.csv and its aliases from alt.csv): each keeps its own origin.
    """

    entity: EntityProxy
    origin: str
    first_seen: str | None = None
    last_seen: str | None = None


def node_id(namespace: str, *parts: str) -> str:
    """A readable, stable entity id such as ``caviar-12`` or ``montagna-call-3-11``.

    Ids must match FtM's pattern (letters, digits, dots and dashes); a label that
    slugifies to nothing (e.g. only punctuation or an unsupported script) is hashed.
    """
    slugs = []
    for part in parts:
        slug = slugify(part, sep="-")
        if not slug:
            slug = hashlib.sha1(part.encode("utf-8")).hexdigest()[:12]
        slugs.append(slug)
    entity_id = "-".join([slugify(namespace, sep="-") or "x", *slugs])
    if len(entity_id) > MAX_LENGTH:  # long labels: keep a readable start, make it unique
        digest = hashlib.sha1(entity_id.encode("utf-8")).hexdigest()[:16]
        entity_id = f"{entity_id[: MAX_LENGTH - 17].rstrip('-')}-{digest}"
    return entity_id


def fragment_statements(
    fragment: Fragment, dataset: str, marking_id: str, seen: str
) -> Iterator[Statement]:
    """The statements of a fragment: one saying the entity exists, one per value."""
    entity = fragment.entity
    entity_id = entity.id
    if entity_id is None:
        return
    schema = entity.schema.name
    first = fragment.first_seen or seen
    last = fragment.last_seen or first
    origin = fragment.origin
    yield make_statement(
        entity_id,
        schema,
        BASE,
        entity_id,
        dataset,
        marking_id,
        seen=first,
        last_seen=last,
        origin=origin,
    )
    # This loop makes every statement of a load, so it builds the rows inline (the
    # same fields and ids as make_statement; a test holds them equal).
    prefix = f"{dataset}\x1f{entity_id}\x1f{schema}\x1f"
    suffix = f"\x1f\x1f{marking_id}"
    for prop, value in entity.itervalues():
        name = prop.name
        key = f"{prefix}{name}\x1f{value}{suffix}".encode()
        yield Statement(
            sha1(key).hexdigest(),
            entity_id,
            schema,
            name,
            prop.type.name,
            value,
            dataset,
            marking_id,
            None,
            None,
            origin,
            first,
            last,
        )
