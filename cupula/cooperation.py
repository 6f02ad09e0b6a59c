"""What the cooperation achieved, as far as a viewer may see: seizures, extraditions and
requests for information between partners.

``figures(view)`` counts the ``Seizure``, ``Extradition`` and ``InformationRequest``
entities in the view (each figure therefore differs between agencies exactly as their
views do) and returns plain numbers for a page or a report. Durations are in days; a
request still open past its deadline counts as overdue on ``today``.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from followthemoney.proxy import EntityProxy

from cupula.store import View

SCHEMATA = ("Seizure", "Extradition", "InformationRequest")


def _first(proxy: EntityProxy, prop: str) -> str | None:
    values = proxy.get(prop, quiet=True)
    return values[0] if values else None


def _number(text: str | None) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text and len(text) >= 10 else None
    except ValueError:
        return None


def _days(start: str | None, end: str | None) -> int | None:
    a, b = _day(start), _day(end)
    return (b - a).days if a and b else None


def _median(values: Iterable[int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def seizure_figures(seizures: list[EntityProxy]) -> dict[str, Any]:
    by_drug: defaultdict[str, dict[str, float]] = defaultdict(lambda: {"count": 0, "kg": 0.0})
    by_year: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    by_agency: Counter[str] = Counter()
    value = 0.0
    for s in seizures:
        drug = _first(s, "drug") or "unknown"
        by_drug[drug]["count"] += 1
        by_drug[drug]["kg"] += _number(_first(s, "quantityKg"))
        value += _number(_first(s, "estimatedValue"))
        dated = _first(s, "date")
        by_year[dated[:4] if dated else "undated"] += 1
        for country in s.get("country", quiet=True) or ["unknown"]:
            by_country[country] += 1
        by_agency[_first(s, "seizingAgency") or "unknown"] += 1
    return {
        "count": len(seizures),
        "kg": round(sum(d["kg"] for d in by_drug.values()), 3),
        "estimated_value": round(value, 2),
        "by_drug": {
            k: {"count": int(v["count"]), "kg": round(v["kg"], 3)}
            for k, v in sorted(by_drug.items())
        },
        "by_year": dict(sorted(by_year.items())),
        "by_country": dict(by_country.most_common()),
        "by_agency": dict(by_agency.most_common()),
        "people_involved": len({p for s in seizures for p in s.get("involved", quiet=True)}),
    }


def extradition_figures(extraditions: list[EntityProxy]) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    for x in extraditions:
        by_status[_first(x, "status") or "unknown"] += 1
        routes[f"{_first(x, 'requestingState') or '?'}→{_first(x, 'requestedState') or '?'}"] += 1
    return {
        "count": len(extraditions),
        "by_status": dict(by_status.most_common()),
        "by_route": dict(routes.most_common()),
        "median_days_to_decision": _median(
            _days(_first(x, "requestDate"), _first(x, "decisionDate")) for x in extraditions
        ),
        "median_days_to_surrender": _median(
            _days(_first(x, "requestDate"), _first(x, "surrenderDate")) for x in extraditions
        ),
    }


def request_figures(requests: list[EntityProxy], today: date) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    on_time = late = overdue = 0
    for r in requests:
        status = _first(r, "status") or "open"
        answered, deadline = _day(_first(r, "answerDate")), _day(_first(r, "deadline"))
        if answered is None and deadline is not None and deadline < today:
            overdue += 1
        if answered is not None and deadline is not None:
            on_time, late = (on_time + 1, late) if answered <= deadline else (on_time, late + 1)
        by_status[status] += 1
        routes[f"{_first(r, 'fromAgency') or '?'}→{_first(r, 'toAgency') or '?'}"] += 1
    return {
        "count": len(requests),
        "by_status": dict(by_status.most_common()),
        "by_route": dict(routes.most_common()),
        "answered_on_time": on_time,
        "answered_late": late,
        "overdue": overdue,
        "median_days_to_answer": _median(
            _days(_first(r, "requestDate"), _first(r, "answerDate")) for r in requests
        ),
    }


def figures(view: View, *, today: date | None = None) -> dict[str, Any]:
    """Seizures, extraditions and requests for information the view's viewer may see."""
    found: dict[str, list[EntityProxy]] = {name: [] for name in SCHEMATA}
    for name in SCHEMATA:
        for entity_id in view.entity_ids([name]):
            proxy = view.entity(entity_id)
            if proxy is not None and proxy.schema.name == name:
                found[name].append(proxy)
    return {
        "seizures": seizure_figures(found["Seizure"]),
        "extraditions": extradition_figures(found["Extradition"]),
        "requests": request_figures(found["InformationRequest"], today or date.today()),
    }
