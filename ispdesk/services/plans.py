"""Plans (planos de venda): the offers, each under a unique code (Anatel RGC 765 art. 21).

A plan has an offer code (letters, digits and hyphens, upper-case; printed on contracts and
charges, so it never changes once created), a name, a list price, download/upload speeds, the
default loyalty months and benefit for new contracts, the adjustment rule text, and an active flag
(inactive plans are kept for the contracts on them but cannot be sold). Changing the list price
never touches the contracts (each has its own value).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ispdesk.db.models import Contract, Plan
from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound, ValidationError
from ispdesk.domain.loyalty import MAX_LOYALTY_MONTHS, check_loyalty_benefit
from ispdesk.domain.money import check_cents, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import check_text
from ispdesk.domain.vocabulary import field_label
from ispdesk.services import lookups
from ispdesk.services.uow import UnitOfWork

_CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
MAX_SPEED_MBPS = 100_000


@dataclass(frozen=True)
class PlanRow:
    """A plan as screens and commands show it."""

    id: uuid.UUID
    code: str
    name: str
    price: Decimal
    download_mbps: int
    upload_mbps: int
    loyalty_months: int
    loyalty_benefit: Decimal
    adjustment_rule: str
    active: bool
    version: int

    @property
    def label(self) -> str:
        """``FIBRA-300 — Fibra 300 Mega (R$ 99,90)``."""
        return f"{self.code} — {self.name} ({format_brl(self.price)})"


@dataclass(frozen=True)
class PlanDraft:
    """The fields of a plan, as typed (validated by `validate_plan`)."""

    code: str
    name: str
    price: Decimal
    download_mbps: int
    upload_mbps: int
    loyalty_months: int = 0
    loyalty_benefit: Decimal = Decimal("0")
    adjustment_rule: str = ""
    active: bool = True


def _row(p: Plan) -> PlanRow:
    return PlanRow(p.id, p.code, p.name, p.price, p.download_mbps, p.upload_mbps, p.loyalty_months,
                   p.loyalty_benefit, p.adjustment_rule or "", bool(p.active), p.version)


def normalize_plan_code(code: str) -> str:
    """Upper-case offer code of letters, digits and hyphens (``fibra-300`` → ``FIBRA-300``).

    Raises:
        ValidationError: empty, too long, or other characters.
    """
    text = (code or "").strip().upper()
    if not text or len(text) > 30 or not _CODE.match(text):
        raise ValidationError({"codigo": f"Código de plano inválido: “{code}”. Use até 30 letras sem acento, "
                                         "dígitos e hífens (ex.: FIBRA-300)."})
    return text


def validate_plan(draft: PlanDraft) -> PlanDraft:
    """Check every field; return the draft cleaned (code upper-case, money in centavos, text trimmed).

    Raises:
        ValidationError: every invalid field with its message.
    """
    errors: dict[str, str] = {}
    code = draft.code
    try:
        code = normalize_plan_code(draft.code)
    except ValidationError as exc:
        errors.update(exc.errors)
    name = (draft.name or "").strip()
    if not name:
        errors["nome"] = "Informe o nome do plano."
    elif len(name) > 120:
        errors["nome"] = "O nome do plano pode ter no máximo 120 caracteres."
    if draft.price is None or draft.price <= 0:
        errors["valor"] = "Informe o preço de tabela do plano, maior que zero (ex.: 99,90)."
    for key, value in (("download_mbps", draft.download_mbps), ("upload_mbps", draft.upload_mbps)):
        if not isinstance(value, int) or not 1 <= value <= MAX_SPEED_MBPS:
            errors[key] = f"Velocidade inválida: {value}. Informe um número inteiro de Mbps entre 1 e {MAX_SPEED_MBPS}."
    if not isinstance(draft.loyalty_months, int) or not 0 <= draft.loyalty_months <= MAX_LOYALTY_MONTHS:
        errors["fidelidade_meses"] = f"Fidelidade inválida: {draft.loyalty_months}. Use de 0 a {MAX_LOYALTY_MONTHS} " \
                                     "meses (pessoa física: no máximo 12, regra da Anatel aplicada no contrato)."
    if draft.loyalty_benefit is None or draft.loyalty_benefit < 0:
        errors["beneficio_fidelidade"] = "O benefício da fidelidade não pode ser negativo."
    else:
        try:  # the same rules as the contract: one pair rule, at most two decimals
            check_loyalty_benefit(draft.loyalty_months, draft.loyalty_benefit)
            check_cents(draft.loyalty_benefit, "beneficio_fidelidade", "O benefício da fidelidade")
        except BusinessRuleError as exc:
            errors["beneficio_fidelidade"] = exc.message
    if draft.price is not None and "valor" not in errors:
        try:
            check_cents(draft.price, "valor", "O preço do plano")
        except BusinessRuleError as exc:
            errors["valor"] = exc.message
    for key, label, text in (("codigo", "O código do plano", draft.code), ("nome", "O nome do plano", draft.name),
                             ("regra_reajuste", "A regra de reajuste", draft.adjustment_rule)):
        try:
            check_text(text or "", label, key)
        except BusinessRuleError as exc:
            errors[key] = exc.message
    rule = (draft.adjustment_rule or "").strip()
    if len(rule) > 200:
        errors["regra_reajuste"] = "A regra de reajuste pode ter no máximo 200 caracteres."
    if errors:
        raise ValidationError(errors)
    return PlanDraft(code, name, to_cents(draft.price), draft.download_mbps, draft.upload_mbps,
                     draft.loyalty_months, to_cents(draft.loyalty_benefit), rule, bool(draft.active))


def list_plans(uow: UnitOfWork, include_inactive: bool = True) -> list[PlanRow]:
    """Every plan by code (anyone who sees contracts may list them)."""
    with uow:
        return list_plans_in(uow, include_inactive)


def list_plans_in(uow: UnitOfWork, include_inactive: bool = True) -> list[PlanRow]:
    """`list_plans` inside an open unit of work."""
    stmt = select(Plan).order_by(Plan.code)
    if not include_inactive:
        stmt = stmt.where(Plan.active.is_(True))
    return [_row(p) for p in uow.session.scalars(stmt)]


def find_plan_in(uow: UnitOfWork, code: str) -> Plan | None:
    """The `Plan` with `code` (case-insensitive), or None."""
    return lookups.find_plan(uow, code)


def contracts_on_plan(uow: UnitOfWork, plan_id: uuid.UUID) -> int:
    """How many contracts (any status) are on the plan."""
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(Contract).where(Contract.plan_id == plan_id))
                   or 0)


def create_plan(uow: UnitOfWork, draft: PlanDraft) -> PlanRow:
    """Create a plan (PLANS_MANAGE), audited.

    Raises:
        ValidationError: invalid fields or the code already exists.
    """
    uow.require(Permission.PLANS_MANAGE)
    with uow:
        plan = create_plan_in(uow, draft)
        uow.commit()
        return _row(plan)


def _values(d: PlanDraft) -> dict[str, Any]:
    return {"code": d.code, "name": d.name, "price": d.price, "download_mbps": d.download_mbps,
            "upload_mbps": d.upload_mbps, "loyalty_months": d.loyalty_months, "loyalty_benefit": d.loyalty_benefit,
            "adjustment_rule": d.adjustment_rule, "active": d.active}


def create_plan_in(uow: UnitOfWork, draft: PlanDraft) -> Plan:
    """`create_plan` inside an open unit of work (no commit, no permission check)."""
    clean = validate_plan(draft)
    if find_plan_in(uow, clean.code) is not None:
        raise ValidationError({"codigo": f"Já existe um plano com o código {clean.code}. O código da oferta é "
                                         "único (Anatel): escolha outro ou edite o plano existente."})
    plan = Plan(**_values(clean), created_at=uow.now, created_by=uow.actor.login)
    uow.session.add(plan)
    uow.session.flush()
    uow.audit("plan", plan.id, "create", {k: [None, v] for k, v in _values(clean).items()},
              summary=f"Plano {clean.code} criado ({format_brl(clean.price)})")
    return plan


#: Fields `update_plan` accepts; the code never changes (it is printed on contracts and charges).
EDITABLE = ("name", "price", "download_mbps", "upload_mbps", "loyalty_months", "loyalty_benefit",
            "adjustment_rule", "active")


def update_plan(uow: UnitOfWork, plan_id: uuid.UUID, changes: Mapping[str, Any], expected_version: int) -> PlanRow:
    """Edit a plan (PLANS_MANAGE), audited, with optimistic locking; contracts keep their values.

    Raises:
        ConflictError: someone saved the plan meanwhile.
        ValidationError: invalid fields, or an attempt to change the code.
    """
    uow.require(Permission.PLANS_MANAGE)
    with uow:
        plan = uow.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("Plano não encontrado; ele pode ter sido removido. Atualize a lista.")
        update_plan_in(uow, plan, changes, expected_version)
        uow.commit()
        return _row(plan)


def update_plan_in(uow: UnitOfWork, plan: Plan, changes: Mapping[str, Any], expected_version: int) -> Plan:
    """`update_plan` inside an open unit of work (no commit, no permission check)."""
    if plan.version != expected_version:
        raise ConflictError(f"O plano {plan.code} foi alterado por outra pessoa enquanto você editava. "
                            "Reabra o plano e refaça a alteração.")
    if "code" in changes and normalize_plan_code(str(changes["code"])) != plan.code:
        raise ValidationError({"codigo": f"O código da oferta {plan.code} não muda: ele está impresso nos contratos "
                                         "e cobranças. Crie um plano novo e desative este."})
    unknown = [k for k in changes if k not in EDITABLE and k != "code"]
    if unknown:
        raise ValidationError({unknown[0]: f"O campo {unknown[0]} não existe no plano."})
    current = _row(plan)
    merged = {**{k: getattr(current, k) for k in EDITABLE}, **{k: v for k, v in changes.items() if k != "code"}}
    clean = validate_plan(PlanDraft(code=plan.code, **merged))
    new_values = _values(clean)
    diff = {k: [getattr(plan, k), new_values[k]] for k in EDITABLE if getattr(plan, k) != new_values[k]}
    for name, (_, after) in diff.items():
        setattr(plan, name, after)
    if diff:
        plan.updated_at, plan.updated_by = uow.now, uow.actor.login
        uow.session.flush()
        uow.audit("plan", plan.id, "update", diff,
                  summary=f"Plano {plan.code} alterado: {', '.join(map(field_label, diff))}")
    return plan
