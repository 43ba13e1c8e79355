"""Alembic environment: runs on the connection the app (or `ispdesk db upgrade`) hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import ispdesk.db.models  # noqa: F401  (registers every table)
from ispdesk.db.base import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - plain `alembic` command line
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
