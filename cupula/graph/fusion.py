"""The viewer's fused network: one node per person (company, account) its resolution found.

``fusion_for(store, view)`` reads the viewer's latest stored resolution (``cupula
resolve``) with the judgements it may see (``resolve.service.clusters_for`` applies
them), and says which records are one node:

- **id**: a cluster's canonical id is its smallest member id (``merging.canonical_id``):
  an entity id the viewer may open, the same on every run while the membership is;
- **caption**: that of a member created by the viewer's own agency, else of another
  member; among several, a Latin-script caption before any other, then the member of the
  oldest dataset, then the smallest id (each member's caption comes from the agency that
  created it, see ``model.entity``);
- **members**: the ids of the records fused into it, every one of them a record the viewer
  may see (clusters are computed on the viewer's view only: a record it may not see is
  in no cluster it is shown).

Every fused result carries a ``FusionNote``: fused on the resolution of a date, stale
when loads the viewer may see finished after it (their records stay apart until `cupula
resolve` runs again), no resolution yet, or records shown apart on request
(``--unmerged``).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from cupula.graph.merging import canonical_id, merge_nodes
from cupula.graph.network import Network
from cupula.resolve.service import NoRun, clusters_for, stored_run
from cupula.store import Store, View
from cupula.store.tables import judgement_table, resolution_run_table
from cupula.store.view import PurposeRequired

FUSED = "fused"
STALE = "stale"
UNRESOLVED = "unresolved"
UNMERGED = "unmerged"
NEEDS_PURPOSE = "needs-purpose"


@dataclass(frozen=True)
class FusionNote:
    """How the records of a result were joined, said plainly."""

    state: str  # FUSED, STALE, UNRESOLVED, NEEDS_PURPOSE or UNMERGED
    resolved_at: str | None = None
    loads_since: int = 0
    merged: int = 0  # fused nodes of more than one record

    def message(self) -> str:
        if self.state == UNMERGED:
            return "records shown apart (--unmerged): a person may appear once per record"
        if self.state == NEEDS_PURPOSE:
            return (
                "records shown apart: your resolution rests on CONFIDENTIAL or SECRET facts; "
                "give --purpose to see one node per person"
            )
        if self.state == UNRESOLVED:
            return (
                "no resolution yet: records shown apart; run `cupula resolve` to see one "
                "node per person"
            )
        day = (self.resolved_at or "")[:10]
        joined = f"{self.merged:,} nodes joined from several records"
        text = f"fused on the resolution of {day} ({joined})"
        if self.state == STALE:
            loads = "load" if self.loads_since == 1 else "loads"
            text += (
                f"; {self.loads_since:,} {loads} since, their records shown apart until "
                "`cupula resolve` runs again"
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "resolved_at": self.resolved_at,
            "loads_since": self.loads_since,
            "merged": self.merged,
            "message": self.message(),
        }


@dataclass(frozen=True)
class Fusion:
    """Which records are one node for one viewer (only clusters of two or more)."""

    clusters: list[tuple[str, ...]]  # each sorted; the first is the canonical id
    captions: dict[str, str]  # canonical id -> caption
    note: FusionNote
    # canonical id -> the agencies that created its members (as the analysed view shows)
    partners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    node_of: dict[str, str] = field(init=False)  # record id -> canonical id
    by_node: dict[str, tuple[str, ...]] = field(init=False)  # canonical id -> members

    def __post_init__(self) -> None:
        object.__setattr__(self, "node_of", {m: c[0] for c in self.clusters for m in c})
        object.__setattr__(self, "by_node", {c[0]: c for c in self.clusters})

    def canonical(self, record_id: str) -> str:
        """The node a record is part of (itself when it was joined to nothing)."""
        return self.node_of.get(record_id, record_id)

    def members_of(self, node_id: str) -> list[str]:
        """The records fused into a node (the node itself when it is one record)."""
        return list(self.by_node.get(node_id, (node_id,)))

    def apply(self, net: Network) -> Network:
        """``net`` with each cluster's records folded into one node."""
        if not self.clusters:
            return net
        return merge_nodes(net, self.clusters, self.captions)


def unmerged() -> Fusion:
    """Every record its own node, as asked (``--unmerged``)."""
    return Fusion([], {}, FusionNote(UNMERGED))


