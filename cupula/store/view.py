"""Views: the only way to read statements out of a store.

A view is a store seen through a scope. Every query a view runs passes through
``View._scoped`` and nothing else builds a WHERE clause on the statement table: this
is the single place where what a reader may see is decided (today: which datasets;
the viewer's access filter belongs here too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from followthemoney.proxy import EntityProxy
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Engine

from cupula.model.entity import assemble, merged_schema
from cupula.model.marking import Marking
from cupula.model.statement import BASE, Statement
from cupula.store.tables import STATEMENT_COLUMNS, marking_table, statement_table

S = statement_table.c
BATCH = 10_000


@dataclass(frozen=True)
class Scope:
    """What a view covers. ``datasets=None`` means every dataset."""

    datasets: frozenset[str] | None = None


class View:
    def __init__(self, engine: Engine, scope: Scope) -> None:
        self.engine = engine
        self.scope = scope

    def _scoped(self, query: Select) -> Select:  # type: ignore[type-arg]
        if self.scope.datasets is not None:
            query = query.where(S.dataset.in_(sorted(self.scope.datasets)))
        return query

    def _stream(self, query: Select) -> Iterator[Statement]:  # type: ignore[type-arg]
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=BATCH).execute(self._scoped(query))
            for row in result:
                yield Statement(*row)

    def statements(
        self,
        *,
        entity_id: str | None = None,
        schema: str | None = None,
        dataset: str | None = None,
    ) -> Iterator[Statement]:
        """Statements in scope, ordered by entity id (so entities can be assembled)."""
        query = select(*(statement_table.c[name] for name in STATEMENT_COLUMNS))
        if entity_id is not None:
            query = query.where(S.entity_id == entity_id)
        if schema is not None:
            query = query.where(S.schema == schema)
        if dataset is not None:
            query = query.where(S.dataset == dataset)
        return self._stream(query.order_by(S.entity_id, S.prop, S.value, S.id))

    def entity(self, entity_id: str) -> EntityProxy | None:
        statements = list(self.statements(entity_id=entity_id))
        return assemble(entity_id, statements) if statements else None

    def entities(self) -> Iterator[EntityProxy]:
        for entity_id, group in groupby(self.statements(), key=lambda s: s.entity_id):
            yield assemble(entity_id, group)

    def count_statements(self) -> int:
        query = self._scoped(select(func.count()).select_from(statement_table))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def count_entities(self) -> dict[str, int]:
        """Entities in scope by (merged) schema name."""
        query = self._scoped(
            select(S.entity_id, S.schema).where(S.prop == BASE).distinct()
        ).order_by(S.entity_id)
        counts: Counter[str] = Counter()
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=BATCH).execute(query)
            for _entity_id, group in groupby(rows, key=lambda r: r[0]):
                counts[merged_schema(r[1] for r in group).name] += 1
        return dict(sorted(counts.items()))

    def count_by(self, column: str) -> dict[str, int]:
        """Statements in scope counted by a statement column (dataset, marking_id, ...)."""
        col = S[column]
        query = self._scoped(select(col, func.count()).select_from(statement_table))
        with self.engine.connect() as conn:
            rows = conn.execute(query.group_by(col).order_by(col)).all()
        return {str(r[0]): int(r[1]) for r in rows}

    def markings(self) -> dict[str, Marking]:
        """The markings of the statements in scope, by id."""
        used = self._scoped(select(S.marking_id).distinct())
        query = select(marking_table.c.id, marking_table.c.text).where(
            marking_table.c.id.in_(used.scalar_subquery())
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r[0]: Marking.parse(r[1]) for r in rows}
