"""``cupula serve``: the HTTP API over the store (docs at /docs, schema at /openapi.json)."""

from __future__ import annotations

from typing import Annotated

import typer

from cupula.cli.app import app

GRACE_S = 3


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
) -> None:
    """Serve the HTTP API on the store: log in at POST /api/login (or send an API token),
    then search, entities, leaders, clusters and judgements; every request goes through
    your view and into the audit log. Interactive documentation at /docs (logged in)."""
    import uvicorn

    from cupula.app import create_app
    from cupula.ingest.isolated import stop_all

    proxies = trusted_proxies.split(",") if trusted_proxies else []
    config = uvicorn.Config(
        create_app(ctx.obj["db"], trusted_proxies=proxies, ahead=True),
        host=host,
        port=port,
        log_level="info",
        # proxy_headers off: uvicorn would believe X-Forwarded-For from 127.0.0.1; the app
        # reads forwarded headers itself, from the trusted proxies only (http.proxies)
        proxy_headers=False,
        # On SIGTERM or Ctrl+C, requests still running after this many seconds are
        # cancelled (an upload's load process is then killed, its load not kept).
        timeout_graceful_shutdown=GRACE_S,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        stop_all()
