"""Commands that recognise the same entity across partners: resolve, review, judge,
judgements, clusters, merged, screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cupula.cli.analysis import DatasetOption, JsonOption, _query
from cupula.cli.app import app
from cupula.cli.session import session
from cupula.errors import InvalidInput, NotFound
from cupula.model.marking import MarkingError
from cupula.resolve.engine import ResolveOptions, score_records
from cupula.resolve.incremental import NeedsFullRun
from cupula.resolve.judgements import (
    Dispute,
    Verdict,
    disputes,
    judge,
    ordered,
    parse_judgement_marking,
    standing,
)
from cupula.resolve.records import Record, records_of
from cupula.resolve.scoring import FEATURES, probability
from cupula.resolve.screening import read_list, screen
from cupula.resolve.service import (
    NoRun,
    clusters_for,
    is_stale,
    judge_seen,
    judgements_of,
    merged_entity,
    resolve_incremental,
    resolve_view,
    stored_options,
)
from cupula.store import Store, View

out = Console()
err = Console(stderr=True)

MatchOption = Annotated[float, typer.Option(help="Merge pairs at or above this match probability.")]
ReviewOption = Annotated[
    float, typer.Option(help="Offer pairs from this probability up to --match for review.")
]


def _show_disputes(disputes: list[Dispute]) -> None:
    """Pairs on which agencies' judgements that you may see disagree (on stderr, so that
    --json output stays one document)."""
    for dispute in disputes:
        err.print(f"[yellow]disputed:[/yellow] {escape(dispute.summary())}", highlight=False)


def _status(message: str) -> None:
    """Stages of long work, on a terminal only (pipes, CI and tests stay clean)."""
    if err.is_terminal:
        err.print(f"[dim]… {escape(message)}[/dim]")


@app.command()
def resolve(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    match: MatchOption = 0.9,
    review: ReviewOption = 0.2,
    max_block: Annotated[
        int, typer.Option(help="Drop blocking keys shared by more records than this.")
    ] = 1000,
    max_cluster: Annotated[
        int, typer.Option(help="Re-cluster more strictly any cluster of more distinct records.")
    ] = 1000,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            help="Resolve only what was loaded since your stored run, against it (a full "
            "run, saying why, where that is not possible). Options are the stored run's.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Find the entities you may see that are the same person, company, account or
    vessel: candidate pairs by blocking, explainable scores, clusters.

    The run is stored for what you may see; `cupula clusters`, `review` and `merged`
    use it with the judgements you may see (your agency's, and those other agencies
    marked for you). Judgements are kept apart and survive re-running this command.
    """
    query = _query(datasets=dataset, match=match, review=review)
    if incremental:
        query["incremental"] = True
    with session(ctx, "resolve", query) as s:
        options = ResolveOptions(
            match=match, review=review, max_block=max_block, max_cluster=max_cluster
        )
        view = s.view(dataset)
        if incremental and _resolve_incremental(s.store, view, as_json):
            return
        resolution = resolve_view(s.store, view, options, progress=_status)
        clusters = clusters_for(s.store, view)
        stats = {**resolution.stats, "clusters": len(clusters.members),
                 "merged_clusters": len(clusters.merged()), "judgements": clusters.judged,
                 "review": len(resolution.review_pairs())}  # fmt: skip
        resolution.close()
        if as_json:
            print(json.dumps(stats, indent=2))
            return
        out.print(
            f"{stats['records']:,} records → {stats['candidates']:,} candidate pairs "
            f"({stats['keys']:,} blocking keys, {stats['keys_dropped']:,} too common and "
            f"dropped) → {stats['matches']:,} matches at p ≥ {match:g} → "
            f"{stats['merged_clusters']:,} merged clusters; {stats['review']:,} pairs to "
            f"review (`cupula review`). Prior {stats['prior_bits']} bits."
        )
        for conflict in clusters.conflicts:
            err.print(
                f"[yellow]conflict:[/yellow] {conflict.left} = {conflict.right} "
                f"({conflict.user}, {conflict.agency}) is overruled by a 'different' judgement"
            )
        _show_disputes(clusters.disputes)


