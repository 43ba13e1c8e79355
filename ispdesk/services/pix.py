"""PIX for a charge: the static BR Code of its valor atualizado, identified by a txid.

The receiver comes from the parameters ``pix_chave``, ``pix_nome_recebedor`` (default: the trade
name) and ``pix_cidade`` (default: the company's city). The code rule lives in `ispdesk.domain.pix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Contract
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.late_fees import Updated
from ispdesk.domain.permissions import Permission
from ispdesk.domain.pix import NAME_MAX, BrCode, KeyKind, normalize_key, plain, txid_for
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.services import lookups
from ispdesk.services import parameters as params_service
from ispdesk.services.charges import row_of
from ispdesk.services.late_fees import rates_on, updated_of
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class ChargePix:
    """What the customer pays with PIX for one charge on `on`."""

    number: int
    contract_number: int
    on: date
    updated: Updated
    txid: str
    key_kind: KeyKind
    receiver: str
    payload: str

    @property
    def amount(self) -> Decimal:
        """The amount in the code (the valor atualizado)."""
        return self.updated.total


def receiver_in(values: dict[str, Any]) -> tuple[KeyKind, str, str, str]:
    """(key kind, key, name, city) of the receiver.

    Raises:
        BusinessRuleError: no key configured, or an invalid one.
    """
    raw = str(values.get("pix_chave") or "").strip()
    if not raw:
        raise BusinessRuleError("Chave PIX não configurada: informe-a em Parâmetros › Financeiro › Chave PIX "
                                "(ou `ispdesk params set pix_chave CHAVE`).", field="pix_chave")
    kind, key = normalize_key(raw)
    name = str(values.get("pix_nome_recebedor") or values.get("empresa_nome_fantasia")
               or values.get("empresa_razao_social") or "")
    city = str(values.get("pix_cidade") or values.get("empresa_cidade") or "")
    return kind, key, name, city


def charge_pix(uow: UnitOfWork, number: int | str, on: date | None = None) -> ChargePix:
    """The BR Code of the open charge `number` for its valor atualizado on `on` (default today).

    Raises:
        PermissionDenied: the actor may not view contracts.
        NotFound: no charge with that number.
        BusinessRuleError: the charge is not open, or PIX is not configured.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        charge = lookups.charge_by_number(uow, number)
        contract_number = int(uow.session.scalar(select(Contract.number).where(Contract.id == charge.contract_id)) or 0)
        if charge.status != ChargeStatus.ABERTA:
            raise BusinessRuleError(f"A cobrança {charge.number} está “{ChargeStatus.label_of(charge.status)}”: só "
                                    "cobranças em aberto têm código PIX.")
        values = params_service.load(uow.session)
        kind, key, name, city = receiver_in(values)
        day = on or uow.today
        updated = updated_of(row_of(charge, contract_number), day, rates_on(uow.session))
        txid = txid_for(int(charge.number))
        code = BrCode(key, name, city, updated.total, txid)
        return ChargePix(int(charge.number), contract_number, day, updated, txid, kind, plain(name, NAME_MAX),
                         code.payload())
