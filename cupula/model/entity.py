"""Assemble followthemoney entities from statements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby

from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema
from followthemoney.types import registry

from cupula.model.schemata import get_model
from cupula.model.statement import BASE, Statement


def merged_schema(names: Iterable[str]) -> Schema:
    """The most specific schema compatible with all of ``names``.

    Two partners may type the same id differently (LegalEntity vs Person); FtM's
    common schema reconciles that. Incompatible types (Person vs Company) keep the
    first, so an entity is never dropped, only shown under one of its types.
    """
    model = get_model()
    ordered = sorted(set(names))
    schema = model.get(ordered[0])
    if schema is None:
        raise InvalidData(f"unknown schema {ordered[0]!r}")
    for name in ordered[1:]:
        try:
            schema = model.common_schema(schema, name)
        except InvalidData:
            continue
    return schema


def assemble(entity_id: str, statements: Iterable[Statement]) -> EntityProxy:
    """Build one entity from its statements (values already cleaned at load time)."""
    items = list(statements)
    schema = merged_schema(s.schema for s in items)
    proxy = get_model().make_entity(schema, key_prefix=None)
    proxy.id = entity_id
    for stmt in items:
        if stmt.prop == BASE:
            continue
        prop = schema.get(stmt.prop)
        if prop is None:  # a property of the other, incompatible schema
            continue
        proxy.unsafe_add(prop, stmt.value, cleaned=True)
    return proxy


def assemble_entities(statements: Iterable[Statement]) -> Iterator[EntityProxy]:
    """Entities from statements ordered by entity id (as views return them)."""
    for entity_id, group in groupby(statements, key=lambda s: s.entity_id):
        yield assemble(entity_id, group)


# Where a party is, most telling first: a company's jurisdiction, a person's country of
# residence, then nationality and any other country the entity mentions.
COUNTRY_PROPS = ("jurisdiction", "country", "mainCountry", "nationality", "citizenship")


def countries_of(proxy: EntityProxy) -> tuple[str, ...]:
    """The entity's countries, in the order of ``COUNTRY_PROPS``, then the rest sorted."""
    ordered: list[str] = []
    for prop in COUNTRY_PROPS:
        for value in sorted(proxy.get(prop, quiet=True)):
            if value not in ordered:
                ordered.append(value)
    rest = sorted(set(proxy.get_type_values(registry.country)) - set(ordered))
    return tuple(ordered + rest)


def first_number(values: Iterable[str]) -> float | None:
    """The first value that reads as a number (FtM keeps numbers as strings)."""
    for value in values:
        try:
            return float(value)
        except ValueError:
            continue
    return None


def first_date(proxy: EntityProxy) -> str | None:
    """When it happened: the earliest of its date and start date, if any."""
    return min(proxy.get("date", quiet=True) + proxy.get("startDate", quiet=True), default=None)
