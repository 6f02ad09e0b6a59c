"""Communication networks as researchers and police analysts publish them.

- square adjacency matrices: first row and first column hold the node ids, cells the
  strength of the tie (CAVIAR's wiretap phases);
- edge lists: source, target, optional weight, optional date or phase (Montagna);
- two-mode attendance matrices: persons in rows, events (meetings, summits) in columns.

Nodes become Person entities (``--node-schema`` to change), ties become cupula's
``Communication`` (directed: initiator -> receiver) or ``Contact`` (undirected) with
their weight, phase, date and channel; attendance becomes FtM ``Event``s with the
persons ``involved``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.ingest.errors import IngestError
from cupula.ingest.fragment import Fragment, node_id
from cupula.ingest.limits import MAX_MATRIX_NODES, check_count, check_entity
from cupula.ingest.text import CsvRows, Progress, no_progress
from cupula.model.schemata import get_model

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SOURCE_NAMES = {"source", "from", "src", "caller", "sender", "initiator", "ego", "node1"}
TARGET_NAMES = {"target", "to", "dst", "receiver", "recipient", "alter", "node2"}
WEIGHT_NAMES = {"weight", "value", "count", "calls", "n", "w", "strength"}


@dataclass(frozen=True)
class NetworkOptions:
    """How to read a network file.

    ``directed=None`` decides from the data: a symmetric matrix is undirected, any
    other matrix directed; an edge list is directed unless told otherwise.
    """

    namespace: str
    directed: bool | None = None
    phase: str | None = None
    date: str | None = None
    channel: str | None = None
    node_schema: str = "Person"
    encoding: str = "utf-8"


def _number(path: Path, line: int, field: str, text: str) -> float:
    try:
        return float(text.strip() or 0)
    except ValueError:
        raise IngestError(path, f"{text!r} is not a number", line=line, field=field) from None


def _fmt(weight: float) -> str:
    return str(int(weight)) if weight == int(weight) else repr(weight)


class _Builder:
    """Makes the node and tie entities of one network file."""

    def __init__(self, path: Path, options: NetworkOptions) -> None:
        self.path = path
        self.options = options
        self.model = get_model()
        if options.date is not None and registry.date.clean(options.date) is None:
            raise IngestError(path, f"--date {options.date!r} is not an ISO date")
        schema = self.model.get(options.node_schema)
        if schema is None or not schema.is_a("LegalEntity"):
            raise IngestError(path, f"--node-schema {options.node_schema!r} is not a LegalEntity")
        self.node_schema = schema
        self.seen_nodes: set[str] = set()

    def node(self, label: str, line: int) -> Iterator[Fragment]:
        """The node's entity, the first time the label is met."""
        entity_id = node_id(self.options.namespace, label)
        if entity_id not in self.seen_nodes:
            self.seen_nodes.add(entity_id)
            entity = self.model.make_entity(self.node_schema)
            entity.id = entity_id
            entity.add("name", label)
            check_entity(entity, path=self.path, line=line)
            yield Fragment(entity, f"{self.path.name}:{line}")

    def tie(
        self,
        source: str,
        target: str,
        weight: float | None,
        *,
        directed: bool,
        line: int,
        phase: str | None = None,
        date: str | None = None,
    ) -> Fragment:
        phase = phase or self.options.phase
        date = date or self.options.date
        if not directed and target < source:
            source, target = target, source
        kind = "comm" if directed else "contact"
        parts = [kind, source, target]
        if phase:
            parts += ["p", phase]
        if date:
            parts += ["d", date]
        entity = self.model.make_entity("Communication" if directed else "Contact")
        entity.id = node_id(self.options.namespace, *parts)
        ends = ("initiator", "receiver") if directed else ("party", "counterpart")
        entity.add(ends[0], node_id(self.options.namespace, source))
        entity.add(ends[1], node_id(self.options.namespace, target))
        if weight is not None:
            entity.add("weight", _fmt(weight))
        if phase:
            entity.add("phase", phase)
        if date:
            entity.add("date", date)
        if self.options.channel:
            entity.add("channel", self.options.channel)
        check_entity(entity, path=self.path, line=line)
        return Fragment(entity, f"{self.path.name}:{line}")


