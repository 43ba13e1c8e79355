"""Pure business rules and value objects: no Qt, no SQLAlchemy."""