def _resolve_incremental(store: Store, view: View, as_json: bool) -> bool:
    """The increment since the stored run (True), or why a full run is needed (False)."""
    try:
        increment = resolve_incremental(store, view, progress=_status)
    except (NoRun, NeedsFullRun) as e:
        err.print(f"[yellow]full run:[/yellow] {escape(str(e))}", highlight=False)
        return False
    clusters = clusters_for(store, view)
    stats = {**increment.stats, "clusters": len(clusters.members),
             "merged_clusters": len(clusters.merged()), "judgements": clusters.judged}  # fmt: skip
    if as_json:
        print(json.dumps(stats, indent=2))
        return True
    fresh = stats["records"] - stats["unchanged"]
    out.print(
        f"{stats['records']:,} records changed or tied to a change since the stored run "
        f"({fresh:,} new or changed) → {stats['candidates']:,} candidate pairs → "
        f"{stats['pairs']:,} pairs added to the run ({stats['replaced']:,} records' pairs "
        f"replaced) in {stats['seconds']:.1f} s → {stats['merged_clusters']:,} merged clusters."
    )
    _show_disputes(clusters.disputes)
    return True


@app.command(name="judge")
def judge_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="An entity id.")],
    right: Annotated[str, typer.Argument(help="Another entity id.")],
    verdict: Annotated[
        Verdict, typer.Argument(help="same, different, unsure, or retracted (undo).")
    ],
    note: Annotated[str | None, typer.Option(help="Why (kept with the judgement).")] = None,
    marking: Annotated[
        str | None,
        typer.Option(
            help="Who may see and use the judgement, e.g. 'RESTRICTED REL TO USA' (ORIG is "
            "your agency). Default: the marking of your agency's standing judgement of the "
            "pair, else RESTRICTED for your agency alone."
        ),
    ] = None,
) -> None:
    """Record that two entities are the same, different, or that you are unsure.

    A judgement is a marked fact: readers use exactly the judgements they may see, so
    --marking shares it with partners (only what you could read yourself). 'different'
    also blocks any chain of automatic matches that would join them, and wins over
    another agency's 'same'; 'retracted' withdraws your agency's standing judgement of
    the pair (undo).
    """
    query = {"left": left, "right": right, "verdict": verdict, "marking": marking}
    with session(ctx, "judge", query) as s:
        try:
            item = judge_seen(s.store, s.view(), left, right, verdict, note, marking=marking)
        except MarkingError as exc:
            raise InvalidInput(f"--marking: {exc}; nothing was recorded") from None
        out.print(f"{item.left} {item.verdict.value} {item.right} — {item.user}, {item.at}, "
                  f"{escape(str(item.marking))}")  # fmt: skip


