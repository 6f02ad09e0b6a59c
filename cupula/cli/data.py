"""Commands that load and read facts: ingest, stats, show, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cupula.access.accounts import list_agencies
from cupula.cli.app import app
from cupula.cli.progress import byte_progress
from cupula.cli.safe import shown
from cupula.cli.session import session
from cupula.errors import NotFound
from cupula.export import EXPORT_FORMATS, Audience, export
from cupula.export.atomic import atomic_output
from cupula.graph.fusion import fusion_for, unmerged
from cupula.ingest import Format, LoadOptions, ingest
from cupula.summary import summarize

out = Console()
err = Console(stderr=True)


@app.command(name="ingest")
def ingest_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File (or OFAC folder) to load.")],
    dataset: Annotated[str, typer.Option(help="Dataset to load into, e.g. co-dijin-wiretaps.")],
    agency: Annotated[str, typer.Option(help="Your agency id, the data's owner, e.g. CO-DIJIN.")],
    marking: Annotated[
        str,
        typer.Option(
            help='Marking for every fact in the file, e.g. "CONFIDENTIAL REL TO COL,USA H2 B2".'
            " ORIG defaults to --agency."
        ),
    ],
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="Input format (see above); guessed when left out."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="FtM YAML mapping for a CSV or Excel table.")
    ] = None,
    phase: Annotated[str | None, typer.Option(help="Networks: investigation phase.")] = None,
    date: Annotated[str | None, typer.Option(help="Networks: date of the ties (ISO).")] = None,
    directed: Annotated[
        bool | None,
        typer.Option(
            "--directed/--undirected",
            help="Networks: tie direction [default: matrices by symmetry; edge lists directed].",
            show_default=False,
        ),
    ] = None,
    channel: Annotated[
        str | None, typer.Option(help="Networks: how ties were seen: phone, meeting, ...")
    ] = None,
    node_schema: Annotated[str, typer.Option(help="Networks: schema of the nodes.")] = "Person",
    namespace: Annotated[
        str | None,
        typer.Option(help="Prefix of generated entity ids [default: the dataset name]."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding [default: utf-8; cp1252 for OFAC].")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel: sheet name [default: first].")] = None,
    drop_invalid: Annotated[
        bool,
        typer.Option(
            "--drop-invalid",
            help="Mapped tables: leave out values the schema rejects (a malformed e-mail in a "
            "noisy list) instead of refusing the file; they are counted in the summary.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Read the file even if it was loaded before.")
    ] = False,
) -> None:
    """Load a partner's file; every fact in it gets the marking given.

    The load is all or nothing: a bad line stops it with the file, line and field, and
    the store stays as it was. Loading the same file again adds nothing.

    **Formats** (`--format`):

    - `ftm`: followthemoney entities, one JSON object per line (.jsonl)
    - `mapping`: a CSV or Excel table with an FtM YAML `--mapping`
    - `matrix`: square adjacency matrix, first row and column are node ids
    - `edgelist`: source, target, optional weight, optional date or phase
    - `attendance`: persons in rows, events (meetings) in columns
    - `ofac`: the OFAC SDN legacy CSV trio (the folder, or the sdn file)

    **Examples**:

    `cupula ingest calls.csv --dataset co-wiretaps --agency CO-DIJIN
    --marking "CONFIDENTIAL REL TO COL,USA H2 B2" --format edgelist --phase 3`

    `cupula ingest registry.xlsx --mapping registry.yml --dataset ae-registry
    --agency AE-FIU --marking "RESTRICTED REL TO ARE,ESP H1 C3"`
    """
    options = LoadOptions(
        directed=directed,
        phase=phase,
        date=date,
        channel=channel,
        node_schema=node_schema,
        namespace=namespace,
        encoding=encoding,
        sheet=sheet,
        drop_invalid=drop_invalid,
    )
    query = {"path": str(path), "dataset": dataset, "agency": agency, "marking": marking}
    with (
        session(ctx, "ingest", query) as s,
        byte_progress(err, f"loading {path.name}") as (
            start,
            advance,
        ),
    ):
        result = ingest(
            s.store,
            path,
            by=s.viewer,
            dataset=dataset,
            agency=agency,
            marking=marking,
            fmt=fmt,
            mapping=mapping,
            options=options,
            force=force,
            progress=advance,
            on_start=start,
        )
        s.wrote(agency, result.statements_added)
    out.print(result.summary(), highlight=False, markup=False, emoji=False)


@app.command()
def stats(
    ctx: typer.Context,
    dataset: Annotated[
        list[str] | None, typer.Option(help="Only these datasets (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count statements and entities (by schema), datasets and markings."""
    with session(ctx, "stats", {"datasets": dataset}) as s:
        summary = summarize(s.view(dataset))
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    out.print(f"[bold]{summary['statements']:,}[/bold] statements")
    _print_counts("entities", summary["entities"])
    _print_counts("statements by dataset", summary["datasets"])
    _print_counts("statements by marking", summary["markings"])


