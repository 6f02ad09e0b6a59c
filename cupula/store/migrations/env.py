"""Alembic environment: cupula runs its migrations programmatically on a live connection."""

from alembic import context

from cupula.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
