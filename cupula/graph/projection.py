"""Project what a viewer may see into a network of parties and ties.

Only ``View.entities()`` is read, so the network holds nothing the viewer is not cleared
for: a tie the viewer may not see is not in it, and a party known to the viewer only as
the end of a visible tie appears under its id, without a name.

Nodes are parties (FtM ``LegalEntity`` and its descendants: people, companies,
organisations) and whatever else a kept tie points at (an owned vessel). Ties come from
FtM's edge schemata, grouped into kinds; seizures become events (for insulation);
FtM ``Event``s (meetings, summits, an attendance matrix's columns) are kept as they are,
person x event (``Network.meetings``), and those with two to ``MAX_COPRESENCE`` people
involved also become co-presence ties between them.

Each tie keeps the datasets its entity was read from (``Network.tie_source``) and the
network the agency owning each (``View.dataset_order``), so that a reason can say whose
records the evidence comes from. Only the viewer's own view is read: a dataset it may not
see is never among a tie's sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations, groupby
from typing import NamedTuple

import numpy as np
from followthemoney.proxy import EntityProxy

from cupula.graph import network as nw
from cupula.graph.network import Event, Network
from cupula.model.entity import countries_of, first_date, first_number
from cupula.store.view import View

KIND_OF_SCHEMA = {
    "Communication": nw.COMMUNICATION,
    "Contact": nw.COMMUNICATION,
    "Payment": nw.MONEY,
    "Debt": nw.MONEY,
    "Ownership": nw.OWNERSHIP,
    "Control": nw.OWNERSHIP,
    "Directorship": nw.OWNERSHIP,
    "Family": nw.FAMILY,
    "Membership": nw.MEMBERSHIP,
    "Employment": nw.MEMBERSHIP,
    "Associate": nw.ASSOCIATE,
    "UnknownLink": nw.ASSOCIATE,
    "Representation": nw.ASSOCIATE,
}
EVENT_SCHEMATA = {"Seizure"}
MAX_COPRESENCE = 50  # people at one event; beyond that co-presence says little


@dataclass
class _Builder:
    node_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    schemata: list[str] = field(default_factory=list)
    countries: list[tuple[str, ...]] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    ties: list[tuple[int, int, float, bool, str, str | None, str | None, str, int]] = field(
        default_factory=list
    )
    # the code of each set of datasets some tie was read from
    source_codes: dict[tuple[str, ...], int] = field(default_factory=dict)
    events: list[tuple[str, str, str | None, str | None, list[str]]] = field(default_factory=list)
    meetings: list[tuple[str, str, str | None, str | None, list[str]]] = field(default_factory=list)
    things: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, schema)

    def source(self, datasets: tuple[str, ...]) -> int:
        """The code of a set of datasets (sorted; -1 for none: not known)."""
        if not datasets:
            return -1
        return self.source_codes.setdefault(datasets, len(self.source_codes))

    def add(self, proxy: EntityProxy, datasets: tuple[str, ...] = ()) -> None:
        """One entity, read from ``datasets``: a party, a tie, a seizure or a meeting."""
        schema = proxy.schema
        if schema.is_a("LegalEntity"):
            self.party(proxy)
        elif schema.name in KIND_OF_SCHEMA and schema.edge:
            self.tie(proxy, KIND_OF_SCHEMA[schema.name], self.source(datasets))
        elif schema.name in EVENT_SCHEMATA:
            self.event(proxy)
        elif schema.is_a("Event"):
            self.copresence(proxy, self.source(datasets))
        elif schema.is_a("Thing") and proxy.id is not None:
            self.things[proxy.id] = (proxy.caption or proxy.id, schema.name)

    def node(self, entity_id: str) -> int:
        i = self.index.get(entity_id)
        if i is None:
            i = self.index[entity_id] = len(self.node_ids)
            self.node_ids.append(entity_id)
            self.names.append(entity_id)
            self.schemata.append("LegalEntity")
            self.countries.append(())
        return i

    def party(self, proxy: EntityProxy) -> None:
        assert proxy.id is not None
        i = self.node(proxy.id)
        self.names[i] = proxy.caption or proxy.id
        self.schemata[i] = proxy.schema.name
        self.countries[i] = countries_of(proxy)

    def tie(self, proxy: EntityProxy, kind: str, origin: int) -> None:
        for t in edge_ties(proxy, kind):
            self.ties.append((self.node(t.source), self.node(t.target), *t[2:], origin))

    def event(self, proxy: EntityProxy) -> None:
        involved = proxy.get("involved", quiet=True)
        date = first_date(proxy)
        phase = _first(proxy.get("phase", quiet=True))
        label = proxy.caption or str(proxy.id)
        self.events.append((str(proxy.id), label, date, phase, involved))

    def copresence(self, proxy: EntityProxy, origin: int) -> None:
        involved = sorted(set(proxy.get("involved", quiet=True)))
        if involved:
            phase = _first(proxy.get("phase", quiet=True))
            label = proxy.caption or str(proxy.id)
            self.meetings.append((str(proxy.id), label, first_date(proxy), phase, involved))
        for t in copresence_ties(proxy):
            self.ties.append((self.node(t.source), self.node(t.target), *t[2:], origin))

    def build(self, agencies: Mapping[str, str]) -> Network:
        for entity_id, (name, schema) in self.things.items():
            i = self.index.get(entity_id)
            if i is not None:  # an owned vessel, a bank account: only as a tie's end
                self.names[i], self.schemata[i] = name, schema
        events = tuple(
            Event(eid, label, date, phase, tuple(self.node(i) for i in involved))
            for eid, label, date, phase, involved in self.events
        )
        meetings = tuple(
            Event(eid, label, date, phase, tuple(self.node(i) for i in involved))
            for eid, label, date, phase, involved in self.meetings
        )
        ties = self.ties
        return Network(
            node_ids=self.node_ids,
            names=self.names,
            schemata=self.schemata,
            countries=self.countries,
            src=np.asarray([t[0] for t in ties], dtype=np.int64),
            dst=np.asarray([t[1] for t in ties], dtype=np.int64),
            weight=np.asarray([t[2] for t in ties], dtype=np.float64),
            directed=np.asarray([t[3] for t in ties], dtype=bool),
            kind=[t[4] for t in ties],
            phase=[t[5] for t in ties],
            date=[t[6] for t in ties],
            tie_ids=[t[7] for t in ties],
            events=events,
            meetings=meetings,
            tie_source=np.asarray([t[8] for t in ties], dtype=np.int64),
            sources=tuple(sorted(self.source_codes, key=self.source_codes.__getitem__)),
            agencies={d: a for d, a in agencies.items() if d in self.seen_datasets()},
        )

    def seen_datasets(self) -> set[str]:
        return {d for datasets in self.source_codes for d in datasets}


def _first(values: Iterable[str]) -> str | None:
    return next(iter(sorted(values)), None)


class Tie(NamedTuple):
    """One tie as the projection makes it (also the edge table's row: ``store.indexes``)."""

    source: str
    target: str
    weight: float
    directed: bool
    kind: str
    phase: str | None
    date: str | None
    tie_id: str


def edge_ties(proxy: EntityProxy, kind: str) -> list[Tie]:
    """The ties of an FtM edge entity (a call, a payment): one per source and target."""
    schema = proxy.schema
    assert schema.source_prop is not None and schema.target_prop is not None
    weight = first_number(proxy.get("weight", quiet=True)) or 1.0
    phase = _first(proxy.get("phase", quiet=True))
    date = first_date(proxy)
    return [
        Tie(source, target, weight, schema.edge_directed, kind, phase, date, str(proxy.id))
        for source in proxy.get(schema.source_prop)
        for target in proxy.get(schema.target_prop)
    ]


def copresence_ties(proxy: EntityProxy) -> list[Tie]:
    """The co-presence ties of an event between the people involved (none when more
    than ``MAX_COPRESENCE`` or fewer than two were there)."""
    involved = sorted(set(proxy.get("involved", quiet=True)))
    if not 2 <= len(involved) <= MAX_COPRESENCE:
        return []
    date = first_date(proxy)
    return [
        Tie(a, b, 1.0, False, nw.COPRESENCE, None, date, str(proxy.id))
        for a, b in combinations(involved, 2)
    ]


def ties_of(proxy: EntityProxy) -> list[Tie]:
    """Every tie an entity makes in the network (none for a party or a seizure)."""
    schema = proxy.schema
    if schema.is_a("LegalEntity"):
        return []
    if schema.name in KIND_OF_SCHEMA and schema.edge:
        return edge_ties(proxy, KIND_OF_SCHEMA[schema.name])
    if schema.name in EVENT_SCHEMATA:
        return []
    if schema.is_a("Event"):
        return copresence_ties(proxy)
    return []


def network_from_entities(entities: Iterable[EntityProxy]) -> Network:
    """The network of already assembled entities, whose datasets are not known."""
    builder = _Builder()
    for proxy in entities:
        builder.add(proxy)
    return builder.build({})


def project(view: View) -> Network:
    """The network of everything ``view`` lets its viewer see, each tie with the datasets
    it was read from."""
    builder = _Builder()
    for entity_id, group in groupby(view.statements(), key=lambda s: s.entity_id):
        statements = list(group)
        datasets = tuple(sorted({s.dataset for s in statements}))
        builder.add(view.assemble(entity_id, statements), datasets)
    agencies = {d: agency for d, (_created, agency) in view.dataset_order().items()}
    return builder.build(agencies)