def _print_counts(title: str, counts: dict[str, int]) -> None:
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column(style="cyan")
    table.add_column(justify="right")
    for key, value in counts.items():
        table.add_row(key, f"{value:,}")
    out.print(table)


@app.command()
def show(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. caviar-1.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every value of one entity with its dataset, origin and marking."""
    with session(ctx, "show", {"entity_id": entity_id}) as s:
        view = s.view()
        statements = list(view.statements(entity_id=entity_id))
        markings = view.markings()
        entity = view.assemble(entity_id, statements) if statements else None
    if entity is None:  # the same answer whether it does not exist or may not be seen
        err.print(f"no entity {entity_id!r} in the store")
        raise typer.Exit(1)
    rows: list[dict[str, Any]] = [
        {
            "prop": s.prop,
            "value": s.value,
            "dataset": s.dataset,
            "origin": s.origin,
            "marking": str(markings[s.marking_id]),
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "statement_id": s.id,
        }
        for s in statements
        if s.prop != "id"
    ]
    if as_json:
        data = {
            "id": entity_id,
            "schema": entity.schema.name,
            "caption": entity.caption,
            "statements": rows,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out.print(shown(f"{entity.caption}", "bold") + shown(f" ({entity.schema.label}, {entity_id})"))
    table = Table(show_lines=False)
    for column in ("property", "value", "dataset", "origin", "marking"):
        table.add_column(column, overflow="fold")
    for row in rows:
        prop = entity.schema.get(row["prop"])
        label = prop.label if prop is not None else row["prop"]
        table.add_row(*(shown(v) for v in (label, row["value"], row["dataset"], row["origin"] or "",
                                            row["marking"])))  # fmt: skip
    out.print(table)


@app.command(name="export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="ftm (JSON lines), statements (CSV), gexf or graphml (for Gephi).",
        ),
    ] = "ftm",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write [default: stdout].")
    ] = None,
    dataset: Annotated[
        list[str] | None, typer.Option(help="Only these datasets (repeatable).")
    ] = None,
    for_agency: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="A partner agency the export is sent to: its own facts go back to it; "
            "another agency's leave only where REL TO names the partner or its country, "
            "never H2 (no onward dissemination), never held in a CASE (need to know).",
        ),
    ] = None,
    court: Annotated[
        bool, typer.Option(help="For court: flag H1 statements (need the originator's consent).")
    ] = False,
    apart: Annotated[
        bool,
        typer.Option(
            "--unmerged",
            help="gexf/graphml: each record its own node [default: one node per person, "
            "from your latest `cupula resolve`; never fused with --for].",
        ),
    ] = False,
) -> None:
    """Write the store's entities, statements or graph to a file.

    What you may see, and with `--for AGENCY` only what that partner may receive. The
    statements CSV carries each statement's marking and handling note (H1, H3); a cell
    that a spreadsheet would run as a formula (= + - @, tab or CR first; plain numbers
    such as -5 excepted) starts with a quote. With `-o` the file appears only when the
    export is complete. The graph formats draw one node per person (its `members`: the
    records joined), except with --unmerged, and with --for: a partner receives records,
    not the resolution and judgements they were joined by.
    """
    if fmt not in EXPORT_FORMATS:
        err.print(f"[red]error:[/red] --format must be one of {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(2)
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        problem = "is a folder" if output.is_dir() else f"there is no folder {output.parent}"
        err.print(f"[red]error:[/red] -o {output}: {problem}", highlight=False)
        raise typer.Exit(2)
    query = {"format": fmt, "datasets": dataset, "for": for_agency, "court": court,
             "unmerged": apart}  # fmt: skip
    with session(ctx, "export", query) as s:
        audience = Audience(court=court)
        if for_agency is not None:
            partner = next((a for a in list_agencies(s.store) if a.id == for_agency.upper()), None)
            if partner is None:
                raise NotFound(f"--for {for_agency}: no such agency (cupula admin agency list)")
            audience = Audience(partner=partner.id, partner_country=partner.country, court=court)
        view = s.view(dataset)
        fusion = None
        if fmt in ("gexf", "graphml") and for_agency is None:
            fusion = (
                unmerged()
                if apart
                else fusion_for(s.store, view, whole=s.view(None) if dataset else None)
            )
            err.print(fusion.note.message(), style="dim", highlight=False, soft_wrap=True)
        if output is None:
            count = export(view, fmt, sys.stdout, audience, fusion)
        else:  # a failed export leaves no file, and an earlier one as it was
            with atomic_output(output) as fh:
                count = export(view, fmt, fh, audience, fusion)
    err.print(f"exported {count:,} {'statements' if fmt == 'statements' else 'items'} as {fmt}")
