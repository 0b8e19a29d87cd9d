"""Alembic environment for the server database, run programmatically by ``server.migrate``.

The caller hands over an open connection in ``config.attributes["connection"]``; there is no
alembic.ini, so migrations ship inside the package and run the same everywhere.
"""

from __future__ import annotations

from alembic import context

from fieldsales.server.models import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("run migrations through `fieldsales-server migrate`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
