"""Catalogues: inclusion and cancellation reasons, payment terms and billing types.

Each catalogue is a list of ``code`` + ``description`` + ``active`` (cancellation reasons add the
flags that drive the fine, the last period and churn; payment terms add the number of months).
Entries are never deleted (contracts point at them): they are deactivated.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import BillingType, CancellationReason, InclusionReason, PaymentTerm
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import UnitOfWork


class CatalogKind(StrEnum):
    """The four catalogues (the values are the CLI names)."""

    INCLUSION = "inclusion"
    CANCELLATION = "cancellation"
    PAYMENT_TERM = "payment_term"
    BILLING_TYPE = "billing_type"


MODELS: dict[CatalogKind, type[Any]] = {
    CatalogKind.INCLUSION: InclusionReason,
    CatalogKind.CANCELLATION: CancellationReason,
    CatalogKind.PAYMENT_TERM: PaymentTerm,
    CatalogKind.BILLING_TYPE: BillingType,
}

LABELS: dict[CatalogKind, str] = {
    CatalogKind.INCLUSION: "Motivos de inclusão",
    CatalogKind.CANCELLATION: "Motivos de cancelamento",
    CatalogKind.PAYMENT_TERM: "Condições de pagamento",
    CatalogKind.BILLING_TYPE: "Tipos de cobrança",
}

SINGULAR: dict[CatalogKind, str] = {
    CatalogKind.INCLUSION: "Motivo de inclusão",
    CatalogKind.CANCELLATION: "Motivo de cancelamento",
    CatalogKind.PAYMENT_TERM: "Condição de pagamento",
    CatalogKind.BILLING_TYPE: "Tipo de cobrança",
}

#: Field name in messages for each catalogue (as the contract form names it).
FIELDS: dict[CatalogKind, str] = {
    CatalogKind.INCLUSION: "motivo_inclusao",
    CatalogKind.CANCELLATION: "motivo_cancelamento",
    CatalogKind.PAYMENT_TERM: "condicao_pagamento",
    CatalogKind.BILLING_TYPE: "tipo_cobranca",
}

_CODE = re.compile(r"^[A-Z0-9_\-]{1,30}$")


@dataclass(frozen=True)
class CatalogEntry:
    """One catalogue entry as screens and commands show it.

    Attributes:
        waives_fine / frees_period / counts_as_churn / system: cancellation reasons only (else False).
        months: payment terms only (else 1).
    """

    kind: CatalogKind
    id: uuid.UUID
    code: str
    description: str
    active: bool
    waives_fine: bool = False
    frees_period: bool = False
    counts_as_churn: bool = False
    system: bool = False
    months: int = 1

    @property
    def label(self) -> str:
        """``CODE — Descrição``."""
        return f"{self.code} — {self.description}"


def _entry(kind: CatalogKind, m: Any) -> CatalogEntry:
    return CatalogEntry(
        kind=kind, id=m.id, code=m.code, description=m.description, active=bool(m.active),
        waives_fine=bool(getattr(m, "waives_fine", False)), frees_period=bool(getattr(m, "frees_period", False)),
        counts_as_churn=bool(getattr(m, "counts_as_churn", False)), system=bool(getattr(m, "system", False)),
        months=int(getattr(m, "months", 1) or 1),
    )


def normalize_code(code: str, field: str = "codigo") -> str:
    """Upper-case code of letters, digits, ``_`` and ``-``.

    Raises:
        ValidationError: empty or with other characters.
    """
    text = (code or "").strip().upper()
    if not _CODE.match(text):
        raise ValidationError({field: f"Código inválido: “{code}”. Use até 30 letras sem acento, dígitos, _ ou -."})
    return text


def list_entries(uow: UnitOfWork, kind: CatalogKind | str, include_inactive: bool = True) -> list[CatalogEntry]:
    """Every entry of a catalogue, by code."""
    with uow:
        return list_entries_in(uow, kind, include_inactive)


def list_entries_in(uow: UnitOfWork, kind: CatalogKind | str, include_inactive: bool = True) -> list[CatalogEntry]:
    """Same as `list_entries` inside an open unit of work."""
    k = CatalogKind(kind)
    model = MODELS[k]
    stmt = select(model).order_by(model.code)
    if not include_inactive:
        stmt = stmt.where(model.active.is_(True))
    return [_entry(k, m) for m in uow.session.scalars(stmt)]


def find_in(uow: UnitOfWork, kind: CatalogKind | str, code: str) -> Any | None:
    """The model instance with `code` (case-insensitive), or None."""
    model = MODELS[CatalogKind(kind)]
    return uow.session.scalar(select(model).where(model.code == (code or "").strip().upper()))


def resolve_in(uow: UnitOfWork, kind: CatalogKind | str, code: str | None, field: str | None = None) -> Any | None:
    """The active entry with `code`; None for an empty code.

    Raises:
        BusinessRuleError: unknown or inactive code, listing the valid ones.
    """
    if code is None or not str(code).strip():
        return None
    k = CatalogKind(kind)
    found = find_in(uow, k, str(code))
    if found is not None and found.active:
        return found
    valid = ", ".join(e.code for e in list_entries_in(uow, k, include_inactive=False)) or "nenhum cadastrado"
    state = "inativo" if found is not None else "desconhecido"
    raise BusinessRuleError(
        f"{SINGULAR[k]}: código {state} “{code}”. Use um destes: {valid}.",
        field=field or FIELDS[k],
    )


def add_entry(
    uow: UnitOfWork,
    kind: CatalogKind | str,
    code: str,
    description: str,
    *,
    waives_fine: bool = False,
    frees_period: bool = False,
    counts_as_churn: bool = True,
    months: int = 1,
) -> CatalogEntry:
    """Add an entry (CATALOGS_MANAGE), audited.

    Raises:
        ValidationError: bad code, empty description, or the code exists.
    """
    uow.require(Permission.CATALOGS_MANAGE)
    with uow:
        entry = add_entry_in(uow, kind, code, description, waives_fine=waives_fine, frees_period=frees_period,
                             counts_as_churn=counts_as_churn, months=months)
        uow.commit()
        return entry


def add_entry_in(
    uow: UnitOfWork,
    kind: CatalogKind | str,
    code: str,
    description: str,
    *,
    waives_fine: bool = False,
    frees_period: bool = False,
    counts_as_churn: bool = True,
    months: int = 1,
    system: bool = False,
) -> CatalogEntry:
    """Same as `add_entry` inside an open unit of work (no commit)."""
    k = CatalogKind(kind)
    model = MODELS[k]
    clean = normalize_code(code)
    desc = (description or "").strip()
    errors: dict[str, str] = {}
    if not desc:
        errors["descricao"] = "Informe a descrição."
    elif len(desc) > 120:
        errors["descricao"] = "A descrição pode ter no máximo 120 caracteres."
    if find_in(uow, k, clean) is not None:
        errors["codigo"] = f"O código {clean} já existe em {LABELS[k].lower()}. Escolha outro ou edite o existente."
    if k is CatalogKind.PAYMENT_TERM and not 1 <= months <= 12:
        errors["meses"] = "A condição de pagamento deve cobrir de 1 a 12 meses."
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {"code": clean, "description": desc, "active": True}
    if k is CatalogKind.CANCELLATION:
        values.update(waives_fine=waives_fine, frees_period=frees_period, counts_as_churn=counts_as_churn,
                      system=system)
    if k is CatalogKind.PAYMENT_TERM:
        values["months"] = months
    row = model(**values)
    uow.session.add(row)
    uow.session.flush()
    uow.audit(f"catalog.{k.value}", row.id, "create", {n: [None, v] for n, v in values.items()},
              summary=f"{LABELS[k]}: {clean} incluído")
    return _entry(k, row)


_EDITABLE = {
    "description": "descricao",
    "active": "ativo",
    "waives_fine": "isenta_multa",
    "frees_period": "libera_periodo",
    "counts_as_churn": "churn",
    "months": "meses",
}


def update_entry(
    uow: UnitOfWork, kind: CatalogKind | str, entry_id: uuid.UUID, changes: Mapping[str, Any]
) -> CatalogEntry:
    """Change the description, the active flag or the flags of an entry (the code stays), audited.

    Raises:
        NotFound: no such entry.
        ValidationError: empty description, unknown field, or a system reason deactivated.
    """
    uow.require(Permission.CATALOGS_MANAGE)
    k = CatalogKind(kind)
    with uow:
        row = uow.session.get(MODELS[k], entry_id)
        if row is None:
            raise NotFound("Item de catálogo não encontrado; ele pode ter sido removido. Atualize a lista.")
        diff: dict[str, list[Any]] = {}
        for name, value in changes.items():
            if name not in _EDITABLE or not hasattr(row, name):
                raise ValidationError({name: f"O campo {name} não pode ser alterado neste catálogo."})
            if name == "description":
                value = (value or "").strip()
                if not value:
                    raise ValidationError({"descricao": "Informe a descrição."})
            if name == "active" and not value and getattr(row, "system", False):
                raise ValidationError({"ativo": f"O motivo {row.code} é usado pelo sistema (rescisão automática) "
                                                "e não pode ser desativado."})
            if name == "months" and not 1 <= int(value) <= 12:
                raise ValidationError({"meses": "A condição de pagamento deve cobrir de 1 a 12 meses."})
            before = getattr(row, name)
            if before != value:
                diff[name] = [before, value]
                setattr(row, name, value)
        if diff:
            uow.session.flush()
            uow.audit(f"catalog.{k.value}", row.id, "update", diff, summary=f"{LABELS[k]}: {row.code} alterado")
        uow.commit()
        return _entry(k, row)
