"""Negativação (credit-bureau listing): only after rescission, with open debt (Anatel RGC 765)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import Contract, Negativation
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services.charges import open_debt_in
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class NegativationRow:
    """A credit-bureau listing as the screens show it."""

    id: uuid.UUID
    contract_id: uuid.UUID
    protocol: str
    reason: str
    amount: Decimal
    listed_on: date
    created_by: str


@dataclass(frozen=True)
class NegativationCheck:
    """Whether a contract may be negativado now, and the debt that would be listed."""

    contract_number: int
    debt: Decimal
    refusal: str | None


def _row(n: Negativation) -> NegativationRow:
    return NegativationRow(n.id, n.contract_id, n.protocol, n.reason, n.amount, n.listed_on, n.created_by)


def negativate(uow: UnitOfWork, contract_id: uuid.UUID, protocol: str, reason: str) -> NegativationRow:
    """List a rescinded contract's open debt with a credit bureau (status → ``negativado``).

    Raises:
        PermissionDenied: the actor may not negativar.
        ValidationError: protocol or reason missing.
        BusinessRuleError: the contract was not rescinded/cancelled, or has no open debt.
    """
    uow.require(Permission.CONTRACTS_NEGATIVATE)
    with uow:
        row = negativate_in(uow, contract_id, protocol, reason)
        uow.commit()
        return row


def check_negativation_in(uow: UnitOfWork, contract: Contract) -> Decimal:
    """The open debt that would be listed; raises when the contract may not be listed."""
    if contract.status == ContractStatus.NEGATIVADO:
        raise BusinessRuleError(
            f"O contrato {contract.number} já foi negativado em {format_date(contract.negativated_on)}.")
    if contract.status != ContractStatus.CANCELADO:
        raise BusinessRuleError(
            f"O contrato {contract.number} está {ContractStatus.label_of(contract.status).lower()}: "
            "a negativação só é permitida após a rescisão "
            "(Anatel, RGC 765). Cancele ou rescinda o contrato antes.")
    debt = open_debt_in(uow, contract.id)
    if debt <= 0:
        raise BusinessRuleError(f"O contrato {contract.number} não tem débito em aberto; não há o que negativar.")
    return debt


def negativate_in(uow: UnitOfWork, contract_id: uuid.UUID, protocol: str, reason: str) -> NegativationRow:
    """Negativar inside an open unit of work (no commit)."""
    errors: dict[str, str] = {}
    protocol, reason = (protocol or "").strip(), (reason or "").strip()
    if not protocol:
        errors["protocolo"] = "Informe o protocolo devolvido pelo órgão de proteção ao crédito."
    elif len(protocol) > 60:
        errors["protocolo"] = "O protocolo tem mais de 60 caracteres; confira o número."
    if not reason:
        errors["motivo"] = "Informe o motivo da negativação (por exemplo, “débito após rescisão”)."
    elif len(reason) > 200:
        errors["motivo"] = f"O motivo tem {len(reason)} caracteres; resuma-o em até 200."
    if errors:
        raise ValidationError(errors)
    contract = uow.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
    debt = check_negativation_in(uow, contract)
    listing = Negativation(id=uuid7(), contract_id=contract.id, protocol=protocol, reason=reason,
                           amount=debt, listed_on=uow.today, created_at=uow.now, created_by=uow.actor.login)
    uow.session.add(listing)
    contract.status, contract.negativated_on = ContractStatus.NEGATIVADO, uow.today
    contract.updated_at, contract.updated_by = uow.now, uow.actor.login
    uow.session.flush()
    uow.audit("contract", contract.id, "negativate",
              {"status": [ContractStatus.CANCELADO, ContractStatus.NEGATIVADO],
               "protocolo": protocol, "motivo": reason, "valor": debt},
              summary=f"Contrato {contract.number} negativado: {format_brl(debt)}, protocolo {protocol}")
    return _row(listing)


def check_negativation(uow: UnitOfWork, contract_id: uuid.UUID) -> NegativationCheck:
    """Read-only check shown before negativar (CONTRACTS_VIEW)."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        contract = uow.session.get(Contract, contract_id)
        if contract is None:
            raise NotFound("Contrato não encontrado; atualize a lista e tente de novo.")
        try:
            debt = check_negativation_in(uow, contract)
        except BusinessRuleError as exc:
            return NegativationCheck(contract.number, open_debt_in(uow, contract.id), exc.message)
        return NegativationCheck(contract.number, debt, None)


def list_negativations(uow: UnitOfWork, contract_id: uuid.UUID) -> list[NegativationRow]:
    """The listings of a contract, newest first."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        rows = uow.session.scalars(select(Negativation).where(Negativation.contract_id == contract_id)
                                   .order_by(Negativation.created_at.desc()))
        return [_row(n) for n in rows]
