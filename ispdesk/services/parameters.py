"""General parameters: read (typed, defaults filled in) and change (administrators, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Parameter
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import UnitOfWork


def load(session: Session) -> dict[str, Any]:
    """Every parameter with its typed value (stored value, else default)."""
    values = registry.defaults()
    for name, text in session.execute(select(Parameter.name, Parameter.value)):
        if name in registry.BY_NAME:
            values[name] = registry.from_storage(name, text)
    return values


def get_all(uow: UnitOfWork) -> dict[str, Any]:
    """Every parameter with its typed value."""
    with uow:
        return load(uow.session)


def update(uow: UnitOfWork, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some parameters at once; validated together (floors, ladder order), audited.

    Args:
        changes: name → typed value (use `registry.parse_value` for text input).

    Returns:
        The full set of values after the change.

    Raises:
        PermissionDenied: the actor may not edit parameters.
        ValidationError: a value is below a legal floor or otherwise invalid.
    """
    uow.require(Permission.PARAMS_EDIT)
    for name in changes:
        registry.spec(name)
    with uow:
        current = load(uow.session)
        proposed = {**current, **changes}
        errors = registry.validate_values(proposed)
        relevant = {n: m for n, m in errors.items() if n in changes or n not in registry.validate_values(current)}
        if relevant:
            raise ValidationError(relevant)
        diff = {n: [current[n], v] for n, v in changes.items() if current[n] != v}
        for name, (_, new) in diff.items():
            row = uow.session.get(Parameter, name)
            text = registry.to_storage(name, new)
            if row is None:
                uow.session.add(Parameter(name=name, value=text, updated_at=uow.now, updated_by=uow.actor.login))
            else:
                row.value, row.updated_at, row.updated_by = text, uow.now, uow.actor.login
        if diff:
            uow.audit("parameters", None, "update", diff, summary="Parâmetros gerais alterados: " + ", ".join(diff))
        uow.commit()
        return proposed
