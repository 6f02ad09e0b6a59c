"""``cupula report …``: self-contained HTML reports for people who would rather look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cupula.cli.analysis import (
    AsOfOption,
    BetweenOption,
    DatasetOption,
    KindOption,
    PhaseOption,
    UnmergedOption,
    fusion_of,
    load_network,
    window_of,
)
from cupula.cli.app import app
from cupula.cli.money import (
    BackwardOption,
    MaxGapOption,
    MaxHopsOption,
    RuleOption,
    no_payments,
    run_trace,
)
from cupula.cli.session import session
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import LeaderOptions, rank_leaders
from cupula.money.rates import Rates
from cupula.money.trace import Rule, TraceOptions
from cupula.report.leaders import render_leaders, render_money

out = Console()
err = Console(stderr=True)

report_app = typer.Typer(help="Write HTML reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command(name="leaders")
def report_leaders(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    dataset: DatasetOption = None,
    top: Annotated[int, typer.Option(help="Leaders listed.")] = 20,
    phase: PhaseOption = None,
    as_of: AsOfOption = None,
    between: BetweenOption = None,
    kind: KindOption = None,
    title: Annotated[str, typer.Option(help="Report title.")] = "the network",
    apart: UnmergedOption = False,
) -> None:
    """The network drawn with the leaders and key players marked, and the reasons.

    One HTML file, nothing fetched from anywhere: open it in any browser. The banner
    shows the highest classification of the facts it was computed from.
    """
    query = {"output": str(output), "datasets": dataset, "phase": phase, "as_of": as_of,
             "unmerged": apart}  # fmt: skip
    with session(ctx, "report leaders", query) as s:
        window = window_of(phase, as_of, between)
        fusion = fusion_of(s, dataset, apart)
        cut = load_network(s, dataset, window, kind, fusion)
        with err.status("ranking and drawing…", spinner="dots"):
            ranking = rank_leaders(cut.network, options=LeaderOptions(top=top))
            kp = key_players(cut.network, k=5, betweenness_values=ranking.values["betweenness"])
            html = render_leaders(
                cut.network,
                ranking,
                kp,
                title=title,
                viewer=str(s.viewer),
                window=window.describe(),
                markings=list(s.views[-1].markings().values()),
            )
        output.write_text(html, encoding="utf-8")
        out.print(f"wrote {output} ({len(html) // 1024} KiB): {len(ranking.leaders)} leaders")


@report_app.command(name="money")
def report_money(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Person, company, account or seizure id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    backward: BackwardOption = False,
    rule: RuleOption = Rule.FIFO,
    max_hops: MaxHopsOption = 6,
    max_gap_days: MaxGapOption = 180,
    dataset: DatasetOption = None,
    title: Annotated[str | None, typer.Option(help="Report title [default: the id].")] = None,
    apart: UnmergedOption = False,
) -> None:
    """A money trace drawn as flows from the source to the holders where the money is now
    and their jurisdictions (secrecy jurisdictions in red), with the holders and the
    largest paths. One HTML file, nothing fetched."""
    query = {"output": str(output), "entity_id": entity_id, "backward": backward,
             "unmerged": apart}  # fmt: skip
    with session(ctx, "report money", query) as s:
        options = TraceOptions(
            backward=backward, rule=rule, max_hops=max_hops, max_gap_days=max_gap_days
        )
        view, _, result, _ = run_trace(s, entity_id, dataset, options, Rates.load(), apart)
        if result.total == 0:
            raise no_payments(entity_id, backward)
        html = render_money(
            result,
            title=title or entity_id,
            viewer=str(s.viewer),
            markings=list(view.markings().values()),
        )
        output.write_text(html, encoding="utf-8")
        holders = len(result.destinations)
        out.print(f"wrote {output}: {holders} holders, {result.total:,.0f} {result.currency}")
