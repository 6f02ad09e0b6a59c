"""Who owns what was written: datasets belong to agencies, entity ids to the datasets
that wrote them first.

A dataset belongs to the agency that created it (its first load). An entity id is
*owned* by the oldest dataset holding statements about it; what other datasets add is
theirs (their dataset, their ORIG) and never chooses the entity's caption.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from cupula.store.tables import agency_table, dataset_table, statement_table

S = statement_table.c
ID_BATCH = 500  # ids per IN (...) query: well under every backend's parameter limit


def agency_exists(conn: Connection, agency: str) -> bool:
    query = select(agency_table.c.id).where(agency_table.c.id == agency)
    return conn.execute(query).first() is not None


def dataset_owner(conn: Connection, dataset: str) -> str | None:
    """The agency that owns ``dataset`` (None: no such dataset yet)."""
    query = select(dataset_table.c.agency).where(dataset_table.c.name == dataset)
    row = conn.execute(query).first()
    return None if row is None else str(row[0])


def claim_dataset(conn: Connection, dataset: str, agency: str) -> None:
    """Record ``agency`` as the owner of the new ``dataset`` (inside the load's
    transaction: a load that fails claims nothing; of two first loads racing, the
    second fails on the key and leaves the store as it was)."""
    # to the microsecond: datasets created within one second keep their order
    created = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    conn.execute(insert(dataset_table).values(name=dataset, agency=agency, created=created))


def datasets_of(conn: Connection, agency: str) -> set[str]:
    query = select(dataset_table.c.name).where(dataset_table.c.agency == agency)
    return {str(r[0]) for r in conn.execute(query)}


def dataset_order(conn: Connection) -> dict[str, tuple[str, str]]:
    """Per dataset: (when it was created, the agency that owns it)."""
    table = dataset_table.c
    rows = conn.execute(select(table.name, table.created, table.agency))
    return {str(name): (str(created), str(agency)) for name, created, agency in rows}


def _batches(ids: Iterable[str]) -> Iterator[list[str]]:
    it = iter(ids)
    while batch := list(islice(it, ID_BATCH)):
        yield batch


def foreign_markings(conn: Connection, ids: Iterable[str], own: set[str]) -> dict[str, set[str]]:
    """For each of ``ids`` held only in datasets other than ``own``: the marking ids of
    its statements. An id that ``own`` datasets hold too is the writer's own entity,
    whoever else has since written about it, and is left out."""
    found: dict[str, set[str]] = {}
    held: set[str] = set()
    for batch in _batches(sorted(set(ids))):
        query = select(S.entity_id, S.dataset, S.marking_id).where(S.entity_id.in_(batch))
        query = query.distinct()
        for entity_id, dataset, marking_id in conn.execute(query):
            if dataset in own:
                held.add(str(entity_id))
            else:
                found.setdefault(str(entity_id), set()).add(str(marking_id))
    return {k: v for k, v in found.items() if k not in held}
