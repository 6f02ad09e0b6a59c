"""A money trace as a three-column flow picture: source, holders, jurisdictions.

Band widths are proportional to amounts. The largest holders are drawn one by one and
the rest together ("others"), so the picture stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from cupula.money.trace import TraceResult

WIDTH, HEIGHT, NODE_W, GAP = 900, 520, 14, 8


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    h: float
    label: str
    colour: str


@dataclass(frozen=True)
class Band:
    path: str  # SVG path data
    width: float
    title: str


def _stack(amounts: list[tuple[str, float]], x: float, scale: float, colour: str) -> dict[str, Box]:
    y = 20.0
    boxes = {}
    for label, amount in amounts:
        h = max(amount * scale, 2.0)
        boxes[label] = Box(x, y, h, label, colour)
        y += h + GAP
    return boxes


def _band(x0: float, y0: float, x1: float, y1: float, w: float) -> str:
    mid = (x0 + x1) / 2
    return (
        f"M{x0:.1f},{y0 + w / 2:.1f} C{mid:.1f},{y0 + w / 2:.1f} {mid:.1f},{y1 + w / 2:.1f} "
        f"{x1:.1f},{y1 + w / 2:.1f}"
    )


def sankey(result: TraceResult, *, top: int = 10) -> tuple[list[Box], list[Band]]:
    total = sum(d.amount for d in result.destinations) or 1.0
    shown = result.destinations[:top]
    rest = sum(d.amount for d in result.destinations[top:])
    holders = [(f"{d.name} ({d.entity_id})", d.amount) for d in shown]
    country_of = {
        f"{d.name} ({d.entity_id})": (d.countries[0] if d.countries else "?") for d in shown
    }
    if rest > 0:
        holders.append(("others", rest))
        country_of["others"] = "others"
    by_country: dict[str, float] = {}
    for label, amount in holders:
        c = country_of[label]
        by_country[c] = by_country.get(c, 0.0) + amount
    flagged = {c for d in shown for c in d.countries[:1] if d.secrecy}
    # one scale for every column, so a band is as wide at both ends
    scale = (HEIGHT - 40 - GAP * max(len(holders), len(by_country))) / total
    left = _stack([(result.source, total)], 20, scale, "#1d2330")
    middle = _stack(holders, WIDTH / 2 - NODE_W / 2, scale, "#607d8b")
    right = _stack(
        sorted(by_country.items(), key=lambda kv: -kv[1]), WIDTH - 20 - NODE_W, scale, "#2e7d32"
    )
    right = {
        k: Box(b.x, b.y, b.h, b.label, "#c62828" if k in flagged else b.colour)
        for k, b in right.items()
    }
    bands = []
    src = left[result.source]
    y_src = src.y
    used_right = {k: b.y for k, b in right.items()}
    for label, amount in holders:
        box = middle[label]
        bands.append(
            Band(
                _band(src.x + NODE_W, y_src, box.x, box.y, box.h), box.h, f"{label}: {amount:,.0f}"
            )
        )
        y_src += box.h
        c = country_of[label]
        dest = right[c]
        bands.append(
            Band(
                _band(box.x + NODE_W, box.y, dest.x, used_right[c], box.h), box.h, f"{label} → {c}"
            )
        )
        used_right[c] += box.h
    return [*left.values(), *middle.values(), *right.values()], bands
