"""What changed since a stored run, as the records an incremental run must (re)score.

An entity's record holds the names of its neighbours (``records.records_of``), so a new
edge changes the records of both its ends, and a renamed entity the records of every
entity tied to it. The records to rescore are therefore those of the changed entities
and of their neighbours, each built, as in a full run, only from what the view may see
(an entity the viewer sees no statement of gives no record). Records that say what they
said in the run are recognised and skipped by the index.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.resolve.records import FAMILIES, Record, name_key, names_of, record_of
from cupula.store.view import View

CHUNK = 500  # ids per query (SQLite's limit on parameters)


def loaded_since(view: View, since: str, after_load: int | None = None) -> list[str]:
    """Ids of the entities with a statement in a dataset the view may see that had a
    load after the load ``after_load`` (where the run kept it), else finish at or after
    ``since`` (an upper bound of what changed: a load that repeats statements adds none,
    and the index skips records that did not change; times have whole seconds, so a load
    in the run's second counts)."""
    loads = view.loads()
    if after_load is not None:
        changed = [load for load in loads if int(load["id"]) > after_load]
    else:
        changed = [load for load in loads if str(load["finished"]) >= since]
    datasets = sorted({str(load["dataset"]) for load in changed})
    ids: set[str] = set()
    for dataset in datasets:
        ids.update(s.entity_id for s in view.statements(dataset=dataset))
    return sorted(ids)


class _Neighbourhood:
    """Entities as the view sees them, read once each."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.cache: dict[str, EntityProxy | None] = {}

    def entity(self, entity_id: str) -> EntityProxy | None:
        if entity_id not in self.cache:
            self.cache[entity_id] = self.view.entity(entity_id)
        return self.cache[entity_id]

    def referrers(self, ids: Collection[str]) -> dict[str, set[str]]:
        """For each id, the entities (in scope) whose statements point at it."""
        out: dict[str, set[str]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            for s in self.view.referencing(ordered[start : start + CHUNK]):
                out.setdefault(s.value, set()).add(s.entity_id)
        return out

    def neighbours(self, ids: Collection[str]) -> dict[str, set[str]]:
        """Each id's ties as ``records_of`` makes them: its own references (if it is a
        resolvable entity), entities of a family pointing at it, and the other ends of
        edges and events pointing at it."""
        referrers = self.referrers(ids)
        out: dict[str, set[str]] = {}
        for entity_id in ids:
            ties: set[str] = set()
            proxy = self.entity(entity_id)
            if proxy is not None and proxy.schema.name in FAMILIES:
                ties.update(_refs(proxy))
            for referrer in referrers.get(entity_id, ()):
                other = self.entity(referrer)
                if other is None:
                    continue
                if other.schema.name in FAMILIES:
                    ties.add(referrer)
                else:
                    ties.update(_refs(other))
            ties.discard(entity_id)
            out[entity_id] = ties
        return out

    def label(self, entity_id: str) -> str | None:
        proxy = self.entity(entity_id)
        if proxy is None or proxy.schema.name not in FAMILIES:
            return None
        names = names_of(proxy)
        return name_key(names[0]) if names else None


def _refs(proxy: EntityProxy) -> set[str]:
    return {v for v in proxy.get_type_values(registry.entity) if v != proxy.id}


def records_to_rescore(view: View, changed: Collection[str]) -> Iterator[Record]:
    """The records of the changed entities and of their neighbours that the view may
    see, as a full run on the view would build them."""
    hood = _Neighbourhood(view)
    first = hood.neighbours(changed)
    affected = set(changed).union(*first.values()) if first else set(changed)
    ties = {**hood.neighbours(affected - set(first)), **first}
    for entity_id in sorted(affected):
        proxy = hood.entity(entity_id)
        if proxy is None or proxy.schema.name not in FAMILIES:
            continue
        labels = [label for n in ties.get(entity_id, ()) if (label := hood.label(n))]
        record = record_of(proxy, labels)
        if record is not None:
            yield record
