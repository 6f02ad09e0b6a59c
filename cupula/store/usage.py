"""What a view gave out: distinct statements, by dataset and marking, for the audit log.

An audit entry says how many statements of which originator a command or a request was
given. A command often reads the same statements more than once (``stats`` counts them by
marking, by dataset and by entity; a request may open two views over the same data), so
what is counted is *distinct* statements, never reads.

Keeping every statement id would cost as much memory as the read itself on a large
store. A read is therefore recorded by what it covered, per *cell* — the statements of
one dataset under one marking that the view may read:

- a read that covers whole cells (a pass over every statement in scope, or over one
  dataset; a count grouped by cell) records each cell's count: the cell is *whole*, and
  any later read of it adds nothing; a count over a view of every dataset records its
  count per marking, which covers every cell of that marking (a count grouped by
  marking alone is the cheaper query);
- a count over every entity's id statement (``prop == "id"``) makes a cell's id
  statements whole, so reads of entity ids add nothing to it either;
- a narrower read (one entity, some schemata) keeps the ids of the statements it
  returned, only for cells not already whole.

A pass over whole cells that stops before its end (the reader stopped early, or failed)
records what it returned as counted: never less than what was given, and more only when
the same statements were also read by a narrower read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from cupula.model.marking import Marking

Cell = tuple[str, str]  # (dataset, marking id)


class Usage:
    """Distinct statements given out, by cell (see the module's docstring)."""

    def __init__(self) -> None:
        self.markings_whole: dict[str, int] = {}  # markings read whole in every dataset
        self.whole: dict[Cell, int] = {}  # cells read whole: their statement counts
        self.ids_whole: dict[Cell, int] = {}  # cells whose id statements were read whole
        self.ids: dict[Cell, set[str]] = {}  # statement ids of narrower reads, by cell
        self.id_ids: dict[Cell, set[str]] = {}  # ... of their id statements, kept apart
        self.cut: Counter[Cell] = Counter()  # passes over whole cells that stopped early

    def _covered(self, cell: Cell) -> bool:
        return cell in self.whole or cell[1] in self.markings_whole

    # -- recording --------------------------------------------------------------------

    def read_markings_whole(self, counts: Mapping[str, int]) -> None:
        """Every statement under these markings, in every dataset, was given."""
        for marking_id, count in counts.items():
            # A load between two reads of one marking makes the later count larger.
            self.markings_whole[marking_id] = max(count, self.markings_whole.get(marking_id, 0))
        for kept in (self.whole, self.ids_whole, self.ids, self.id_ids, self.cut):
            for cell in [c for c in kept if c[1] in counts]:
                del kept[cell]

    def read_whole(self, counts: Mapping[Cell, int]) -> None:
        """Every statement of these cells was given (a full pass, a count by cell)."""
        for cell, count in counts.items():
            if cell[1] in self.markings_whole:
                continue
            self.whole[cell] = max(count, self.whole.get(cell, 0))
            self.ids_whole.pop(cell, None)
            self.ids.pop(cell, None)
            self.id_ids.pop(cell, None)
            self.cut.pop(cell, None)

    def read_ids_whole(self, counts: Mapping[Cell, int]) -> None:
        """Every id statement of these cells was given (a count of the entities)."""
        for cell, count in counts.items():
            if not self._covered(cell):
                self.ids_whole[cell] = max(count, self.ids_whole.get(cell, 0))
                self.id_ids.pop(cell, None)

    def read_cut(self, counts: Mapping[Cell, int]) -> None:
        """A pass over whole cells stopped early, having given ``counts``."""
        for cell, count in counts.items():
            if not self._covered(cell):
                self.cut[cell] += count

    def read(self, cell: Cell, statement_id: str, *, is_id: bool) -> None:
        """One statement given by a narrower read (``is_id``: an id statement)."""
        if self._covered(cell):
            return
        if is_id:
            if cell not in self.ids_whole:
                self.id_ids.setdefault(cell, set()).add(statement_id)
        else:
            self.ids.setdefault(cell, set()).add(statement_id)

    def merge(self, other: Usage) -> None:
        """Add what ``other`` gave (over the same or other cells of the same viewer)."""
        self.read_markings_whole(other.markings_whole)
        self.read_whole(other.whole)
        self.read_ids_whole(other.ids_whole)
        self.read_cut(other.cut)
        for cell, ids in other.ids.items():
            if not self._covered(cell):
                self.ids.setdefault(cell, set()).update(ids)
        for cell, ids in other.id_ids.items():
            if not self._covered(cell) and cell not in self.ids_whole:
                self.id_ids.setdefault(cell, set()).update(ids)

    # -- reading ----------------------------------------------------------------------

    def _counts(self) -> dict[tuple[str | None, str], int]:
        """Statements given by cell, and by marking (dataset None) where read whole."""
        out: dict[tuple[str | None, str], int] = {
            (None, m): n for m, n in self.markings_whole.items() if n
        }
        cells = set(self.whole) | set(self.ids_whole) | set(self.ids) | set(self.id_ids)
        for cell in cells | set(self.cut):
            if cell in self.whole:
                count = self.whole[cell]
            else:
                ids = self.ids_whole.get(cell, len(self.id_ids.get(cell, ())))
                count = ids + len(self.ids.get(cell, ())) + self.cut.get(cell, 0)
            if count:
                out[cell] = count
        return out

    def by_marking(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for (_dataset, marking_id), count in self._counts().items():
            out[marking_id] += count
        return dict(out)

    def by_originator(self, markings: Mapping[str, Marking]) -> dict[str, int]:
        """Statements given, by originating agency (``markings``: the store's, by id)."""
        out: Counter[str] = Counter()
        for marking_id, count in self.by_marking().items():
            marking = markings.get(marking_id)
            if marking is not None:
                out[marking.originator] += count
        return dict(out)

    def total(self) -> int:
        return sum(self._counts().values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Usage) and self._counts() == other._counts()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Usage({self.by_marking()!r})"
