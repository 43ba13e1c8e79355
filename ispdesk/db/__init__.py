"""Persistence: SQLAlchemy models, engine, sessions and Alembic migrations."""
