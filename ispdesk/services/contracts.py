"""Contracts: create, activate, edit and renew; the `ContractRow` every screen and command shows.

Rules (issue 3): a contract needs an active customer and an active plan; its value starts at the
plan's price; the number is sequential; created with an activation date it is ``ativo``, without
one a ``pre_contrato`` until activated; the activation date is set once and never edited (not even
by renewal); the billing base date defaults to the activation; the due day is 1–28 (default
parameter ``dia_vencimento_padrao``); the inclusion reason is mandatory when
``motivo_inclusao_obrigatorio``; loyalty months and benefit come from the plan (or the parameters
``fidelidade_meses_padrao`` / ``beneficio_fidelidade_padrao`` when the plan has none) unless typed;
loyalty above 12 months is refused for pessoa física (Anatel); the loyalty expires ``months``
calendar months after the activation or the last renewal. Renewal is an explicit, audited act.
``paid_until`` is computed by billing and never typed here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ispdesk.db.models import (
    BillingType,
    Branch,
    CancellationReason,
    Charge,
    Contract,
    Customer,
    InclusionReason,
    PaymentTerm,
    Plan,
)
from ispdesk.domain.access import AccessStatus
from ispdesk.domain.billing import check_due_day
from ispdesk.domain.date_windows import check_activation, check_base_date, check_renewal
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound, ValidationError
from ispdesk.domain.loyalty import check_loyalty_benefit, check_loyalty_months, expiration_for
from ispdesk.domain.money import check_cents, format_brl, to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeKind, ChargeStatus, ContractStatus, CustomerStatus
from ispdesk.domain.text import check_text
from ispdesk.domain.vocabulary import field_label
from ispdesk.services import lookups, parameters
from ispdesk.services import values as values_service
from ispdesk.services.catalogs import CatalogKind, resolve_in
from ispdesk.services.uow import UnitOfWork, conflict_on_stale

#: Contract statuses (stored values, in display order).
STATUSES: tuple[str, ...] = ContractStatus.values()


@dataclass(frozen=True)
class ContractRow:
    """A contract as screens, exports and other areas read it (plain data, no session).

    Attributes:
        id / number: surrogate key and the sequential number people see.
        customer_*: the customer's id, code, name, document (unmasked), person type and city.
        plan_*: the plan's id, offer code and name.
        value: the monthly value in force.
        status: ``pre_contrato``, ``ativo``, ``cancelado`` or ``negativado``.
        access_status: ``normal`` or what the access-control area set.
        created_at … cancelled_on: every date of the contract.
        payment_term_code / billing_type_code / inclusion_reason_code / cancellation_reason_code: catalogue codes.
        version: optimistic-locking version to hand back to `update_contract`.
    """

    id: uuid.UUID
    number: int
    customer_id: uuid.UUID
    customer_code: int
    customer_name: str
    customer_document: str | None
    customer_person_type: str
    customer_city: str | None
    plan_id: uuid.UUID
    plan_code: str
    plan_name: str
    value: Decimal
    status: str
    access_status: str
    created_at: datetime
    activated_on: date | None
    billing_base_date: date | None
    paid_until: date | None
    renewed_on: date | None
    loyalty_expires_on: date | None
    cancelled_on: date | None
    loyalty_months: int
    loyalty_benefit: Decimal
    due_day: int
    payment_term_code: str | None
    billing_type_code: str | None
    inclusion_reason_code: str | None
    cancellation_reason_code: str | None
    cancellation_note: str | None
    notes: str | None
    branch_id: uuid.UUID | None = None
    branch_code: str | None = None
    access_until: date | None = None
    negativated_on: date | None = None
    no_block_until: date | None = None
    block_exempt: bool = False
    trust_restriction_lifted: bool = False
    no_adjustment: bool = False
    last_adjusted_on: date | None = None
    sent_for_signature_at: datetime | None = None
    signed_at: datetime | None = None
    version: int = 1

    @property
    def status_label(self) -> str:
        """Portuguese label of the status."""
        return ContractStatus.label_of(self.status)

    @property
    def access_status_label(self) -> str:
        """Portuguese label of the access status."""
        return AccessStatus.label_of(self.access_status)

    @property
    def loyalty_start(self) -> date | None:
        """Start of the current loyalty (last renewal, else activation)."""
        return self.renewed_on or self.activated_on

    def in_loyalty(self, on_date: date) -> bool:
        """True while the loyalty has not ended on `on_date`."""
        return self.loyalty_expires_on is not None and self.loyalty_expires_on > on_date


@dataclass(frozen=True)
class ContractDraft:
    """What a new contract is made of; None = take the default.

    Attributes:
        customer_id: the customer (must be active).
        plan_id / plan_code: the plan (one of them; must be active).
        value: monthly value (default: the plan's price).
        activated_on: when given, the contract is born ``ativo``.
        billing_base_date: default: the activation date.
        due_day: 1–28 (default: parameter ``dia_vencimento_padrao``).
        payment_term / billing_type / inclusion_reason: catalogue codes.
        loyalty_months / loyalty_benefit: default: the plan's, else the parameters'.
        notes: free text.
        branch_code: the branch (filial); default: the only/first active branch, if any.
    """

    customer_id: uuid.UUID
    plan_id: uuid.UUID | None = None
    plan_code: str | None = None
    value: Decimal | None = None
    activated_on: date | None = None
    billing_base_date: date | None = None
    due_day: int | None = None
    payment_term: str | None = None
    billing_type: str | None = None
    inclusion_reason: str | None = None
    loyalty_months: int | None = None
    loyalty_benefit: Decimal | None = None
    notes: str | None = None
    branch_code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# --- reading -----------------------------------------------------------------------------------

_PT = aliased(PaymentTerm)
_BT = aliased(BillingType)
_IR = aliased(InclusionReason)
_CR = aliased(CancellationReason)
_BR = aliased(Branch)


_ROW_SELECT: Select[Any] | None = None


def row_select() -> Select[Any]:
    """The SELECT that yields `ContractRow` columns (contracts ⨝ customers ⨝ plans ⟕ catalogues).

    The contract list adds its WHERE/ORDER BY/LIMIT to this statement (statements are immutable, so
    the base is built once).
    """
    global _ROW_SELECT
    if _ROW_SELECT is None:
        _ROW_SELECT = _build_row_select()
    return _ROW_SELECT


def _build_row_select() -> Select[Any]:
    C = Contract  # noqa: N806 - short alias keeps the column list readable
    return (
        select(
            C.id, C.number, C.customer_id, Customer.code, Customer.name, Customer.document, Customer.person_type,
            Customer.city, C.plan_id, Plan.code, Plan.name, C.value, C.status, C.access_status, C.created_at,
            C.activated_on, C.billing_base_date, C.paid_until, C.renewed_on, C.loyalty_expires_on, C.cancelled_on,
            C.loyalty_months, C.loyalty_benefit, C.due_day, _PT.code, _BT.code, _IR.code, _CR.code,
            C.cancellation_note, C.notes, C.branch_id, _BR.code, C.access_until, C.negativated_on,
            C.no_block_until, C.block_exempt, C.trust_restriction_lifted, C.no_adjustment, C.last_adjusted_on,
            C.sent_for_signature_at, C.signed_at, C.version,
        )
        .select_from(C)
        .join(Customer, Customer.id == C.customer_id)
        .join(Plan, Plan.id == C.plan_id)
        .outerjoin(_PT, _PT.id == C.payment_term_id)
        .outerjoin(_BT, _BT.id == C.billing_type_id)
        .outerjoin(_IR, _IR.id == C.inclusion_reason_id)
        .outerjoin(_CR, _CR.id == C.cancellation_reason_id)
        .outerjoin(_BR, _BR.id == C.branch_id)
    )


_ROW_FIELDS = [f.name for f in fields(ContractRow)]


def to_row(values: Any) -> ContractRow:
    """A result tuple of `row_select()` → `ContractRow`."""
    return ContractRow(**dict(zip(_ROW_FIELDS, tuple(values), strict=True)))


def get_contract(uow: UnitOfWork, contract_id: uuid.UUID) -> ContractRow:
    """One contract by id (CONTRACTS_VIEW).

    Raises:
        NotFound: no such contract.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return get_contract_in(uow, contract_id)


def get_contract_in(uow: UnitOfWork, contract_id: uuid.UUID) -> ContractRow:
    """Same as `get_contract` inside an open unit of work (no permission check)."""
    values = uow.session.execute(row_select().where(Contract.id == contract_id)).first()
    if values is None:
        raise NotFound("Contrato não encontrado; ele pode ter sido removido. Atualize a lista.")
    return values_service.rows_in_force(uow, [to_row(values)], uow.today)[0]


def get_contract_by_number(uow: UnitOfWork, number: int | str) -> ContractRow:
    """One contract by its number (CONTRACTS_VIEW).

    Raises:
        NotFound: no contract with that number.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return get_contract_by_number_in(uow, number)


def get_contract_by_number_in(uow: UnitOfWork, number: int | str) -> ContractRow:
    """Same as `get_contract_by_number` inside an open unit of work."""
    model = load_by_number_in(uow, number)
    return get_contract_in(uow, model.id)


def load_by_number_in(uow: UnitOfWork, number: int | str) -> Contract:
    """The `Contract` model with `number`.

    Raises:
        NotFound: no contract with that number (or not a number).
    """
    return lookups.contract_by_number(uow, number)


def load_in(uow: UnitOfWork, contract_id: uuid.UUID) -> Contract:
    """The `Contract` model with `contract_id`.

    Raises:
        NotFound: no such contract.
    """
    model = uow.session.get(Contract, contract_id)
    if model is None:
        raise NotFound("Contrato não encontrado; ele pode ter sido removido. Atualize a lista.")
    return model


# --- creating ----------------------------------------------------------------------------------


def _plan_in(uow: UnitOfWork, plan_id: uuid.UUID | None, plan_code: str | None) -> Plan:
    plan: Plan | None = None
    if plan_id is not None:
        plan = uow.session.get(Plan, plan_id)
    elif plan_code:
        plan = lookups.plan_by_code(uow, plan_code)
    else:
        raise ValidationError({"plano": "Escolha o plano do contrato."})
    if plan is None:
        raise lookups.plan_not_found(plan_id)
    return plan


def _require_active_plan(plan: Plan) -> None:
    if not plan.active:
        raise BusinessRuleError(
            f"O plano {plan.code} está inativo e não pode ser vendido. Escolha um plano ativo ou reative-o em "
            "Cadastros › Planos.",
            field="plano",
        )


def _customer_in(uow: UnitOfWork, customer_id: uuid.UUID) -> Customer:
    customer = uow.session.get(Customer, customer_id)
    if customer is None:
        raise BusinessRuleError("Cliente não encontrado. Escolha o cliente na aba Clientes.", field="cliente")
    if customer.status != CustomerStatus.ATIVO:
        raise BusinessRuleError(
            f"O cliente {customer.code} — {customer.name} está {customer.status}: só cliente ativo pode ter "
            "contrato novo. Reative o cadastro do cliente primeiro.",
            field="cliente",
        )
    return customer


def _branch_in(uow: UnitOfWork, code: str | None) -> Branch | None:
    if code:
        return lookups.active_branch_by_code(uow, code)
    return uow.session.scalar(select(Branch).where(Branch.active.is_(True)).order_by(Branch.code).limit(1))


def _check_money(value: Decimal, name: str, label: str) -> Decimal:
    try:
        cents = check_cents(value, name, label)
    except BusinessRuleError as exc:
        raise ValidationError({name: exc.message}) from None
    if cents < 0:
        raise ValidationError({name: f"{label} não pode ser negativo ({format_brl(cents)})."})
    return cents


def _check_loyalty_pair(months: int, benefit: Decimal, field: str = "beneficio_fidelidade") -> None:
    try:
        check_loyalty_benefit(months, benefit, field)
    except BusinessRuleError as exc:
        raise ValidationError({field: exc.message}) from None


def _check_notes(notes: str | None) -> str | None:
    try:
        check_text(notes or "", "A observação", "observacao", multiline=True)
    except BusinessRuleError as exc:
        raise ValidationError({"observacao": exc.message}) from None
    return (notes or "").strip() or None


_CODE_LABELS = {"plan_code": ("plano", "O código do plano"),
                "payment_term": ("condicao_pagamento", "A condição de pagamento"),
                "billing_type": ("tipo_cobranca", "O tipo de cobrança"),
                "inclusion_reason": ("motivo_inclusao", "O motivo de inclusão"), "branch_code": ("filial", "A filial")}


def _check_codes(draft: ContractDraft) -> None:
    """Codes typed or imported hold no doubtful character (checked before they are looked up)."""
    errors: dict[str, str] = {}
    for attr, (key, label) in _CODE_LABELS.items():
        try:
            check_text(getattr(draft, attr) or "", label, key)
        except BusinessRuleError as exc:
            errors[key] = exc.message
    if errors:
        raise ValidationError(errors)


def _check_activation(uow: UnitOfWork, activated_on: date, billing_base_date: date | None) -> None:
    check_activation(activated_on, uow.today, parameters.founding_date(uow.session))
    if billing_base_date is not None:
        check_base_date(billing_base_date, activated_on, uow.today)


def loyalty_defaults_in(uow: UnitOfWork, plan: Plan) -> tuple[int, Decimal]:
    """The loyalty months and benefit a new contract on `plan` gets when none are typed.

    The plan's when it defines a loyalty (months > 0), else the parameters
    ``fidelidade_meses_padrao`` / ``beneficio_fidelidade_padrao``.
    """
    if plan.loyalty_months > 0:
        return plan.loyalty_months, to_cents(plan.loyalty_benefit)
    params = parameters.load(uow.session)
    return int(params["fidelidade_meses_padrao"]), to_cents(Decimal(params["beneficio_fidelidade_padrao"]))


def create_contract(uow: UnitOfWork, draft: ContractDraft) -> ContractRow:
    """Create a contract (CONTRACTS_CREATE), audited.

    Returns:
        The new contract (``ativo`` when `draft.activated_on` is set, else ``pre_contrato``).

    Raises:
        BusinessRuleError / ValidationError: a rule refused it (message says which and how to fix).
    """
    uow.require(Permission.CONTRACTS_CREATE)
    with uow:
        model = create_contract_in(uow, draft)
        uow.commit()
        return get_contract_in(uow, model.id)


@dataclass(frozen=True)
class CheckedDraft:
    """A draft after every rule passed, with the records it refers to (see `check_draft_in`)."""

    customer: Customer
    plan: Plan
    months: int
    benefit: Decimal
    value: Decimal
    due_day: int
    base: date | None
    inclusion: Any
    term: Any
    billing: Any
    branch: Branch | None


def check_draft_in(uow: UnitOfWork, draft: ContractDraft) -> CheckedDraft:
    """Apply every creation rule and default to `draft` without writing (imports check rows with it).

    Raises:
        BusinessRuleError / ValidationError: the first rule that refuses the draft.
    """
    _check_codes(draft)
    params = parameters.load(uow.session)
    customer = _customer_in(uow, draft.customer_id)
    plan = _plan_in(uow, draft.plan_id, draft.plan_code)
    _require_active_plan(plan)
    default_months, default_benefit = loyalty_defaults_in(uow, plan)
    months = default_months if draft.loyalty_months is None else int(draft.loyalty_months)
    benefit = default_benefit if draft.loyalty_benefit is None else draft.loyalty_benefit
    if months == 0 and draft.loyalty_benefit is None:
        benefit = Decimal("0")  # no loyalty typed: no benefit either
    benefit = _check_money(benefit, "beneficio_fidelidade", "O benefício da fidelidade")
    check_loyalty_months(months, customer.person_type)
    _check_loyalty_pair(months, benefit)
    _check_notes(draft.notes)
    value = _check_money(plan.price if draft.value is None else draft.value, "valor", "O valor do contrato")
    due_day = int(params["dia_vencimento_padrao"]) if draft.due_day is None else draft.due_day
    check_due_day(due_day)
    base = draft.billing_base_date
    if draft.activated_on is not None:
        _check_activation(uow, draft.activated_on, base)
        base = base or draft.activated_on
    elif base is not None:
        raise ValidationError({"data_base_financeira": "Sem data de ativação não há data base financeira: ela é "
                                                       "definida na ativação do contrato."})
    inclusion = resolve_in(uow, CatalogKind.INCLUSION, draft.inclusion_reason)
    if inclusion is None and params["motivo_inclusao_obrigatorio"]:
        raise ValidationError({"motivo_inclusao": "Informe o motivo de inclusão (parâmetro “Motivo de inclusão "
                                                  "obrigatório”). Ex.: NOVO, TITULARIDADE, MIGRACAO."})
    term = resolve_in(uow, CatalogKind.PAYMENT_TERM, draft.payment_term)
    billing = resolve_in(uow, CatalogKind.BILLING_TYPE, draft.billing_type)
    branch = _branch_in(uow, draft.branch_code)
    return CheckedDraft(customer, plan, months, benefit, value, due_day, base, inclusion, term, billing, branch)


def create_contract_in(uow: UnitOfWork, draft: ContractDraft) -> Contract:
    """Same as `create_contract` inside an open unit of work (no commit, no permission check)."""
    v = check_draft_in(uow, draft)
    customer, plan, months, benefit, value, due_day, base, inclusion, term, billing, branch = (
        v.customer, v.plan, v.months, v.benefit, v.value, v.due_day, v.base, v.inclusion, v.term, v.billing, v.branch)
    number = uow.next_numbers("contract_number")
    model = Contract(
        number=number, customer_id=customer.id, plan_id=plan.id, branch_id=branch.id if branch else None,
        value=value, status=ContractStatus.ATIVO if draft.activated_on else ContractStatus.PRE_CONTRATO,
        access_status=AccessStatus.NORMAL,
        activated_on=draft.activated_on, billing_base_date=base, paid_until=None, renewed_on=None,
        loyalty_months=months, loyalty_benefit=benefit,
        loyalty_expires_on=expiration_for(draft.activated_on, None, months), due_day=due_day,
        payment_term_id=term.id if term else None, billing_type_id=billing.id if billing else None,
        inclusion_reason_id=inclusion.id if inclusion else None, notes=_check_notes(draft.notes),
        created_at=uow.now, created_by=uow.actor.login,
    )
    uow.session.add(model)
    uow.session.flush()
    uow.audit(
        "contract", model.id, "create",
        {
            "numero": [None, number], "cliente": [None, customer.code], "plano": [None, plan.code],
            "valor": [None, value], "status": [None, model.status], "data_ativacao": [None, draft.activated_on],
            "data_base_financeira": [None, base], "dia_vencimento": [None, due_day],
            "fidelidade_meses": [None, months], "beneficio_fidelidade": [None, benefit],
            "data_expiracao": [None, model.loyalty_expires_on],
            "motivo_inclusao": [None, inclusion.code if inclusion else None],
        },
        summary=f"Contrato {number} criado para {customer.name} no plano {plan.code} ({format_brl(value)})",
    )
    return model


# --- activation and renewal --------------------------------------------------------------------


def activate_contract(uow: UnitOfWork, contract_id: uuid.UUID, activated_on: date | None = None) -> ContractRow:
    """Activate a pre-contract (CONTRACTS_ACTIVATE): ``pre_contrato`` → ``ativo``, audited.

    Args:
        activated_on: the installation date (default: today); never in the future.
    """
    uow.require(Permission.CONTRACTS_ACTIVATE)
    with uow:
        model = load_in(uow, contract_id)
        activate_contract_in(uow, model, activated_on or uow.today)
        uow.commit()
        return get_contract_in(uow, model.id)


def activate_contract_in(uow: UnitOfWork, contract: Contract, activated_on: date) -> Contract:
    """Activate inside an open unit of work (no commit, no permission check).

    Sets the activation date (once: it is never edited again), the billing base date when missing
    (or earlier than the activation) and the loyalty expiration.

    Raises:
        BusinessRuleError: the contract is not a pre-contract, or the date is in the future.
    """
    if contract.status != ContractStatus.PRE_CONTRATO or contract.activated_on is not None:
        raise BusinessRuleError(
            f"O contrato {contract.number} já está {ContractStatus.label_of(contract.status).lower()}"
            + (f" desde {format_date(contract.activated_on)}" if contract.activated_on else "")
            + ": só um pré-contrato pode ser ativado, e a data de ativação nunca muda.",
            field="data_ativacao",
        )
    _check_activation(uow, activated_on, None)
    before = {"status": contract.status, "data_ativacao": None, "data_base_financeira": contract.billing_base_date,
              "data_expiracao": contract.loyalty_expires_on}
    contract.status = ContractStatus.ATIVO
    contract.activated_on = activated_on
    if contract.billing_base_date is None or contract.billing_base_date < activated_on:
        contract.billing_base_date = activated_on
    contract.loyalty_expires_on = expiration_for(activated_on, contract.renewed_on, contract.loyalty_months)
    contract.updated_at, contract.updated_by = uow.now, uow.actor.login
    uow.session.flush()
    after = {"status": contract.status, "data_ativacao": activated_on,
             "data_base_financeira": contract.billing_base_date, "data_expiracao": contract.loyalty_expires_on}
    uow.audit("contract", contract.id, "activate", {k: [before[k], after[k]] for k in after},
              summary=f"Contrato {contract.number} ativado em {format_date(activated_on)}")
    return contract


def renew_contract(
    uow: UnitOfWork,
    contract_id: uuid.UUID,
    on_date: date | None = None,
    loyalty_months: int | None = None,
    loyalty_benefit: Decimal | None = None,
) -> ContractRow:
    """Renew the loyalty (CONTRACTS_RENEW): an explicit act of the customer, audited.

    The loyalty restarts on `on_date` (default: today) for the contract's loyalty months (or the new
    `loyalty_months` / `loyalty_benefit` agreed now); the activation date stays.
    """
    uow.require(Permission.CONTRACTS_RENEW)
    with uow:
        model = load_in(uow, contract_id)
        renew_contract_in(uow, model, on_date or uow.today, loyalty_months, loyalty_benefit)
        uow.commit()
        return get_contract_in(uow, model.id)


def renew_contract_in(
    uow: UnitOfWork,
    contract: Contract,
    on_date: date,
    loyalty_months: int | None = None,
    loyalty_benefit: Decimal | None = None,
) -> Contract:
    """Same as `renew_contract` inside an open unit of work.

    Raises:
        BusinessRuleError: not active, date before the activation/last renewal or in the future, no
            loyalty to renew, or above 12 months for pessoa física.
    """
    if contract.status != ContractStatus.ATIVO or contract.activated_on is None:
        raise BusinessRuleError(
            f"Só um contrato ativo pode ser renovado; o contrato {contract.number} está "
            f"{ContractStatus.label_of(contract.status).lower()}.",
            field="data_renovacao",
        )
    start = contract.renewed_on or contract.activated_on
    check_renewal(on_date, start, uow.today, contract.renewed_on is not None)
    months = contract.loyalty_months if loyalty_months is None else int(loyalty_months)
    if months <= 0:
        raise ValidationError({"fidelidade_meses": f"O contrato {contract.number} não tem fidelidade: informe os "
                                                   "meses da nova fidelidade para renovar."})
    customer = uow.session.get(Customer, contract.customer_id)
    check_loyalty_months(months, customer.person_type if customer else None)
    benefit = contract.loyalty_benefit if loyalty_benefit is None else _check_money(
        loyalty_benefit, "beneficio_fidelidade", "O benefício da fidelidade")
    _check_loyalty_pair(months, benefit)
    before = {"data_renovacao": contract.renewed_on, "data_expiracao": contract.loyalty_expires_on,
              "fidelidade_meses": contract.loyalty_months, "beneficio_fidelidade": contract.loyalty_benefit}
    contract.renewed_on = on_date
    contract.loyalty_months = months
    contract.loyalty_benefit = benefit
    contract.loyalty_expires_on = expiration_for(contract.activated_on, on_date, months)
    contract.updated_at, contract.updated_by = uow.now, uow.actor.login
    uow.session.flush()
    after = {"data_renovacao": on_date, "data_expiracao": contract.loyalty_expires_on,
             "fidelidade_meses": months, "beneficio_fidelidade": benefit}
    uow.audit("contract", contract.id, "renew", {k: [before[k], after[k]] for k in after if before[k] != after[k]},
              summary=f"Contrato {contract.number} renovado em {format_date(on_date)}: fidelidade de {months} "
                      f"meses até {format_date(contract.loyalty_expires_on)}")
    return contract


# --- editing -----------------------------------------------------------------------------------

#: Fields `update_contract` accepts (keys of `changes`) → the name used in messages and the audit.
EDITABLE: dict[str, str] = {
    "plan_code": "plano",
    "value": "valor",
    "due_day": "dia_vencimento",
    "billing_base_date": "data_base_financeira",
    "payment_term": "condicao_pagamento",
    "billing_type": "tipo_cobranca",
    "inclusion_reason": "motivo_inclusao",
    "loyalty_months": "fidelidade_meses",
    "loyalty_benefit": "beneficio_fidelidade",
    "notes": "observacao",
}
#: Read-only fields (a clear message instead of a silent ignore).
READ_ONLY: dict[str, str] = {
    "activated_on": "A data de ativação é definida uma única vez, na ativação, e nunca é alterada.",
    "paid_until": "“Pago até” é calculado pelos pagamentos e não pode ser digitado.",
    "renewed_on": "A data de renovação muda só pela ação Renovar.",
    "loyalty_expires_on": "A data de expiração é calculada: início da fidelidade + meses de fidelidade.",
    "status": "A situação muda pelas ações (Ativar, Cancelar, Negativar).",
    "cancelled_on": "A data de cancelamento é registrada pela ação Cancelar.",
    "number": "O número do contrato é sequencial e não muda.",
    "customer_id": "O titular não muda; para troca de titularidade, cancele e crie um contrato novo "
                   "com o motivo TITULARIDADE.",
}
#: Fields that change through the plan-change wizard once the contract is active.
_WIZARD_FIELDS = ("plan_code", "value", "due_day")


def _catalog_code(uow: UnitOfWork, model: type[Any], ident: uuid.UUID | None) -> str | None:
    if ident is None:
        return None
    found = uow.session.get(model, ident)
    return found.code if found is not None else None


def update_contract(
    uow: UnitOfWork, contract_id: uuid.UUID, changes: Mapping[str, Any], expected_version: int
) -> ContractRow:
    """Edit a contract's editable fields (CONTRACTS_EDIT), audited, with optimistic locking.

    Args:
        changes: keys of `EDITABLE` → new values (dates as `date`, money as `Decimal`, catalogues as codes).
        expected_version: the `ContractRow.version` the user loaded.

    Raises:
        ConflictError: someone saved the contract meanwhile (lists what they changed).
        ValidationError / BusinessRuleError: a rule refused a change.
    """
    uow.require(Permission.CONTRACTS_EDIT)
    with uow:
        model = load_in(uow, contract_id)
        update_contract_in(uow, model, changes, expected_version)
        uow.commit()
        return get_contract_in(uow, model.id)


def _conflict_changes(uow: UnitOfWork, contract: Contract, expected_version: int) -> list[str]:
    from ispdesk.services.audit import history_in

    found = []
    for entry in history_in(uow, "contract", contract.id, limit=50):
        if entry.at < contract.created_at:
            break
        found.append(f"{entry.actor}: {entry.summary}")
    return found[: max(1, contract.version - expected_version)]


def _conflict(uow: UnitOfWork, contract: Contract, expected_version: int) -> ConflictError:
    return ConflictError(
        f"O contrato {contract.number} foi alterado por outra pessoa enquanto você editava. "
        "Reabra o contrato para ver os dados atuais e refaça a alteração.",
        _conflict_changes(uow, contract, expected_version),
    )


def _lost_race(uow: UnitOfWork, contract_id: uuid.UUID, number: int, expected_version: int) -> ConflictError:
    """The conflict after a concurrent save won the race: roll back, read what the other one saved."""
    uow.session.rollback()
    fresh = uow.session.get(Contract, contract_id, populate_existing=True)
    if fresh is None:
        return ConflictError(f"O contrato {number} foi removido por outra pessoa enquanto você editava.")
    return _conflict(uow, fresh, expected_version)


def update_contract_in(
    uow: UnitOfWork, contract: Contract, changes: Mapping[str, Any], expected_version: int
) -> Contract:
    """Same as `update_contract` inside an open unit of work (no commit, no permission check)."""
    if contract.version != expected_version:
        raise _conflict(uow, contract, expected_version)
    errors: dict[str, str] = {}
    for name in changes:
        if name in READ_ONLY:
            errors[name] = READ_ONLY[name]
        elif name not in EDITABLE:
            errors[name] = f"O campo {name} não pode ser alterado no contrato."
    if errors:
        raise ValidationError(errors)
    closed = contract.status in (ContractStatus.CANCELADO, ContractStatus.NEGATIVADO)
    if closed and set(changes) - {"notes"}:
        raise BusinessRuleError(
            f"O contrato {contract.number} está {ContractStatus.label_of(contract.status).lower()}: só a "
            "observação pode ser alterada.",
        )
    params = parameters.load(uow.session)
    customer = uow.session.get(Customer, contract.customer_id)
    diff: dict[str, list[Any]] = {}

    def put(attr: str, label: str, before: Any, after: Any, stored: Any = None) -> None:
        if before != after:
            diff[label] = [before, after]
            setattr(contract, attr, after if stored is None else stored)

    for name, value in changes.items():
        label = EDITABLE[name]
        if contract.status == ContractStatus.ATIVO and name in _WIZARD_FIELDS:
            current: Any = {"plan_code": None, "value": contract.value, "due_day": contract.due_day}[name]
            if name == "plan_code":
                plan_now = uow.session.get(Plan, contract.plan_id)
                current = plan_now.code if plan_now else None
                value = (value or "").strip().upper()
            if value != current:
                raise BusinessRuleError(
                    f"Em contrato ativo, {field_label(label).lower()} muda pela Alteração de plano (wizard), que "
                    "registra o tipo da mudança e a data de vigência.",
                    field=label,
                )
            continue
        if name == "plan_code":
            plan = _plan_in(uow, None, value)
            before_plan = uow.session.get(Plan, contract.plan_id)
            if before_plan is None or plan.id != before_plan.id:
                _require_active_plan(plan)
                diff[label] = [before_plan.code if before_plan else None, plan.code]
                contract.plan_id = plan.id
        elif name == "value":
            put("value", label, contract.value, _check_money(Decimal(value), label, "O valor do contrato"))
        elif name == "due_day":
            check_due_day(int(value))
            put("due_day", label, contract.due_day, int(value))
        elif name == "billing_base_date":
            if value is None:
                raise ValidationError({label: "Informe a data base financeira."})
            if contract.activated_on is None:
                raise ValidationError({label: "A data base financeira é definida na ativação do contrato."})
            check_base_date(value, contract.activated_on, uow.today, field=label)
            if value != contract.billing_base_date:
                charged = uow.session.scalar(select(func.count()).select_from(Charge).where(
                    Charge.contract_id == contract.id, Charge.kind == ChargeKind.MENSALIDADE,
                    Charge.status != ChargeStatus.CANCELADA))
                if charged:
                    raise BusinessRuleError(
                        "A data base financeira não pode mudar depois que mensalidades foram geradas "
                        f"({charged} no contrato {contract.number}).", field=label)
            put("billing_base_date", label, contract.billing_base_date, value)
        elif name in ("payment_term", "billing_type", "inclusion_reason"):
            kind, model_cls, attr = {
                "payment_term": (CatalogKind.PAYMENT_TERM, PaymentTerm, "payment_term_id"),
                "billing_type": (CatalogKind.BILLING_TYPE, BillingType, "billing_type_id"),
                "inclusion_reason": (CatalogKind.INCLUSION, InclusionReason, "inclusion_reason_id"),
            }[name]
            before_code = _catalog_code(uow, model_cls, getattr(contract, attr))
            new_code = (value or "").strip().upper() or None
            if new_code == before_code:
                continue
            entry = resolve_in(uow, kind, new_code, field=label)
            if entry is None and name == "inclusion_reason" and params["motivo_inclusao_obrigatorio"]:
                raise ValidationError({label: "Informe o motivo de inclusão (parâmetro “Motivo de inclusão "
                                              "obrigatório”)."})
            diff[label] = [before_code, new_code]
            setattr(contract, attr, entry.id if entry else None)
        elif name == "loyalty_months":
            months = int(value)
            check_loyalty_months(months, customer.person_type if customer else None)
            put("loyalty_months", label, contract.loyalty_months, months)
        elif name == "loyalty_benefit":
            put("loyalty_benefit", label, contract.loyalty_benefit,
                _check_money(Decimal(value), label, "O benefício da fidelidade"))
        elif name == "notes":
            put("notes", label, contract.notes or None, _check_notes(value))
    if "fidelidade_meses" in diff or "beneficio_fidelidade" in diff:
        _check_loyalty_pair(contract.loyalty_months, contract.loyalty_benefit)
    if "fidelidade_meses" in diff:
        new_exp = expiration_for(contract.activated_on, contract.renewed_on, contract.loyalty_months)
        if new_exp != contract.loyalty_expires_on:
            diff["data_expiracao"] = [contract.loyalty_expires_on, new_exp]
            contract.loyalty_expires_on = new_exp
    if diff:
        contract.updated_at, contract.updated_by = uow.now, uow.actor.login
        contract_id, number = contract.id, contract.number
        with conflict_on_stale(lambda: _lost_race(uow, contract_id, number, expected_version)):
            uow.session.flush()
        uow.audit("contract", contract.id, "update", diff,
                  summary=f"Contrato {contract.number} alterado: {', '.join(map(field_label, diff))}")
        if "plano" in diff:
            from ispdesk.services.radius import provision_in

            provision_in(uow, [contract.id])  # the new plan's group in FreeRADIUS, same transaction
    return contract
