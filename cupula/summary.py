"""What a view holds, in numbers (for ``cupula stats`` and the demo)."""

from __future__ import annotations

from typing import Any

from cupula.store.view import View


def summarize(view: View) -> dict[str, Any]:
    """Statements, entities by schema, statements by dataset and by marking."""
    markings = view.markings()
    by_marking = {str(markings[mid]): n for mid, n in view.count_by("marking_id").items()}
    return {
        "statements": view.count_statements(),
        "entities": view.count_entities(),
        "datasets": view.count_by("dataset"),
        "markings": dict(sorted(by_marking.items())),
    }
