"""Commands that analyse the network a user may see: leaders, keyplayers, timeline."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cupula.cli.app import app
from cupula.cli.dates import FORMS, as_of_date, date_range
from cupula.cli.safe import shown
from cupula.cli.session import Session, session
from cupula.errors import InvalidInput, NotFound
from cupula.graph.analysis import network_of
from cupula.graph.disruption import recovery, simulate_removal, timeline
from cupula.graph.fusion import Fusion, fusion_for, unmerged
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import PEOPLE, LeaderOptions, candidates_of, order_by, rank_leaders
from cupula.graph.measures import degree
from cupula.graph.network import KINDS, FloatArray
from cupula.graph.signals import DEFAULT_WEIGHTS
from cupula.graph.temporal import Cut, Window

out = Console()
err = Console(stderr=True)

DatasetOption = Annotated[
    list[str] | None,
    typer.Option("--dataset", "-d", help="Only these datasets (repeat) [default: all you see]."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=f"Only ties dated up to this day: {FORMS}.",
        callback=as_of_date,
    ),
]
BetweenOption = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--between",
        help=f"Only ties dated within START END: {FORMS}.",
        show_default=False,
        callback=date_range,
    ),
]
PhaseOption = Annotated[str | None, typer.Option(help="Only the ties of this phase.")]
KindOption = Annotated[
    list[str] | None,
    typer.Option("--kind", help=f"Only these tie kinds (repeat): {', '.join(KINDS)}."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
UnmergedOption = Annotated[
    bool,
    typer.Option(
        "--unmerged",
        help="Show partners' records of one person apart [default: one node per person, "
        "from your latest `cupula resolve`].",
    ),
]


def window_of(phase: str | None, as_of: str | None, between: tuple[str, str] | None) -> Window:
    if sum(x is not None for x in (phase, as_of, between)) > 1:
        raise InvalidInput("give one of --phase, --as-of, --between")
    return Window(phase=phase, as_of=as_of, between=between)


def fusion_of(s: Session, datasets: list[str] | None, apart: bool) -> Fusion:
    """Which records are one node for this user (none with ``--unmerged``); the note
    saying so goes to stderr, so that --json output stays one document."""
    if apart:
        fusion = unmerged()
    else:
        whole = s.view(None) if datasets else None
        fusion = fusion_for(s.store, s.view(datasets), whole=whole)
    err.print(fusion.note.message(), style="dim", highlight=False, soft_wrap=True)
    return fusion


def load_network(
    s: Session,
    datasets: list[str] | None,
    window: Window,
    kinds: list[str] | None,
    fusion: Fusion | None = None,
) -> Cut:
    """The network the user may see, cut to ``window`` and ``kinds``, each cluster of
    ``fusion`` one node."""
    with err.status("reading the network you may see…", spinner="dots"):
        cut = network_of(s.view(datasets), window=window, kinds=kinds)
        if fusion is not None:
            cut = replace(cut, network=fusion.apply(cut.network))
    if cut.network.m == 0:
        raise NotFound(f"no ties to analyse ({window.describe()}, datasets: {datasets or 'all'})")
    if cut.undated:
        err.print(f"{cut.undated:,} ties without a date or phase were left out of the cut.")
    return cut


def _query(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], False)}


@app.command()
def leaders(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    top: Annotated[int, typer.Option(help="How many to list.")] = 20,
    phase: PhaseOption = None,
    as_of: AsOfOption = None,
    between: BetweenOption = None,
    kind: KindOption = None,
    weight: Annotated[
        list[str] | None,
        typer.Option(
            help=f"Signal weight as NAME=W (repeat). Signals: {', '.join(DEFAULT_WEIGHTS)}."
        ),
    ] = None,
    apart: UnmergedOption = False,
    as_json: JsonOption = False,
) -> None:
    """Rank the people most likely at the top of the organisation, with reasons.

    The score combines contacts accumulated up to the analysis date and PageRank, plus,
    where the data has them, brokerage across countries and insulation from seizures
    (`--weight` changes the mix). Each leader comes with reasons in plain words and the
    ties that are the evidence. Only what you may see is used. Each person is one node:
    the records your latest `cupula resolve` joined (listed as `members`), unless
    --unmerged.
    """
    query = _query(datasets=dataset, top=top, phase=phase, as_of=as_of, between=between,
                   unmerged=apart)  # fmt: skip
    with session(ctx, "leaders", query) as s:
        window = window_of(phase, as_of, between)
        weights = dict(DEFAULT_WEIGHTS)
        for item in weight or []:
            name, _, value = item.partition("=")
            try:
                weights[name] = float(value)
            except ValueError:
                raise InvalidInput(f"--weight {item!r}: write NAME=NUMBER") from None
        fusion = fusion_of(s, dataset, apart)
        cut = load_network(s, dataset, window, kind, fusion)
        with err.status("ranking…", spinner="dots"):
            ranking = rank_leaders(cut.network, options=LeaderOptions(weights=weights, top=top))
        if as_json:
            note = fusion.note.as_dict()
            entries = [
                {**x.as_dict(), "members": fusion.members_of(x.entity_id), "fusion": note}
                for x in ranking.leaders
            ]
            print(json.dumps(entries, indent=2, ensure_ascii=False))
            return
        table = Table(
            title=f"Leaders ({window.describe()}): {ranking.candidates:,} people, "
            f"{ranking.ties:,} ties between {ranking.pairs:,} pairs",
            title_justify="left",
        )
        table.add_column("#", justify="right")
        table.add_column("name")
        table.add_column("score", justify="right")
        table.add_column("why")
        for x in ranking.leaders:
            members = fusion.members_of(x.entity_id)
            partners = ", ".join(fusion.partners.get(x.entity_id, ()))
            records = f"{len(members)} records" + (f": {partners}" if partners else "")
            name = x.name if len(members) == 1 else f"{x.name}\n({records})"
            table.add_row(str(x.rank), shown(name), f"{x.score:.2f}", shown("\n".join(x.reasons)))
        out.print(table)
        out.print(
            f"signals: {', '.join(f'{k} ×{w:g}' for k, w in ranking.weights.items())}; "
            f"betweenness {ranking.betweenness}",
            style="dim",
        )


@app.command()
def keyplayers(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    k: Annotated[int, typer.Option("-k", help="Size of the key-player set.")] = 5,
    criterion: Annotated[
        str | None,
        typer.Option(help="fragmentation or distance [default: distance up to 2,000 people]."),
    ] = None,
    phase: PhaseOption = None,
    as_of: AsOfOption = None,
    between: BetweenOption = None,
    kind: KindOption = None,
    apart: UnmergedOption = False,
    as_json: JsonOption = False,
) -> None:
    """Whom to remove to hurt the network most, and what removing each ranking's top does.

    Finds the key-player set greedily, then removes the top k of the leader ranking,
    of plain degree, of betweenness and of the key-player set, and reports the largest
    group left, fragmentation and the reach left to the remaining leaders. On phased
    data it also shows how the network re-formed after seizures.
    """
    query = _query(datasets=dataset, k=k, phase=phase, as_of=as_of, between=between,
                   unmerged=apart)  # fmt: skip
    with session(ctx, "keyplayers", query) as s:
        window = window_of(phase, as_of, between)
        fusion = fusion_of(s, dataset, apart)
        cut = load_network(s, dataset, window, kind, fusion)
        net = cut.network
        with err.status("searching the key-player set…", spinner="dots"):
            ranking = rank_leaders(net)
            btw = ranking.values["betweenness"]
            kp = key_players(net, k=k, criterion=criterion, betweenness_values=btw)
        order = [x.entity_id for x in ranking.leaders]
        cands = candidates_of(net, PEOPLE)

        def by(values: FloatArray) -> list[str]:
            return [net.node_ids[i] for i in order_by(net, values, cands)]

        orders = {
            "leader score": order,
            "key players": [p.entity_id for p in kp.players],
            "degree": by(degree(net)),
            "betweenness": by(btw),
        }
        removal = simulate_removal(net, orders, k=k, leaders=order)
        states = timeline(net) if len(net.phases) >= 2 else []
        if as_json:
            players = kp.as_dict()
            for player in players["players"]:
                player["members"] = fusion.members_of(player["entity_id"])
            data = {
                "fusion": fusion.note.as_dict(),
                "key_players": players,
                "removal": [r.as_dict() for r in removal],
                "timeline": [st.as_dict() for st in states],
                "recovery": recovery(states),
            }
            print(json.dumps(data, indent=2, ensure_ascii=False))
            return
        table = Table(title=f"Key players ({kp.criterion})", title_justify="left")
        for col in ("step", "name", "fragmentation after", "gain"):
            table.add_column(col)
        for p in kp.players:
            table.add_row(str(p.step), shown(p.name), f"{p.value_after:.3f}", f"+{p.gain:.3f}")
        out.print(table)
        out.print(f"fragmentation before: {kp.before:.3f}", style="dim")
        table = Table(title=f"Removing the top {k} of each ranking", title_justify="left")
        for col in (
            "ranking",
            "removed",
            "largest group left",
            "fragmentation",
            "leader reach kept",
        ):
            table.add_column(col)
        for r in removal:
            table.add_row(
                r.ranking,
                shown(", ".join(r.removed)),
                f"{r.largest_share:.0%}",
                f"{r.fragmentation:.3f}",
                f"{r.leader_reach:.0%}",
            )
        out.print(table)
        if states:
            table = Table(title="Phase by phase", title_justify="left")
            columns = ("phase", "people", "ties", "pairs", "largest group", "most connected",
                       "seizures")  # fmt: skip
            for col in columns:
                table.add_column(col)
            for st in states:
                table.add_row(
                    st.phase,
                    str(st.people),
                    str(st.ties),
                    str(st.pairs),
                    str(st.largest_group),
                    shown(", ".join(st.most_connected)),
                    "; ".join(st.seizures),
                )
            out.print(table)
            for line in recovery(states):
                out.print(line)
