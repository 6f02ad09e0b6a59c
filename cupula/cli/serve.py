"""``cupula serve``: the HTTP API over the store (docs at /docs, schema at /openapi.json)."""

from __future__ import annotations

from typing import Annotated

import typer

from cupula.cli.app import app

GRACE_S = 3


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
) -> None:
    """Serve the HTTP API on the store: log in at POST /api/login (or send an API token),
    then search, entities, leaders, clusters and judgements; every request goes through
    your view and into the audit log. Interactive documentation at /docs."""
    import uvicorn

    from cupula.api import create_app
    from cupula.ingest.isolated import stop_all

    config = uvicorn.Config(
        create_app(ctx.obj["db"]),
        host=host,
        port=port,
        log_level="info",
        # On SIGTERM or Ctrl+C, requests still running after this many seconds are
        # cancelled (an upload's load process is then killed, its load not kept).
        timeout_graceful_shutdown=GRACE_S,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        stop_all()
