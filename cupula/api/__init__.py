"""The HTTP API under ``/api/``: one router per area, thin over the library; every
request reads through the viewer's view and appends to the audit log (``cupula.http``).
``cupula.app.create_app`` serves it with the pages."""

from cupula.api import (
    analysis,
    audit,
    cooperation,
    data,
    docs,
    entities,
    money,
    resolution,
    session,
)

ROUTERS = [
    session.router,
    entities.router,
    analysis.router,
    money.router,
    cooperation.router,
    audit.router,
    data.router,
    resolution.router,
    docs.router,
]

__all__ = ["ROUTERS"]
