"""HTML reports: the network drawn with the leaders marked and the reasons; a money
trace drawn as flows to holders and jurisdictions."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from cupula.graph.keyplayers import KeyPlayerSet
from cupula.graph.leaders import Ranking
from cupula.graph.network import Network
from cupula.model.marking import Classification, Marking
from cupula.money.trace import TraceResult
from cupula.report.drawing import SIZE, draw
from cupula.report.sankey import HEIGHT as SANKEY_HEIGHT
from cupula.report.sankey import WIDTH as SANKEY_WIDTH
from cupula.report.sankey import sankey

BANNER_COLOURS = {
    Classification.UNCLASSIFIED: "#2e7d32",
    Classification.RESTRICTED: "#1565c0",
    Classification.CONFIDENTIAL: "#ef6c00",
    Classification.SECRET: "#c62828",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cupula.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def _render(template: str, markings: list[Marking], **context: Any) -> str:
    """Fill ``template``, with the classification banner and the time it was made."""
    banner, colour = banner_for(markings)
    return (
        _environment()
        .get_template(template)
        .render(
            banner=banner,
            banner_colour=colour,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            **context,
        )
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
    return _render(
        "leaders.html",
        markings,
        title=title,
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


def render_money(result: TraceResult, *, title: str, viewer: str, markings: list[Marking]) -> str:
    """A money trace as one self-contained HTML file with a flow picture."""
    boxes, bands = sankey(result)
    return _render(
        "money.html",
        markings,
        title=title,
        verb="came from" if result.options.backward else "went",
        viewer=viewer,
        result=result,
        boxes=boxes,
        bands=bands,
        width=SANKEY_WIDTH,
        height=SANKEY_HEIGHT,
    )
