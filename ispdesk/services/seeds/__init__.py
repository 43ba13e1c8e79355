"""Reference-data seeders, one module per area, each with ``seed(uow)`` (idempotent)."""
