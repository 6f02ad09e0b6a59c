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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
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
    ties: list[tuple[int, int, float, bool, str, str | None, str | None, str]] = field(
        default_factory=list
    )
    events: list[tuple[str, str, str | None, str | None, list[str]]] = field(default_factory=list)
    meetings: list[tuple[str, str, str | None, str | None, list[str]]] = field(default_factory=list)
    things: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, schema)

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

    def tie(self, proxy: EntityProxy, kind: str) -> None:
        for t in edge_ties(proxy, kind):
            self.ties.append((self.node(t.source), self.node(t.target), *t[2:]))

    def event(self, proxy: EntityProxy) -> None:
        involved = proxy.get("involved", quiet=True)
        date = first_date(proxy)
        phase = _first(proxy.get("phase", quiet=True))
        label = proxy.caption or str(proxy.id)
        self.events.append((str(proxy.id), label, date, phase, involved))

    def copresence(self, proxy: EntityProxy) -> None:
        involved = sorted(set(proxy.get("involved", quiet=True)))
        if involved:
            phase = _first(proxy.get("phase", quiet=True))
            label = proxy.caption or str(proxy.id)
            self.meetings.append((str(proxy.id), label, first_date(proxy), phase, involved))
        for t in copresence_ties(proxy):
            self.ties.append((self.node(t.source), self.node(t.target), *t[2:]))

    def build(self) -> Network:
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
        )


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
    """The network of already assembled entities (what ``project`` does after reading)."""
    builder = _Builder()
    for proxy in entities:
        schema = proxy.schema
        if schema.is_a("LegalEntity"):
            builder.party(proxy)
        elif schema.name in KIND_OF_SCHEMA and schema.edge:
            builder.tie(proxy, KIND_OF_SCHEMA[schema.name])
        elif schema.name in EVENT_SCHEMATA:
            builder.event(proxy)
        elif schema.is_a("Event"):
            builder.copresence(proxy)
        elif schema.is_a("Thing") and proxy.id is not None:
            builder.things[proxy.id] = (proxy.caption or proxy.id, schema.name)
    return builder.build()


def project(view: View) -> Network:
    """The network of everything ``view`` lets its viewer see."""
    return network_from_entities(view.entities())
