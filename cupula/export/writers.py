"""Write what a view holds in the formats analysts take elsewhere.

- ``ftm``: followthemoney entities as JSON lines (for Aleph, yente, nomenklatura);
- ``statements``: one CSV row per statement, FtM's statement columns plus the marking
  (cells that a spreadsheet would run as formulas are quoted, see ``export.cells``);
- ``gexf`` / ``graphml``: the entity graph for Gephi, built by followthemoney's own
  graph exporter (entities as nodes, edge schemata and entity references as edges);
  with a ``Fusion`` each resolved cluster is one node (``graph.fusion``: canonical id,
  caption) with its ``members`` (record ids joined by ";") and ties between its own
  records dropped.

Everything is read through the view given, so an export holds only what its viewer may
see; an ``Audience`` then applies the handling codes (see ``export.handling``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TextIO

import networkx as nx
import orjson
from followthemoney.export.graph import NXGraphExporter
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.errors import InvalidInput
from cupula.export.cells import csv_writer
from cupula.export.handling import Audience, for_audience, handling_note
from cupula.graph.fusion import Fusion
from cupula.model.entity import assemble_entities
from cupula.model.statement import Statement
from cupula.store.view import View

STATEMENT_HEADER = (
    "id",
    "entity_id",
    "schema",
    "prop",
    "prop_type",
    "value",
    "lang",
    "original_value",
    "dataset",
    "origin",
    "first_seen",
    "last_seen",
    "marking",
    "handling_note",
)


class Selection:
    """The statements of a view that may go to an audience, and their markings."""

    def __init__(self, view: View, audience: Audience, fusion: Fusion | None = None) -> None:
        self.view = view
        self.audience = audience
        self.markings = view.markings()
        self.fusion = fusion

    def statements(self) -> Iterator[Statement]:
        # Read only what may go, so the audit entry counts what the export gave out.
        receivable = [
            m for m, marking in self.markings.items() if self.audience.may_receive(marking)
        ]
        return for_audience(self.view.statements(markings=receivable), self.markings, self.audience)

    def entities(self) -> Iterator[EntityProxy]:
        return assemble_entities(self.statements(), self.view.dataset_order(), self.view.prefer())


def export_ftm(selection: Selection, out: TextIO) -> int:
    count = 0
    for entity in selection.entities():
        out.write(orjson.dumps(entity.to_dict()).decode("utf-8") + "\n")
        count += 1
    return count


def export_statements(selection: Selection, out: TextIO) -> int:
    markings = {mid: str(m) for mid, m in selection.markings.items()}
    notes = {mid: handling_note(m, selection.audience) for mid, m in selection.markings.items()}
    writer = csv_writer(out)  # no cell a spreadsheet would run as a formula
    writer.writerow(STATEMENT_HEADER)
    count = 0
    for s in selection.statements():
        writer.writerow(
            (
                s.id,
                s.entity_id,
                s.schema,
                s.prop,
                s.prop_type,
                s.value,
                s.lang or "",
                s.original_value or "",
                s.dataset,
                s.origin or "",
                s.first_seen,
                s.last_seen,
                markings[s.marking_id],
                notes[s.marking_id],
            )
        )
        count += 1
    return count


class _GraphBuilder(NXGraphExporter):
    """FtM's graph exporter, stopped before it writes, so we choose the file format."""

    def finalize_graph(self) -> None:
        return None

    def to_networkx(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        for node in self.graph.iternodes():
            attributes = self.get_attributes(node)
            attributes["schema"] = node.schema.name if node.schema else node.type.name
            if node.caption is not None:
                attributes["label"] = node.caption
            graph.add_node(node.id, **attributes)
        for edge in self.graph.iteredges():
            edge_attributes: dict[str, object] = dict(self.get_attributes(edge))
            edge_attributes["schema"] = edge.type_name
            # Gephi reads "weight": a tie's own weight (calls, meetings) where it has one,
            # else FtM's weight of the edge.
            own = _number(edge_attributes.get("weight"))
            edge_attributes["weight"] = own if own is not None else float(edge.weight)
            graph.add_edge(edge.source_id, edge.target_id, key=edge.id, **edge_attributes)
        return graph


def _number(value: object) -> float | None:
    """The largest number in an FtM joined value such as "3; 5", or None."""
    numbers = []
    for part in str(value or "").split(";"):
        try:
            numbers.append(float(part))
        except ValueError:
            continue
    return max(numbers) if numbers else None


def build_graph(selection: Selection) -> nx.MultiDiGraph:
    builder = _GraphBuilder(io.StringIO())  # never written to; see finalize_graph
    for entity in selection.entities():
        builder.graph.add(entity)
    graph = builder.to_networkx()
    return graph if selection.fusion is None else fuse_graph(graph, selection.fusion)


def fuse_graph(graph: nx.MultiDiGraph, fusion: Fusion) -> nx.MultiDiGraph:
    """Each cluster's records in ``graph`` as one node with its ``members``; every entity
    node gets ``members`` (itself when it is one record)."""
    node_id = registry.entity.node_id_safe  # how FtM's graph names an entity's node
    mapping: dict[str, str] = {}
    present: dict[str, list[str]] = {}
    for members in fusion.clusters:
        head = node_id(members[0])
        for member in members:
            key = node_id(member)
            if key is not None and head is not None and key in graph:
                mapping[key] = head
                present.setdefault(head, []).append(member)
    fused = nx.relabel_nodes(graph, mapping, copy=True)
    for node, data in fused.nodes(data=True):
        if node in present:
            data["members"] = ";".join(present[node])
            data["label"] = fusion.captions.get(node.partition(":")[2], data.get("label"))
        elif str(node).startswith("entity:"):
            data["members"] = str(node).partition(":")[2]
    fused.remove_edges_from([(a, b, k) for a, b, k in fused.edges(keys=True) if a == b])
    return fused


def export_gexf(selection: Selection, out: TextIO) -> int:
    graph = build_graph(selection)
    for line in nx.generate_gexf(graph, prettyprint=True):
        out.write(line + "\n")
    return int(graph.number_of_nodes())


def export_graphml(selection: Selection, out: TextIO) -> int:
    graph = build_graph(selection)
    for line in nx.generate_graphml(graph, prettyprint=True):
        out.write(line + "\n")
    return int(graph.number_of_nodes())


EXPORT_FORMATS: dict[str, Callable[[Selection, TextIO], int]] = {
    "ftm": export_ftm,
    "statements": export_statements,
    "gexf": export_gexf,
    "graphml": export_graphml,
}


def export(
    view: View,
    fmt: str,
    out: TextIO,
    audience: Audience | None = None,
    fusion: Fusion | None = None,
) -> int:
    """Write what ``view`` holds that may go to ``audience``, in ``fmt`` (the graph
    formats with ``fusion``'s clusters as one node each).

    Returns how many entities, statements or nodes were written."""
    try:
        writer = EXPORT_FORMATS[fmt]
    except KeyError:
        known = ", ".join(EXPORT_FORMATS)
        raise InvalidInput(f"unknown export format {fmt!r}; one of {known}") from None
    return writer(Selection(view, audience or Audience(), fusion), out)