class _Grid:
    """A table with labels in the first row and first column and numbers in the cells
    (adjacency and attendance matrices): checks the shape as it reads."""

    def __init__(self, path: Path, options: NetworkOptions, progress: Progress, what: str):
        self.path = path
        self.rows = iter(CsvRows(path, encoding=options.encoding, progress=progress))
        self.header_line, header = next(self.rows, (0, []))
        self.columns = [cell.strip() for cell in header[1:]]
        if not self.columns:
            raise IngestError(path, f"no header row of {what}", line=self.header_line or None)
        if len(self.columns) > MAX_MATRIX_NODES:
            raise IngestError(
                path,
                f"{len(self.columns):,} columns; a matrix may have at most {MAX_MATRIX_NODES:,} "
                "(load a larger network as an edge list)",
                line=self.header_line,
            )
        _check_unique(path, self.header_line, self.columns, "column")
        self.what = what

    def __iter__(self) -> Iterator[tuple[int, str, list[float]]]:
        """(line, row label, numbers) for each row; a label may head one row only."""
        seen: set[str] = set()
        for line, row in self.rows:
            if len(row) != len(self.columns) + 1:
                raise IngestError(
                    self.path,
                    f"row has {len(row) - 1} values, the header has {len(self.columns)} "
                    f"{self.what}",
                    line=line,
                )
            label = row[0].strip()
            if not label:
                raise IngestError(self.path, "a row without a label", line=line)
            if label in seen:
                raise IngestError(self.path, f"{label!r} has a second row", line=line, field=label)
            seen.add(label)
            cells = zip(self.columns, row[1:], strict=True)
            yield line, label, [_number(self.path, line, col, cell) for col, cell in cells]


def read_matrix(
    path: Path, options: NetworkOptions, *, progress: Progress = no_progress
) -> Iterator[Fragment]:
    """A square adjacency matrix; cell (row i, column j) is the tie from i to j."""
    builder = _Builder(path, options)
    grid = _Grid(path, options, progress, "node ids")
    ids, header_line = grid.columns, grid.header_line
    # Rows are read by their label, in whatever order they come: row "b" is the ties of
    # column "b" (index[label]), not of the column in the row's position.
    index = {label: j for j, label in enumerate(ids)}
    matrix: dict[str, list[float]] = {}
    row_lines: dict[str, int] = {}
    for line, label, numbers in grid:
        j = index.get(label)
        if j is None:
            raise IngestError(
                path,
                f"row label {label!r:.80} is not among the column ids; a matrix's rows and "
                "columns name the same nodes",
                line=line,
                field=label[:80],
            )
        if numbers[j]:
            # a tie of a node to itself: rows written in another order than the columns
            # and read by position would put their ties here
            raise IngestError(
                path,
                f"a tie from {label!r:.80} to itself ({_fmt(numbers[j])}); rows are read by "
                "their label, so check that each row holds the ties of the node it names",
                line=line,
                field=label[:80],
            )
        matrix[label] = numbers
        row_lines[label] = line
    missing = [i for i in ids if i not in matrix]
    if missing:
        raise IngestError(
            path,
            f"matrix is not square ({len(matrix)} rows, {len(ids)} columns): no row for column "
            f"ids {', '.join(missing[:10])}",
            line=header_line,
            field=missing[0][:80],
        )
    symmetric = all(matrix[a][index[b]] == matrix[b][index[a]] for a in ids for b in ids)
    directed = options.directed if options.directed is not None else not symmetric
    for label in ids:
        yield from builder.node(label, header_line)
    for a in ids:
        line = row_lines[a]
        for b in ids:
            if a == b:
                continue
            w_ab = matrix[a][index[b]]
            if directed:
                if w_ab:
                    yield builder.tie(a, b, w_ab, directed=True, line=line)
            elif a < b:
                w_ba = matrix[b][index[a]]
                weight = w_ab if symmetric else w_ab + w_ba
                if weight:
                    yield builder.tie(a, b, weight, directed=False, line=line)


