"""Storage: SQL statement store (SQLite by default, PostgreSQL by URL) and its views."""

from cupula.store.store import Store, Writer
from cupula.store.view import Scope, View

__all__ = ["Scope", "Store", "View", "Writer"]
