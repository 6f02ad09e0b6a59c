"""Who really owns what: effective ownership through chains of companies.

Effective ownership of an owner in a target is the sum, over every chain of ownership
from the owner to the target (simple paths, up to ``max_depth`` links), of the product
of the shares along the chain: 60% of a company that holds 50% of the target is 30%.
A link without a stated share counts as unknown: the chain is listed but adds nothing
to the sum (``unknown`` says so).

A representation (an agent, such as a nominee, acting for a client) counts as the client
holding everything the agent holds (a link of 100%), so owners behind nominees appear.

The same holding reported by several sources with different shares counts once, at the
largest share stated (``Link.reported`` keeps them all).

Control: an owner controls the target if some chain has a majority (> 50%) at every
link, or if it is a director of the target or of a company it controls that way.
Ultimate beneficial owners: people (FtM ``Person``) with effective ownership at or above
``threshold`` (25% by default, the EU AML threshold) or control. Every company on a
chain registered in a secrecy jurisdiction is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from followthemoney.proxy import EntityProxy

from cupula.money.flows import Holder, holder_in
from cupula.money.secrecy import secrecy_jurisdictions
from cupula.store.view import View


@dataclass(frozen=True)
class Link:
    owner: str
    asset: str
    share: float | None  # 0..1, None when not stated
    evidence: str  # the Ownership (or Representation) entities, comma-separated
    reported: tuple[float, ...] = ()  # every share stated for this link, when sources differ


@dataclass
class OwnershipGraph:
    links: list[Link] = field(default_factory=list)
    directors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # org -> [(who, id)]
    holders: dict[str, Holder] = field(default_factory=dict)

    def by_asset(self) -> dict[str, list[Link]]:
        index: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            index[link.asset].append(link)
        return index

    def holder(self, entity_id: str) -> Holder:
        return holder_in(self.holders, entity_id)


def _share(values: list[str]) -> float | None:
    for value in values:
        try:
            number = float(value.strip().rstrip("%"))
        except ValueError:
            continue
        if 0 <= number <= 100:
            return number / 100
    return None


def ownership_from_entities(entities: Iterable[EntityProxy]) -> OwnershipGraph:
    graph = OwnershipGraph()
    for proxy in entities:
        if proxy.id is None:
            continue
        schema = proxy.schema
        if schema.is_a("Ownership"):
            share = _share(proxy.get("percentage"))
            for owner in proxy.get("owner"):
                for asset in proxy.get("asset"):
                    graph.links.append(Link(owner, asset, share, proxy.id))
        elif schema.is_a("Representation"):
            # a nominee holds for its client: the client owns what the nominee holds
            for agent in proxy.get("agent"):
                for client in proxy.get("client"):
                    graph.links.append(Link(client, agent, 1.0, proxy.id))
        elif schema.is_a("Directorship"):
            for director in proxy.get("director"):
                for org in proxy.get("organization"):
                    graph.directors.setdefault(org, []).append((director, proxy.id))
        elif schema.is_a("Thing"):
            graph.holders[proxy.id] = Holder.of(proxy)
    graph.links = _merged(graph.links)
    return graph


def _merged(links: list[Link]) -> list[Link]:
    """One link per owner and asset. Sources often report the same holding with other
    shares (48%, 50%, 51%); they are one holding, not three: the largest stated share
    counts and every reported share is kept."""
    grouped: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in links:
        grouped[(link.owner, link.asset)].append(link)
    out = []
    for (owner, asset), same in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        shares = sorted({x.share for x in same if x.share is not None})
        out.append(
            Link(
                owner,
                asset,
                max(shares) if shares else None,
                ",".join(sorted(x.evidence for x in same)),
                tuple(shares) if len(shares) > 1 else (),
            )
        )
    return out


def ownership_of(view: View) -> OwnershipGraph:
    return ownership_from_entities(view.entities())


@dataclass(frozen=True)
class Chain:
    entities: list[str]  # owner first, target last
    shares: list[float | None]  # of each link, owner's first
    evidence: list[str]

    @property
    def share(self) -> float | None:
        """The product of the shares along the chain (None if one is unknown)."""
        product = 1.0
        for share in self.shares:
            if share is None:
                return None
            product *= share
        return product

    @property
    def majority(self) -> bool:
        return all(share is not None and share > 0.5 for share in self.shares)


@dataclass
class Owner:
    entity_id: str
    name: str
    schema: str
    effective: float  # sum over chains with known shares
    unknown: bool  # some chain has a link without a share
    controls: bool
    director: bool
    chains: list[Chain]
    secrecy: dict[str, str]  # entity on a chain -> why its jurisdiction is flagged

    @property
    def is_person(self) -> bool:
        return self.schema == "Person"

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "schema": self.schema,
            "effective_share": round(self.effective, 6),
            "share_unknown_on_some_chain": self.unknown,
            "controls": self.controls,
            "director": self.director,
            "chains": [
                {
                    "entities": c.entities,
                    "share": None if c.share is None else round(c.share, 6),
                    "evidence": c.evidence,
                }
                for c in self.chains
            ],
            "secrecy_jurisdictions": self.secrecy,
        }


@dataclass
class Owners:
    target: str
    owners: list[Owner]
    threshold: float

    @property
    def beneficial(self) -> list[Owner]:
        return [
            o for o in self.owners if o.is_person and (o.effective >= self.threshold or o.controls)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "threshold": self.threshold,
            "owners": [o.as_dict() for o in self.owners],
            "beneficial_owners": [o.entity_id for o in self.beneficial],
        }


def owners(
    graph: OwnershipGraph, target: str, *, threshold: float = 0.25, max_depth: int = 10
) -> Owners:
    """Everyone above ``target`` in the ownership graph, with effective shares."""
    by_asset = graph.by_asset()
    chains: dict[str, list[Chain]] = defaultdict(list)

    def walk(asset: str, path: list[str], shares: list[float | None], evidence: list[str]) -> None:
        if len(path) > max_depth:
            return
        for link in by_asset.get(asset, []):
            if link.owner in path:  # a cycle: each chain is a simple path
                continue
            chain = Chain([link.owner, *path], [link.share, *shares], [link.evidence, *evidence])
            chains[link.owner].append(chain)
            walk(link.owner, chain.entities, chain.shares, chain.evidence)

    walk(target, [target], [], [])
    controlled = {owner: any(c.majority for c in cs) for owner, cs in chains.items()}
    directors = {
        who
        for org in [target, *[e for e, c in controlled.items() if c]]
        for who, _evidence in graph.directors.get(org, [])
    }
    secrecy = secrecy_jurisdictions()
    result = []
    for entity_id in sorted(set(chains) | set(directors)):
        own = chains.get(entity_id, [])
        flagged = {
            e: secrecy[c]
            for chain in own
            for e in chain.entities
            for c in graph.holder(e).countries
            if c in secrecy
        }
        h = graph.holder(entity_id)
        result.append(
            Owner(
                entity_id=entity_id,
                name=h.name,
                schema=h.schema,
                effective=sum(c.share for c in own if c.share is not None),
                unknown=any(c.share is None for c in own),
                controls=bool(controlled.get(entity_id)) or entity_id in directors,
                director=entity_id in directors,
                chains=sorted(own, key=lambda c: -(c.share or 0)),
                secrecy=flagged,
            )
        )
    result.sort(key=lambda o: (-o.effective, not o.controls, o.entity_id))
    return Owners(target, result, threshold)
