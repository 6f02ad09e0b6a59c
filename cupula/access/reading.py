"""What one command or one HTTP request read and wrote, for its audit entry.

The command line (``cli.session``) and the API (``api.context``) both open their views
through a ``Reading`` and append one audit entry from it when they end. The entry counts
the distinct statements given, by originator, over all the views opened (a statement
read twice, or through two views, counts once: see ``store.usage``), plus the statements
written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cupula.access import audit
from cupula.access.viewer import Viewer
from cupula.store import Store, View
from cupula.store.usage import Usage


@dataclass
class Reading:
    store: Store
    viewer: Viewer
    purpose: str | None
    views: list[View] = field(default_factory=list)
    written_by: dict[str, int] = field(default_factory=dict)  # statements added, by owner
    outcome: str = "ok"  # or "refused: why", for the audit entry

    def view(self, datasets: Sequence[str] | None = None) -> View:
        view = self.store.view(self.viewer, datasets=datasets or None, purpose=self.purpose)
        self.views.append(view)
        return view

    def wrote(self, agency: str, statements: int) -> None:
        """Count statements a load added for ``agency`` into the audit entry."""
        self.written_by[agency.upper()] = self.written_by.get(agency.upper(), 0) + statements

    def given(self) -> Usage:
        """The distinct statements every view of this reading gave out."""
        usage = Usage()
        for view in self.views:
            usage.merge(view.usage)
        return usage

    def statements(self) -> int:
        return self.given().total() + sum(self.written_by.values())

    def originators(self) -> dict[str, int]:
        total: Counter[str] = Counter(self.written_by)
        given = self.given()
        if self.views and given.total():
            total.update(given.by_originator(self.views[0].all_markings()))
        return dict(total)

    def record(self, action: str, query: dict[str, Any]) -> None:
        """Append the audit entry: who, why, what was asked, and what it was given."""
        audit.append(
            self.store,
            self.viewer,
            action,
            query,
            purpose=self.purpose,
            statements=self.statements(),
            originators=self.originators(),
        )