@app.command(name="judgements")
def judgements_command(
    ctx: typer.Context,
    entity_id: Annotated[
        str | None, typer.Argument(help="Only judgements of pairs with this entity.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The judgements you may see, oldest first: the pair, the verdict, the author's
    agency and user, the marking, whether it stands (its agency's latest) and whether
    agencies disagree on the pair ('different' then wins)."""
    with session(ctx, "judgements", {"entity": entity_id}) as s:
        listed = judgements_of(s.store, s.view(), entity_id)
        if as_json:
            print(json.dumps([x.as_dict() for x in listed], indent=2, ensure_ascii=False))
            return
        table = Table(title_justify="left")
        for column in ("pair", "verdict", "agency", "user", "at", "marking", ""):
            table.add_column(column)
        for x in listed:
            j = x.judgement
            flags = ", ".join(f for f, on in (("superseded", not x.standing),
                                              ("disputed", x.disputed)) if on)  # fmt: skip
            table.add_row(escape(f"{j.left} / {j.right}"), j.verdict.value, j.agency,
                          escape(j.user), j.at, escape(str(j.marking)), flags)  # fmt: skip
        out.print(table)
        disputed = {(x.judgement.left, x.judgement.right) for x in listed if x.disputed}
        out.print(f"{len(listed):,} judgements you may see; {len(disputed):,} disputed pairs.",
                  style="dim")  # fmt: skip


@app.command()
def clusters(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    merged_only: Annotated[
        bool, typer.Option("--merged-only", help="Leave out clusters of one entity.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """The clusters of the last `cupula resolve` on what you may see, with the
    judgements you may see applied; pairs on which agencies disagree are shown on
    stderr. JSON: a list of clusters, each a list of entity ids."""
    with session(ctx, "clusters", _query(datasets=dataset)) as s:
        view = s.view(dataset)
        result = clusters_for(s.store, view)
        if is_stale(s.store, view):
            err.print(
                "[yellow]note:[/yellow] data was loaded after the last `cupula resolve`; "
                "its entities stay unmatched until you run it again."
            )
        _show_disputes(result.disputes)
        groups = result.merged() if merged_only else result.members
        if as_json:
            print(json.dumps(groups, ensure_ascii=False))
            return
        for group in result.merged():
            entity = merged_entity(view, group)
            caption = entity.caption if entity is not None else group[0]
            out.print(f"[bold]{escape(caption)}[/bold]: {', '.join(group)}")
        out.print(
            f"{len(result.members):,} clusters, {len(result.merged()):,} with more than one "
            f"entity; {result.judged:,} judged pairs ({len(result.disputes):,} disputed).",
            style="dim",
        )


@app.command()
def merged(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Any member's entity id.")],
    as_json: JsonOption = False,
) -> None:
    """The merged entity a member belongs to, built only from statements you may see."""
    with session(ctx, "merged", {"entity": entity_id}) as s:
        view = s.view()
        members = clusters_for(s.store, view).of(entity_id)
        entity = merged_entity(view, members or [entity_id])
        if entity is None:
            raise NotFound(f"no entity {entity_id!r} among those you may see")
        data = {"members": members or [entity_id], **entity.to_dict()}
        if as_json:
            print(json.dumps(data, indent=2, ensure_ascii=False))
            return
        out.print(f"[bold]{escape(entity.caption)}[/bold] ({entity.schema.name}), "
                  f"members: {', '.join(data['members'])}")  # fmt: skip
        for prop, values in sorted(entity.properties.items()):
            out.print(f"  {prop}: {escape('; '.join(values))}")


def _side_by_side(a: Record, b: Record, features: dict[str, float]) -> Table:
    table = Table(show_header=True, title_justify="left")
    table.add_column("")
    table.add_column(a.key)
    table.add_column(b.key)
    rows = (
        ("names", a.names, b.names),
        ("dates", a.dates, b.dates),
        ("countries", a.countries, b.countries),
        ("identifiers", a.identifiers, b.identifiers),
        ("places", a.places, b.places),
        ("neighbours", a.neighbours, b.neighbours),
    )
    for label, x, y in rows:
        if x or y:
            table.add_row(label, escape("; ".join(x)), escape("; ".join(y)))
    evidence = ", ".join(f"{f.name} {features.get(f.name, 0):+.1f}" for f in FEATURES
                         if features.get(f.name))  # fmt: skip
    table.caption = (
        f"prior {features.get('prior', 0):+.1f} · {evidence} = {features.get('bits', 0):+.1f} "
        f"bits (p = {probability(features.get('bits', 0)):.2f})"
    )
    return table


@app.command()
def review(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    limit: Annotated[int, typer.Option(help="Review at most this many pairs.")] = 20,
    marking: Annotated[
        str | None,
        typer.Option(help="The marking of your answers (as for `cupula judge --marking`)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Review uncertain pairs in the terminal: both records side by side with each
    feature's contribution; answer s(ame), d(ifferent), u(nsure), n(ext) or q(uit).

    Pairs already judged by your agency are not offered again; a pair that other
    agencies judged (and marked for you) is offered with their verdicts, and pairs on
    which agencies disagree are listed first. With --json, print the pairs, their
    features and those judgements instead of asking.
    """
    with session(ctx, "review", _query(datasets=dataset, limit=limit)) as s:
        try:
            chosen = None if marking is None else parse_judgement_marking(marking, s.viewer.agency)
        except MarkingError as exc:
            raise InvalidInput(f"--marking: {exc}; nothing was recorded") from None
        view = s.view(dataset)
        # The features are recomputed from what you may see, so an explanation never
        # rests on another reader's statements.
        options, _ = stored_options(s.store, view)
        records = records_of(view)
        resolution = score_records(records, options, progress=_status)
        judged = standing(s.store, s.viewer)
        pairs = []
        for left, right, _bits in resolution.review_pairs():
            a, b = records[left], records[right]
            others = judged.get(ordered(a.key, b.key), ())
            if any(j.agency == s.viewer.agency for j in others):
                continue
            pairs.append((a, b, resolution.features(left, right) or {}, others))
            if len(pairs) >= limit:
                break
        resolution.close()
        if as_json:
            print(json.dumps([{"left": a.key, "right": b.key, "features": f,
                               "judgements": [j.as_dict() for j in js]}
                              for a, b, f, js in pairs], indent=2))  # fmt: skip
            return
        _show_disputes(disputes(judged))
        if not pairs:
            out.print("Nothing to review.")
            return
        answers = {"s": Verdict.SAME, "d": Verdict.DIFFERENT, "u": Verdict.UNSURE}
        for number, (a, b, features, others) in enumerate(pairs, 1):
            out.print(_side_by_side(a, b, features), f"[dim]pair {number} of {len(pairs)}[/dim]")
            for j in others:
                out.print(f"  {j.agency} judged them {j.verdict.value} ({escape(str(j.marking))})")
            answer = typer.prompt("same / different / unsure / next / quit [s/d/u/n/q]",
                                  default="n").strip().lower()[:1]  # fmt: skip
            if answer == "q":
                break
            if answer in answers:
                judge(s.store, s.viewer, a.key, b.key, answers[answer], "cupula review",
                      marking=chosen)  # fmt: skip


@app.command(name="screen")
def screen_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="CSV list with a 'name' column.", exists=True, dir_okay=False)
    ],
    dataset: DatasetOption = None,
    top: Annotated[int, typer.Option(help="Hits per name.")] = 3,
    threshold: Annotated[
        float,
        typer.Option(help="Lowest match probability shown (names in another script score low)."),
    ] = 0.1,
    encoding: Annotated[str, typer.Option(help="The list's text encoding.")] = "utf-8",
    as_json: JsonOption = False,
) -> None:
    """Screen a list of names against what you may see (a loaded watch list such as the
    OFAC SDN list: --dataset ofac), with scores and the evidence behind each.

    Columns: name (required); birth_date, nationality, gender, schema, and identifiers
    (passport, id_number, tax_number, iban, imo, email, phone, wallet) if you have them.
    """
    with session(ctx, "screen", _query(path=str(path), datasets=dataset, top=top)) as s:
        queries = read_list(path, encoding=encoding)
        options = ResolveOptions(match=max(threshold, 0.9), review=threshold)
        results = screen(s.view(dataset), queries, options=options, top=top, progress=_status)
        if as_json:
            print(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
            return
        table = Table(title=f"Screening {path.name}", title_justify="left")
        table.add_column("line", justify="right")
        table.add_column("name")
        table.add_column("hit")
        table.add_column("p", justify="right")
        table.add_column("evidence (bits)")
        for r in results:
            if not r.hits:
                table.add_row(str(r.line), escape(r.query["name"]), "[dim]no hit[/dim]", "", "")
            for h in r.hits:
                evidence = ", ".join(f"{k} {v:+.1f}" for k, v in h.features.items()
                                     if k not in ("prior", "bits") and v)  # fmt: skip
                table.add_row(str(r.line), escape(r.query["name"]),
                              f"{escape(h.name)} [dim]{h.entity_id}[/dim]",
                              f"{h.probability:.2f}", evidence)  # fmt: skip
        out.print(table)
