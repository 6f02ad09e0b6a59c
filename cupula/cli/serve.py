"""``cupula serve``: the HTTP API over the store (docs at /docs, schema at /openapi.json)."""

from __future__ import annotations

from typing import Annotated

import typer

from cupula.cli.app import app


def _check_proxies(value: str | None) -> str | None:
    from cupula.http.proxies import ProxyError, trusted_proxies

    try:
        trusted_proxies(value.split(",") if value is not None else [])
    except ProxyError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    trusted_proxies: Annotated[
        str | None,
        typer.Option(
            help="Proxies whose X-Forwarded-For/-Proto to believe: addresses or networks, "
            "comma-separated (none when unset).",
            envvar="CUPULA_TRUSTED_PROXIES",
            callback=_check_proxies,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; they share login sessions and the audit log through the store.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API on the store: log in at POST /api/login (or send an API token),
    then search, entities, leaders, clusters and judgements; every request goes through
    your view and into the audit log. Interactive documentation at /docs (logged in).
    On SIGTERM or Ctrl+C it stops within about 4 s: requests still running after 3 s are
    cancelled (an upload's load is then stopped and not kept)."""
    from cupula.cli.workers import run

    proxies = trusted_proxies.split(",") if trusted_proxies else []
    run(ctx.obj["db"], host=host, port=port, workers=workers, proxies=proxies)