def _check_unique(path: Path, line: int, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for label in ids:
        if not label:
            raise IngestError(path, f"a {what} has an empty node id", line=line)
        if label in seen:
            raise IngestError(path, f"{what} id {label!r} appears twice", line=line, field=label)
        seen.add(label)


def read_edgelist(
    path: Path, options: NetworkOptions, *, progress: Progress = no_progress
) -> Iterator[Fragment]:
    """source, target[, weight][, date or phase]; a header row is optional."""
    builder = _Builder(path, options)
    directed = True if options.directed is None else options.directed
    columns: dict[str, int] | None = None
    for line, row in CsvRows(path, encoding=options.encoding, progress=progress):
        cells = [c.strip() for c in row]
        if columns is None:
            columns = _edge_columns(cells)
            if columns.get("header"):
                continue
        if len(cells) < 2 or not cells[columns["source"]] or not cells[columns["target"]]:
            raise IngestError(path, "a tie needs a source and a target", line=line)
        source, target = cells[columns["source"]], cells[columns["target"]]
        weight = None
        if "weight" in columns and columns["weight"] < len(cells):
            weight = _number(path, line, "weight", cells[columns["weight"]])
        date = phase = None
        if "date" in columns and columns["date"] < len(cells) and cells[columns["date"]]:
            date = registry.date.clean(cells[columns["date"]])
            if date is None:
                raise IngestError(
                    path, f"{cells[columns['date']]!r} is not a date", line=line, field="date"
                )
        if "phase" in columns and columns["phase"] < len(cells):
            phase = cells[columns["phase"]] or None
        yield from builder.node(source, line)
        yield from builder.node(target, line)
        if source != target:
            yield builder.tie(
                source, target, weight, directed=directed, line=line, phase=phase, date=date
            )


def _edge_columns(first: list[str]) -> dict[str, int]:
    """Column positions, from a header row or (without one) by position."""
    names = [c.lower() for c in first]
    if (names and names[0] in SOURCE_NAMES | {"id", "node"}) or (
        len(names) > 1 and names[1] in TARGET_NAMES
    ):
        columns = {"header": 1, "source": 0, "target": 1}
        for i, name in enumerate(names):
            if name in SOURCE_NAMES:
                columns["source"] = i
            elif name in TARGET_NAMES:
                columns["target"] = i
            elif name in WEIGHT_NAMES:
                columns["weight"] = i
            elif name in ("date", "day", "time", "timestamp"):
                columns["date"] = i
            elif name in ("phase", "period", "wave", "stage"):
                columns["phase"] = i
        return columns
    columns = {"source": 0, "target": 1}
    if len(first) > 2:
        columns["weight"] = 2
    if len(first) > 3:
        columns["date" if ISO_DATE.match(first[3]) else "phase"] = 3
    return columns


def read_attendance(
    path: Path, options: NetworkOptions, *, progress: Progress = no_progress
) -> Iterator[Fragment]:
    """Persons (rows) x events (columns); a non-zero cell means the person attended."""
    builder = _Builder(path, options)
    model = get_model()
    grid = _Grid(path, options, progress, "event names")
    event_entities: dict[str, EntityProxy] = {}
    for label in grid.columns:
        event = model.make_entity("Event")
        event.id = node_id(options.namespace, "event", label)
        event.add("name", label)
        if options.date:
            event.add("date", options.date)
        event_entities[label] = event
    attended = dict.fromkeys(grid.columns, 0)
    for line, label, numbers in grid:
        yield from builder.node(label, line)
        for event_label, number in zip(grid.columns, numbers, strict=True):
            if number:
                # counted before FtM adds (it compares each value with those held)
                attended[event_label] += 1
                check_count(attended[event_label], path=path, line=line, field=event_label)
                event_entities[event_label].add("involved", node_id(options.namespace, label))
    for event in event_entities.values():
        check_entity(event, path=path, line=grid.header_line)
        yield Fragment(event, f"{path.name}:{grid.header_line}")