def fusion_for(store: Store, view: View, *, whole: View | None = None) -> Fusion:
    """The viewer's fusion for what ``view`` covers.

    The run stored for ``view`` itself is used if there is one, else the run stored for
    ``whole`` (the same viewer over every dataset: `cupula resolve` without --dataset),
    so that an analysis of some datasets uses the viewer's resolution of all it sees.
    Without either: a note that there is no resolution, and no cluster. Where using the
    run would read CONFIDENTIAL or SECRET facts without a purpose, the records are shown
    apart and the note says why (the analysis itself may need none)."""
    for candidate in (view, whole):
        if candidate is None:
            continue
        run = stored_run(store, candidate)
        if run is None:
            continue
        try:
            found = clusters_for(store, candidate)
        except NoRun:
            continue
        except PurposeRequired:
            # the analysed datasets alone need no purpose; the run over all does
            return Fusion([], {}, FusionNote(NEEDS_PURPOSE))
        clusters = [tuple(sorted(c)) for c in found.merged()]
        state = STALE if run.loads_since else FUSED
        note = FusionNote(state, run.at, run.loads_since, len(clusters))
        # named from ``view``: a node drawn for some datasets is named from those only
        names, partners = captions(view, clusters)
        return Fusion(clusters, names, note, partners)
    return Fusion([], {}, FusionNote(UNRESOLVED))


def fusion_version(store: Store, view: View, *, whole: View | None = None) -> str:
    """What ``fusion_for(store, view, whole=whole)`` depends on besides the statements
    (whose changes the store's data version follows): the runs stored for both views'
    signatures (a new `cupula resolve`, or an incremental one, changes them), the
    judgements (any new one), and the viewer itself (which judgements apply). A short
    digest, for the keys of results derived from a fusion. Whether a purpose was given is
    not in it: without one, a run that needs one gives no cluster at all (``NEEDS_PURPOSE``,
    whose results are those of the records apart: ``network_key``), and a run that needs
    none gives the same clusters either way."""
    signatures = [view.signature()] + ([whole.signature()] if whole is not None else [])
    R = resolution_run_table.c
    with store.engine.connect() as conn:
        stored = conn.execute(
            select(R.signature, R.at, R.options, R.stats).where(R.signature.in_(signatures))
        ).all()
        judged = conn.execute(select(func.max(judgement_table.c.id))).scalar()
    # a run's time, and its options and figures (two runs within one second differ there)
    at = {str(r[0]): "|".join(map(str, r[1:])) for r in stored}
    viewer = view.viewer
    who = [viewer.user, viewer.agency, viewer.country, str(viewer.clearance), *sorted(viewer.cases)]
    runs = [f"{s}@{at.get(s, '-')}" for s in signatures]
    parts = [*who, *runs, f"judgement {judged or 0}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


APART = "apart"  # the network key of records apart


def network_key(fusion: Fusion, version: str) -> str:
    """The name of the network ``fusion`` gives, for the keys of results derived from it
    (a server's stored results and its requests name it by this one rule): ``APART`` when
    it joins nothing (the records' own network), else ``fused:<version>`` (``version``:
    ``fusion_version`` of the view it was made for)."""
    return f"fused:{version}" if fusion.clusters else APART


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def captions(
    view: View, clusters: Iterable[Sequence[str]]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Each cluster's caption by the rule in the module docstring, and the agencies that
    created its members."""
    order = view.dataset_order()
    own = view.viewer.agency
    names: dict[str, str] = {}
    partners: dict[str, tuple[str, ...]] = {}
    for members in clusters:
        ranked: list[tuple[bool, bool, str, str, str]] = []
        agencies: set[str] = set()
        for member in members:
            statements = list(view.statements(entity_id=member))
            if not statements:
                continue
            entity = view.assemble(member, statements)
            datasets = {s.dataset for s in statements}
            created, agency = min(order.get(d, ("~", "")) for d in datasets)
            agencies.add(agency)
            caption = entity.caption or member
            ranked.append((agency != own, not _latin(caption), created, member, caption))
        if ranked:
            names[canonical_id(members)] = min(ranked)[-1]
            partners[canonical_id(members)] = tuple(sorted(a for a in agencies if a))
    return names, partners
