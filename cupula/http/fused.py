"""The fusion step of the workbench's reads: which records are one person for the viewer.

Every read that analyses the network or the money (``http.reads``) takes a ``Fused``:
the viewer's fusion (``graph.fusion.fusion_for``, on its latest `cupula resolve` and the
judgements it may see) or, asked with ``unmerged=true``, none (``APART``). Its ``key``
goes into the key of every result derived from it in the shared cache, so that a new
resolution, a new judgement or another viewer never gets a network fused on something
else (``graph.fusion.fusion_version``).

Clusters are computed on the viewer's own view (``fusion_for``), so every member id and
caption a ``Fused`` gives out is of a record the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cupula.access.reading import Reading
from cupula.errors import NotFound
from cupula.graph.fusion import Fusion, fusion_for, fusion_version, network_key, unmerged
from cupula.store import Store, View
from cupula.store.derived import Derived


@dataclass(frozen=True)
class Fused:
    """A fusion and the part of a cache key that names it."""

    fusion: Fusion
    version: str  # ``graph.fusion.fusion_version`` of what it was made on ("": apart)

    @property
    def joins(self) -> bool:
        """Whether any records are joined (else results are those of the records)."""
        return bool(self.fusion.clusters)

    @property
    def network_key(self) -> str:
        """The key of the results built on it (``graph.fusion.network_key``): those of the
        records apart when it joins nothing (no resolution yet: the same ranking, built
        once)."""
        return network_key(self.fusion, self.version)

    def note(self) -> dict[str, Any]:
        return self.fusion.note.as_dict()

    def canonical(self, record_id: str) -> str:
        return self.fusion.canonical(record_id)

    def members(self, node_id: str) -> list[str]:
        return self.fusion.members_of(node_id)

    def partners(self, node_id: str) -> list[str]:
        """The agencies holding a record of the node (empty for a node of one record:
        the record's own agency is not looked up for it)."""
        return list(self.fusion.partners.get(node_id, ()))

    def with_members(self, entries: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        """``entries`` with the ``members`` and ``partners`` of the node each names."""
        return [{**e, "members": self.members(e[key]), "partners": self.partners(e[key])}
                for e in entries]  # fmt: skip

    def members_of_record(self, record_id: str) -> list[str]:
        """The records of the node ``record_id`` is part of (itself when alone)."""
        return self.fusion.members_of(self.fusion.canonical(record_id))

    def by_record(self, scores: Mapping[str, float]) -> Mapping[str, float]:
        """``scores`` of nodes, read by any record's id (a walk over ties meets records)."""
        return _ByRecord(scores, self) if self.joins else scores

    def fold_counts(self, counts: Mapping[str, int]) -> dict[str, int]:
        """Counts by record summed by node (a person's ties: those of its records)."""
        folded: dict[str, int] = {}
        for record, count in counts.items():
            node = self.canonical(record)
            folded[node] = folded.get(node, 0) + count
        return folded

    def seeds(self, ids: Iterable[str]) -> list[str]:
        """The nodes of ``ids`` (a member record opens its fused node), each once."""
        return list(dict.fromkeys(self.canonical(i) for i in ids))


class _ByRecord(Mapping[str, float]):
    """A node's score under each of its records' ids."""

    def __init__(self, scores: Mapping[str, float], fused: Fused) -> None:
        self._scores, self._fused = scores, fused

    def __getitem__(self, record: str) -> float:
        return self._scores[self._fused.canonical(record)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._scores)

    def __len__(self) -> int:
        return len(self._scores)


APART = Fused(unmerged(), "")


def fused_for(view: View, cache: Derived, *, store: Store, whole: View | None = None) -> Fused:
    """The viewer's fusion for what ``view`` covers (``whole``: the same viewer over
    every dataset, whose resolution is used when ``view`` has none of its own)."""
    version = fusion_version(store, view, whole=whole)
    # without a purpose, a run resting on confidential facts gives no cluster: its own entry
    purpose = "purpose" if view.scope.purpose else "no purpose"
    fusion = cache.get(
        view, f"fusion|{version}|{purpose}", lambda v: fusion_for(store, v, whole=whole)
    )
    return Fused(fusion, version)


def fused_of(
    ctx: Reading, view: View, cache: Derived, datasets: list[str] | None, *, apart: bool
) -> Fused:
    """What a request asked for: its viewer's fusion, or the records apart (``unmerged``)."""
    if apart:
        return APART
    whole = ctx.view() if datasets else None
    return fused_for(view, cache, store=ctx.store, whole=whole)


def group_hits(hits: list[dict[str, Any]], fused: Fused, limit: int) -> list[dict[str, Any]]:
    """Search hits with a cluster's records under one person: its canonical id, its
    caption, the best score of its records, all its members and the ones that matched."""
    grouped: dict[str, dict[str, Any]] = {}
    for hit in hits:
        node = fused.canonical(hit["entity_id"])
        entry = grouped.get(node)
        if entry is None:
            name = fused.fusion.captions.get(node, hit["name"])
            entry = grouped[node] = {**hit, "entity_id": node, "name": name, "matched": [],
                                     "members": fused.members(node),
                                     "partners": fused.partners(node)}  # fmt: skip
        entry["score"] = max(entry["score"], hit["score"])
        entry["matched"].append(hit["entity_id"])
    ranked = sorted(grouped.values(), key=lambda e: (-e["score"], e["entity_id"]))
    return ranked[:limit]


def member_records(view: View, fused: Fused, entity_id: str) -> dict[str, Any]:
    """The fused node of ``entity_id`` with its member records, each with its caption,
    schema, datasets and markings, as the view shows them (``NotFound`` when the viewer
    may see no record of that id)."""
    node = fused.canonical(entity_id)
    markings = view.markings()
    members = []
    for member in fused.members(node):
        statements = list(view.statements(entity_id=member))
        if not statements:
            continue
        entity = view.assemble(member, statements)
        marks = {str(markings[s.marking_id]) if s.marking_id in markings else s.marking_id
                 for s in statements}  # fmt: skip
        members.append({"id": member, "caption": entity.caption or member,
                        "schema": entity.schema.name,
                        "datasets": sorted({s.dataset for s in statements}),
                        "markings": sorted(marks)})  # fmt: skip
    if not members:
        raise NotFound(f"no entity {entity_id!r} that you may see")
    caption = fused.fusion.captions.get(node, members[0]["caption"])
    return {"id": node, "caption": caption, "records": len(members),
            "partners": fused.partners(node), "members": members,
            "fusion": fused.note()}  # fmt: skip
