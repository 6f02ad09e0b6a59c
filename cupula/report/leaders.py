"""The leaders report: the network drawn with the leaders marked, and the reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from cupula.graph.keyplayers import KeyPlayerSet
from cupula.graph.leaders import Ranking
from cupula.graph.network import Network
from cupula.model.marking import Classification, Marking
from cupula.report.drawing import SIZE, draw

BANNER_COLOURS = {
    Classification.UNCLASSIFIED: "#2e7d32",
    Classification.RESTRICTED: "#1565c0",
    Classification.CONFIDENTIAL: "#ef6c00",
    Classification.SECRET: "#c62828",
}


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cupula.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def banner_for(markings: list[Marking]) -> tuple[str, str]:
    """The highest classification of the facts used, and who they come from."""
    if not markings:
        return "NO DATA", BANNER_COLOURS[Classification.UNCLASSIFIED]
    top = max(m.classification for m in markings)
    return f"{top.name} — derived from marked data; handle as its most restrictive source", (
        BANNER_COLOURS[top]
    )


def render_leaders(
    net: Network,
    ranking: Ranking,
    key_players: KeyPlayerSet | None,
    *,
    title: str,
    viewer: str,
    window: str,
    markings: list[Marking],
    top_marked: int = 10,
) -> str:
    ranks = {x.entity_id: x.rank for x in ranking.leaders}
    kp = key_players.players if key_players else []
    dots, lines, left_out = draw(
        net, scores=ranking.scores, ranks=ranks, key_players={p.entity_id for p in kp}
    )
    banner, colour = banner_for(markings)
    return (
        _environment()
        .get_template("leaders.html")
        .render(
            title=title,
            banner=banner,
            banner_colour=colour,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            viewer=viewer,
            window=window,
            candidates=ranking.candidates,
            ties=ranking.ties,
            size=SIZE,
            dots=dots,
            lines=lines,
            left_out=left_out,
            leaders=ranking.leaders,
            top_marked=top_marked,
            key_players=kp,
            criterion=key_players.criterion if key_players else "",
            signals=", ".join(f"{k} ×{w:g}" for k, w in ranking.weights.items()),
            betweenness=ranking.betweenness,
            originators=", ".join(sorted({m.originator for m in markings})) or "none",
        )
    )


def write_leaders(path: Path, html: str) -> None:
    path.write_text(html, encoding="utf-8")
