"""Views: the only way to read statements out of a store.

A view is a store seen by one viewer through a scope. Every query a view runs passes
through ``View.scoped`` and nothing else builds a WHERE clause on the statement table or
the read indexes kept beside it (ties, name keys, key counts: ``store.indexes``), all of
which carry the statement's ``dataset`` and ``marking_id``: ``visible`` is the single
place where what a reader may see is decided. The viewer's filter is
``access.policy.decide`` applied to each marking in the store (there are few), turned
into ``marking_id IN (...)``.

A view also keeps count of what it gave out (``usage``: distinct statements, by dataset
and marking; see ``store.usage``), so that the audit log can say how many statements of
which originator a read gave, however many times it read them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, false, func, select
from sqlalchemy.engine import Engine

from cupula.access.policy import allowed_markings
from cupula.access.viewer import Viewer
from cupula.errors import Refused
from cupula.model.entity import DatasetOrder, Entity, assemble, assemble_entities, merged_schema
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, Statement
from cupula.store import ownership
from cupula.store.tables import STATEMENT_COLUMNS, load_table, marking_table, statement_table
from cupula.store.usage import Cell, Usage

S = statement_table.c
BATCH = 10_000
ID_CHUNK = 500  # entity ids per IN (...): under every backend's parameter limit


@lru_cache(maxsize=4096)
def parse_marking(text: str) -> Marking:
    return Marking.parse(text)


class PurposeRequired(Refused):
    """A read that may return CONFIDENTIAL or SECRET statements needs a stated purpose."""


@dataclass(frozen=True)
class Scope:
    """What a view covers: the viewer, and optionally some datasets only."""

    viewer: Viewer
    datasets: frozenset[str] | None = None
    purpose: str | None = None


def visible(
    table: Table, allowed: frozenset[str] | None, datasets: frozenset[str] | None
) -> list[ColumnElement[bool]]:
    """The WHERE of a view over ``table``: its marking among those ``allowed`` (None: all)
    and its dataset in scope (None: all). The one rule for every table a view reads."""
    clauses: list[ColumnElement[bool]] = []
    if allowed is not None:
        clauses.append(table.c.marking_id.in_(sorted(allowed)) if allowed else false())
    if datasets is not None:
        clauses.append(table.c.dataset.in_(sorted(datasets)))
    return clauses


class View:
    def __init__(self, engine: Engine, scope: Scope) -> None:
        self.engine = engine
        self.scope = scope
        self.viewer = scope.viewer
        self.usage = Usage()  # distinct statements returned or counted
        self._order: DatasetOrder | None = None

    # -- the one filter -----------------------------------------------------------------

    def all_markings(self) -> dict[str, Marking]:
        """Every marking in the store, by id (markings are metadata, not facts)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(marking_table.c.id, marking_table.c.text)).all()
        return {r[0]: parse_marking(r[1]) for r in rows}

    def allowed(self, markings: dict[str, Marking] | None = None) -> frozenset[str] | None:
        """Ids of the markings this viewer may see (of ``markings``, by default all in the
        store); None when it may see all."""
        if self.viewer.unrestricted:
            return None
        return allowed_markings(self.viewer, self.all_markings() if markings is None else markings)

    def _check_purpose(self, markings: dict[str, Marking], allowed: frozenset[str] | None) -> None:
        if self.scope.purpose:
            return
        ids = markings.keys() if allowed is None else allowed
        if any(markings[m].classification >= Classification.CONFIDENTIAL for m in ids):
            raise PurposeRequired(
                "this read may return CONFIDENTIAL or SECRET statements: give a purpose "
                "(a case id or a reason) with --purpose or CUPULA_PURPOSE"
            )

    def check_read(self) -> frozenset[str] | None:
        """The markings this view may read (None: all), after the checks every read
        makes (a purpose where confidential statements may be returned)."""
        markings = self.all_markings()
        allowed = self.allowed(markings)
        self._check_purpose(markings, allowed)
        return allowed

    def _scoped(self, query: Select[Any]) -> Select[Any]:
        return self.scoped(query, statement_table)

    def scoped(self, query: Select[Any], table: Table) -> Select[Any]:
        """``query`` over ``table`` (statements, or a table kept beside them with the
        same ``dataset`` and ``marking_id`` columns: the edge and name-key indexes)
        narrowed to what this view may read, after the checks every read makes."""
        return query.where(*visible(table, self.check_read(), self.scope.datasets))

    # -- reading ----------------------------------------------------------------------

    def _stream(self, query: Select[Any], *, whole_cells: bool) -> Iterator[Statement]:
        """The statements of ``query`` in scope, counted in ``usage``: by cell when the
        query reads every statement of the cells it touches (``whole_cells``), else one
        by one."""
        usage = self.usage
        given: Counter[Cell] = Counter()
        finished = False
        try:
            with self.engine.connect() as conn:
                result = conn.execution_options(yield_per=BATCH).execute(self._scoped(query))
                for row in result:
                    statement = Statement(*row)
                    cell = (statement.dataset, statement.marking_id)
                    if whole_cells:
                        given[cell] += 1
                    else:
                        usage.read(cell, statement.id, is_id=statement.prop == BASE)
                    yield statement
            finished = True
        finally:
            if whole_cells:
                (usage.read_whole if finished else usage.read_cut)(given)

    def statements(
        self,
        *,
        entity_id: str | None = None,
        schema: str | None = None,
        dataset: str | None = None,
        markings: Collection[str] | None = None,
    ) -> Iterator[Statement]:
        """Statements in scope, ordered by entity id (so entities can be assembled);
        ``markings`` narrows them to statements under these marking ids (never widens)."""
        query = select(*(statement_table.c[name] for name in STATEMENT_COLUMNS))
        if entity_id is not None:
            query = query.where(S.entity_id == entity_id)
        if schema is not None:
            query = query.where(S.schema == schema)
        if dataset is not None:
            query = query.where(S.dataset == dataset)
        if markings is not None:
            query = query.where(S.marking_id.in_(sorted(markings)) if markings else false())
        # Filters by dataset or marking only still read each (dataset, marking) cell whole.
        whole_cells = entity_id is None and schema is None
        return self._stream(
            query.order_by(S.entity_id, S.prop, S.value, S.id), whole_cells=whole_cells
        )

    def statements_of(
        self, entity_ids: Collection[str], *, props: Collection[str] | None = None
    ) -> Iterator[Statement]:
        """Statements in scope of these entities (range scans by key), ordered by
        entity id: a page of entities, never the whole store. ``props`` narrows them to
        statements of these property types (never widens)."""
        ids = sorted(set(entity_ids))
        for start in range(0, len(ids), ID_CHUNK):
            query = select(*(statement_table.c[name] for name in STATEMENT_COLUMNS)).where(
                S.entity_id.in_(ids[start : start + ID_CHUNK])
            )
            if props is not None:
                query = query.where(S.prop_type.in_(sorted(props)))
            yield from self._stream(
                query.order_by(S.entity_id, S.prop, S.value, S.id), whole_cells=False
            )

    def assembled(
        self, entity_ids: Collection[str], *, props: Collection[str] | None = None
    ) -> dict[str, Entity]:
        """These entities as this viewer may see them (those it sees nothing of left
        out); ``props``: only their statements of these property types."""
        statements = self.statements_of(entity_ids, props=props)
        return {
            e.id: e
            for e in assemble_entities(statements, self.dataset_order(), self.prefer())
            if e.id is not None
        }

    def referencing(self, entity_ids: Collection[str]) -> Iterator[Statement]:
        """Statements in scope whose value points at one of ``entity_ids`` (an entity
        reference: an edge's end, an owner), ordered by entity id."""
        if not entity_ids:
            return iter(())
        query = select(*(statement_table.c[name] for name in STATEMENT_COLUMNS)).where(
            S.prop_type == "entity", S.value.in_(sorted(entity_ids))
        )
        return self._stream(query.order_by(S.entity_id, S.prop, S.id), whole_cells=False)

    def dataset_order(self) -> DatasetOrder:
        """Datasets by age (which created an entity: its owner gives the caption)."""
        if self._order is None:
            with self.engine.connect() as conn:
                self._order = ownership.dataset_order(conn)
        return self._order

    def assemble(self, entity_id: str, statements: Iterable[Statement]) -> Entity:
        """One entity from statements this view returned, captioned by its owner."""
        return assemble(entity_id, statements, self.dataset_order(), self.prefer())

    def entity(self, entity_id: str) -> Entity | None:
        """The entity as this viewer may see it (None if it sees no statement of it)."""
        statements = list(self.statements(entity_id=entity_id))
        return self.assemble(entity_id, statements) if statements else None

    def entities(self) -> Iterator[Entity]:
        return assemble_entities(self.statements(), self.dataset_order(), self.prefer())

    def prefer(self) -> str | None:
        """The agency whose own records name and type entities for this reader."""
        return None if self.viewer.unrestricted else self.viewer.agency

    def entity_ids(self, schemata: Iterable[str]) -> list[str]:
        """Ids of the entities in scope stated to be of one of ``schemata``, sorted."""
        query = self._scoped(
            select(S.entity_id, S.dataset, S.marking_id, S.id).where(
                S.prop == BASE, S.schema.in_(sorted(schemata))
            )
        )
        ids: set[str] = set()
        with self.engine.connect() as conn:
            for entity_id, dataset, marking_id, statement_id in conn.execute(query):
                ids.add(entity_id)
                self.usage.read((dataset, marking_id), statement_id, is_id=True)
        return sorted(ids)

    def signature(self) -> str:
        """A digest of exactly what this view may read (the markings it is allowed and
        its datasets): results derived from a view may be shown to another view only
        when the two signatures are equal."""
        return self._signature(self.allowed())

    def checked_signature(self) -> str:
        """``signature()`` after the checks every read makes (``check_read``), reading the
        marking table once for both: for results reused in place of a read."""
        return self._signature(self.check_read())

    def _signature(self, allowed: frozenset[str] | None) -> str:
        parts = [
            "*" if allowed is None else ",".join(sorted(allowed)),
            "*" if self.scope.datasets is None else ",".join(sorted(self.scope.datasets)),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    # -- counting -----------------------------------------------------------------------

    def count_by(self, column: str) -> dict[str, int]:
        """Statements in scope counted by a statement column (dataset, marking_id, ...)."""
        col = S[column]
        # Over every dataset, a count per marking covers each marking whole for the audit
        # (grouping by dataset too would make the query twice as slow on SQLite).
        by_cell = self.scope.datasets is not None
        group = (col, S.dataset, S.marking_id) if by_cell else (col, S.marking_id)
        query = self._scoped(select(*group, func.count()).select_from(statement_table))
        counts: Counter[str] = Counter()
        cells: Counter[Cell] = Counter()
        markings: Counter[str] = Counter()
        with self.engine.connect() as conn:
            for row in conn.execute(query.group_by(*group)):
                counts[str(row[0])] += int(row[-1])
                if by_cell:
                    cells[(row[1], row[2])] += int(row[-1])
                else:
                    markings[row[1]] += int(row[-1])
        self.usage.read_whole(cells)
        self.usage.read_markings_whole(markings)
        return dict(sorted(counts.items()))

    def count_statements(self) -> int:
        return sum(self.count_by("marking_id").values())

    def count_entities(self) -> dict[str, int]:
        """Entities in scope by (merged) schema name."""
        query = self._scoped(
            select(S.entity_id, S.schema, S.dataset, S.marking_id).where(S.prop == BASE)
        ).order_by(S.entity_id)
        counts: Counter[str] = Counter()
        cells: Counter[Cell] = Counter()
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=BATCH).execute(query)
            for _entity_id, group in groupby(rows, key=lambda r: r[0]):
                items = list(group)
                for row in items:
                    cells[(row[2], row[3])] += 1
                counts[merged_schema(r[1] for r in items).name] += 1
        self.usage.read_ids_whole(cells)
        return dict(sorted(counts.items()))

    def markings(self) -> dict[str, Marking]:
        """The markings of the statements in scope, by id."""
        used = self._scoped(select(S.marking_id).distinct())
        query = select(marking_table.c.id, marking_table.c.text).where(
            marking_table.c.id.in_(used.scalar_subquery())
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r[0]: parse_marking(r[1]) for r in rows}

    def loads(self) -> list[dict[str, Any]]:
        """The loads whose marking this viewer may see, oldest first."""
        allowed = self.allowed()
        query = select(load_table).order_by(load_table.c.id)
        query = query.where(*visible(load_table, allowed, self.scope.datasets))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def originators(self) -> dict[str, int]:
        """Distinct statements given so far, by originating agency (for the audit log)."""
        return self.usage.by_originator(self.all_markings())

    @contextmanager
    def recorded(self) -> Iterator[Usage]:
        """What the reads inside give, counted apart (for a result kept to be reused:
        ``store.derived``) and then added to this view's usage."""
        outer, self.usage = self.usage, Usage()
        try:
            yield self.usage
        finally:
            inner, self.usage = self.usage, outer
            outer.merge(inner)
