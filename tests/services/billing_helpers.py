"""Scenario helpers shared by the billing tests (charges, payments, cancellation, negativação)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import CancellationReason
from ispdesk.domain.ids import uuid7
from ispdesk.services.uow import UnitOfWork

REASONS = {
    "PEDIDO": ("Pedido do cliente", False, False, False),
    "DESCUMPRIMENTO": ("Descumprimento contratual pelo provedor", True, False, False),
    "MUDANCA_ENDERECO": ("Mudança para endereço sem cobertura", False, True, False),
    "INADIMPLENCIA": ("Rescisão por inadimplência", False, False, True),
    "TESTE_LIBERA": ("Motivo de teste que libera o último período", False, True, False),
}


def ensure_reason(session: Session, code: str) -> CancellationReason:
    """The cancellation reason `code` (seeded by the catalogues area; created here when missing)."""
    found = session.scalar(select(CancellationReason).where(CancellationReason.code == code))
    if found is not None:
        return found
    description, waives, frees, system = REASONS[code]
    reason = CancellationReason(id=uuid7(), code=code, description=description, active=True, waives_fine=waives,
                                frees_period=frees, counts_as_churn=True, system=system)
    session.add(reason)
    session.flush()
    return reason


def arrange(uow: Callable[..., UnitOfWork], build: Callable[[Session], Any]) -> Any:
    """Run `build(session)` in its own transaction (all reasons ensured) and return its result."""
    with uow() as u:
        for code in REASONS:
            ensure_reason(u.session, code)
        result = build(u.session)
        u.commit()
        return result
