"""Reading the audit log (the writing is `UnitOfWork.audit`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import AuditEntry
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the history view shows it."""

    at: datetime
    actor: str
    action: str
    summary: str
    changes: dict[str, Any]

    def describe_changes(self) -> str:
        """``campo: antes → depois`` lines."""
        lines = []
        for name, value in self.changes.items():
            if isinstance(value, list) and len(value) == 2:
                before, after = ("" if v is None else v for v in value)
                lines.append(f"{name}: {before} → {after}")
            else:
                lines.append(f"{name}: {value}")
        return "\n".join(lines)


def history(uow: UnitOfWork, entity: str, entity_id: Any, limit: int = 500) -> list[AuditRow]:
    """The audit entries of one record, newest first."""
    uow.require(Permission.AUDIT_VIEW)
    with uow:
        return history_in(uow, entity, entity_id, limit)


def history_in(uow: UnitOfWork, entity: str, entity_id: Any, limit: int = 500) -> list[AuditRow]:
    """Same as `history` inside an open unit of work (no permission check)."""
    rows = uow.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [AuditRow(r.at, r.actor, r.action, r.summary, json.loads(r.changes or "{}")) for r in rows]
