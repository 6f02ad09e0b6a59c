"""Assemble followthemoney entities from statements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from typing import Any

from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema
from followthemoney.types import registry

from cupula.model.schemata import get_model
from cupula.model.statement import BASE, Statement


def merged_schema(names: Iterable[str], first: Iterable[str] = ()) -> Schema:
    """The most specific schema compatible with all of ``names``.

    Two partners may type the same id differently (LegalEntity vs Person); FtM's
    common schema reconciles that. Incompatible types (Person vs Company) keep the
    schemata of ``first`` (the owner's), then the first in order, so an entity is never
    dropped, only shown under one of its types — and a partner cannot retype another
    agency's entity.
    """
    model = get_model()
    ordered = sorted(set(first)) + sorted(set(names) - set(first))
    schema = model.get(ordered[0])
    if schema is None:
        raise InvalidData(f"unknown schema {ordered[0]!r}")
    for name in ordered[1:]:
        try:
            schema = model.common_schema(schema, name)
        except InvalidData:
            continue
    return schema


class Entity(EntityProxy):
    """An entity assembled from several datasets' statements, captioned by its owner.

    The owner of an entity is the agency of the oldest dataset that holds statements
    about it (the one that created it). What other agencies add (an alias, a second
    name) is shown among its values but never chooses its caption: a partner cannot
    rename another agency's target in that agency's own pages, rankings and exports.
    """

    __slots__ = ["owner_caption"]

    owner_caption: str | None

    @property
    def caption(self) -> str:
        return self.owner_caption or super().caption

    def __getstate__(self) -> dict[str, Any]:
        # FtM's own reads ``self.__slots__``: here only this class's, so all are listed
        data = {slot: getattr(self, slot) for slot in EntityProxy.__slots__}
        data["schema"] = self.schema.name
        data["owner_caption"] = self.owner_caption
        return data

    def __setstate__(self, data: dict[str, Any]) -> None:
        for slot in EntityProxy.__slots__:
            value = data.get(slot)
            if slot == "schema":
                value = get_model()[data["schema"]]
            setattr(self, slot, value)
        self.owner_caption = data.get("owner_caption")


# dataset -> (created, its owning agency) (``store.ownership.dataset_order``)
DatasetOrder = Mapping[str, tuple[str, str]]


def _owners(items: list[Statement], order: DatasetOrder | None, prefer: str | None) -> set[str]:
    """The datasets whose statements name and type the entity: those of the reader's own
    agency (``prefer``) where it holds the entity — an agency always sees its own record
    as it wrote it — else those of the agency of the oldest dataset in ``order``
    (creation times are the store's, not the data's: a file cannot backdate them).
    Datasets ``order`` does not know count as their own agency, and as younger than
    those it knows, the first seen first."""
    first: dict[str, str] = {}
    for stmt in items:
        if stmt.dataset not in first or stmt.first_seen < first[stmt.dataset]:
            first[stmt.dataset] = stmt.first_seen
    known = order or {}
    if prefer is not None:
        own = {d for d in first if d in known and known[d][1] == prefer}
        if own:
            return own

    def age(d: str) -> tuple[bool, str, str, str]:
        if d in known:
            return (False, known[d][0], "", d)
        return (True, "", first[d], d)

    oldest = min(first, key=age)
    if oldest not in known:
        return {oldest}
    agency = known[oldest][1]
    return {d for d in first if d in known and known[d][1] == agency}


def _fill(proxy: EntityProxy, schema: Schema, items: Iterable[Statement]) -> None:
    """Add the statements' values (cleaned at load time) to ``proxy``.

    FtM's ``unsafe_add`` tests each new value against a list of the property's values,
    quadratic in their number: an entity that gathered thousands of values over many
    loads would take seconds per read. This keeps a set beside the list and applies
    FtM's own size cap (``total_size``) the same way."""
    seen: set[tuple[str, str]] = set()
    properties = proxy._properties
    for stmt in items:
        if stmt.prop == BASE or (stmt.prop, stmt.value) in seen:
            continue
        prop = schema.get(stmt.prop)
        if prop is None:  # a property of the other, incompatible schema
            continue
        total = prop.type.total_size
        if total is not None and proxy._size + len(stmt.value) > total:
            continue
        proxy._size += len(stmt.value)
        seen.add((stmt.prop, stmt.value))
        properties.setdefault(prop.name, []).append(stmt.value)


def assemble(
    entity_id: str,
    statements: Iterable[Statement],
    order: DatasetOrder | None = None,
    prefer: str | None = None,
) -> Entity:
    """Build one entity from its statements (values already cleaned at load time).
    ``order`` ranks datasets by age and names their agencies, ``prefer`` is the reader's
    agency: they decide the owner whose statements give the caption and the type."""
    items = list(statements)
    datasets = {s.dataset for s in items}
    owners = _owners(items, order, prefer) if len(datasets) > 1 else datasets
    schema = merged_schema(
        (s.schema for s in items), first=(s.schema for s in items if s.dataset in owners)
    )
    proxy = Entity(schema, {"id": entity_id})
    proxy.owner_caption = None
    _fill(proxy, schema, items)
    if len(datasets) > 1:
        own = Entity(schema, {"id": entity_id})
        own.owner_caption = None
        _fill(own, schema, (s for s in items if s.dataset in owners))
        if any(own.get(prop, quiet=True) for prop in schema.caption):
            proxy.owner_caption = own.caption
    return proxy


def assemble_entities(
    statements: Iterable[Statement],
    order: DatasetOrder | None = None,
    prefer: str | None = None,
) -> Iterator[Entity]:
    """Entities from statements ordered by entity id (as views return them)."""
    for entity_id, group in groupby(statements, key=lambda s: s.entity_id):
        yield assemble(entity_id, group, order, prefer)


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
