"""The HTTP API: a FastAPI app, thin over the library; every request reads through the
viewer's view and appends to the audit log. ``create_app`` builds it."""

from cupula.api.app import create_app

__all__ = ["create_app"]
