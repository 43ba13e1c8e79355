"""``ispdesk messages preview``: a message of one contract exactly as it would be sent now.

The variables come from the same `message_context` builders the producers use and the text from the
same `MessageTexts.render`, so the preview is the message: the charge a reminder is about, the notice
the ladder recorded, the last adjustment batch, the cancellation (or, for an active contract, one
today).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ispdesk.db.models import (
    AdjustmentBatch,
    CancellationReason,
    Charge,
    Contract,
    ContractAdjustment,
    Customer,
    Notice,
    Plan,
)
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.message_templates import parse_channel, parse_event
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, MessageChannel
from ispdesk.services import lookups, message_context
from ispdesk.services import parameters as params_service
from ispdesk.services.message_context import Context
from ispdesk.services.message_templates import MessageTexts
from ispdesk.services.messages import address_for, channel_order, first_usable
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class MessagePreview:
    """What would be sent: channel, address (empty for a letter), subject and body."""

    event: str
    contract_number: int
    channel: str
    address: str
    subject: str
    body: str


def contract_common(uow: UnitOfWork, contract: Contract, customer: Customer) -> Context:
    """The base and plan variables of a contract (every contract event but the date-driven ones)."""
    params = params_service.load(uow.session)
    plan = uow.session.get(Plan, contract.plan_id)
    common = message_context.base(message_context.company(params), uow.today, customer.name, contract.number)
    return message_context.plan(common, plan.code if plan else "", plan.name if plan else "", contract.value)


def cancellation_context(uow: UnitOfWork, contract: Contract, customer: Customer, reason: CancellationReason | None,
                         fine: Decimal) -> Context:
    """The `cancelamento` variables of a contract cancelled on `contract.cancelled_on` (or today)."""
    return message_context.cancellation(contract_common(uow, contract, customer), contract.cancelled_on or uow.today,
                                        reason.description if reason else "", fine)


def _missing(number: int, what: str) -> BusinessRuleError:
    return BusinessRuleError(f"O contrato {number} não tem {what}; não há o que mostrar para este evento.",
                             field="contrato")


def _context(uow: UnitOfWork, event: MessageEvent, contract: Contract, customer: Customer) -> Context:
    session, today, number = uow.session, uow.today, contract.number
    company = message_context.company(params_service.load(session))
    common = message_context.base(company, today, customer.name, number)
    if event == MessageEvent.ANIVERSARIO:
        return message_context.base(company, today, customer.name)
    if event == MessageEvent.FIDELIDADE_VENCENDO:
        if contract.loyalty_expires_on is None:
            raise _missing(number, "fidelidade")
        return message_context.loyalty(common, contract.loyalty_expires_on)
    if event in (MessageEvent.COBRANCA_VENCENDO, MessageEvent.COBRANCA_VENCIDA):
        due = Charge.due_date if event == MessageEvent.COBRANCA_VENCENDO else Charge.effective_due_date
        query = select(Charge).where(Charge.contract_id == contract.id, Charge.status == ChargeStatus.ABERTA.value)
        query = (query.where(due >= today).order_by(due) if event == MessageEvent.COBRANCA_VENCENDO
                 else query.where(due < today).order_by(due))
        charge = session.scalars(query.limit(1)).first()
        if charge is None:
            raise _missing(number, "cobrança em aberto a vencer" if event == MessageEvent.COBRANCA_VENCENDO
                           else "cobrança vencida em aberto")
        when = charge.due_date if event == MessageEvent.COBRANCA_VENCENDO else charge.effective_due_date
        return message_context.charge(common, when or charge.due_date, charge.amount - charge.paid_amount)
    if event == MessageEvent.AVISO_INADIMPLENCIA:
        notice = session.scalars(select(Notice).where(Notice.contract_id == contract.id)
                                 .order_by(Notice.notice_date.desc(), Notice.created_at.desc()).limit(1)).first()
        if notice is None:
            raise _missing(number, "aviso de inadimplência registrado (a rotina ispdesk tasks suspension o gera)")
        return message_context.notice(message_context.base(company, notice.notice_date, customer.name, number),
                                      notice.text, notice.notice_date, notice.amount, notice.suspension_date)
    if event in (MessageEvent.REDUCAO, MessageEvent.BLOQUEIO, MessageEvent.RESTABELECIMENTO, MessageEvent.RESCISAO):
        return message_context.access(common, today)
    if event == MessageEvent.REAJUSTE_AVISO:
        found = session.execute(
            select(ContractAdjustment, AdjustmentBatch).join(AdjustmentBatch,
                                                             AdjustmentBatch.id == ContractAdjustment.batch_id)
            .where(ContractAdjustment.contract_id == contract.id, ContractAdjustment.skipped_reason.is_(None),
                   AdjustmentBatch.undone_at.is_(None))
            .order_by(AdjustmentBatch.number.desc()).limit(1)).first()
        if found is None:
            raise _missing(number, "reajuste aplicado")
        line, batch = found
        return adjustment_context(uow, contract, customer, batch, line.old_value, line.new_value)
    if event == MessageEvent.CANCELAMENTO:
        from ispdesk.services.cancellation import fine_for

        reason = session.get(CancellationReason, contract.cancellation_reason_id) \
            if contract.cancellation_reason_id else None
        return cancellation_context(uow, contract, customer, reason,
                                    fine_for(contract, contract.cancelled_on or today, reason).amount)
    return contract_common(uow, contract, customer)  # contrato_para_assinatura


def adjustment_context(uow: UnitOfWork, contract: Contract, customer: Customer, batch: AdjustmentBatch,
                       old: Decimal, new: Decimal) -> Context:
    """The `reajuste_aviso` variables of one contract of a batch."""
    return message_context.adjustment(contract_common(uow, contract, customer), batch.number, batch.percent,
                                      batch.index_name, old, new, batch.effective_on)


def preview_message(uow: UnitOfWork, event: str, contract_number: int, channel: str | None = None) -> MessagePreview:
    """The message `event` of contract `contract_number` as it would be sent now (nothing is recorded).

    Without `channel`, the one it would go by (``mensagens_canais`` and the customer's contacts; a
    letter when none).

    Raises:
        PermissionDenied: the actor may not view contracts.
        BusinessRuleError: unknown event, channel or contract, or nothing the event is about.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    found = parse_event(event)
    wanted = parse_channel(channel) if channel else None
    with uow:
        contract = lookups.contract_by_number(uow, contract_number)
        customer = uow.session.get(Customer, contract.customer_id)
        assert customer is not None
        context = _context(uow, found, contract, customer)
        if wanted is None:
            pick = first_usable(channel_order(params_service.load(uow.session)), customer.email, customer.mobile)
            where, address = pick if pick else (MessageChannel.CARTA.value, None)
        else:
            where = wanted
            address = address_for(wanted, customer.email, customer.mobile) if wanted != "padrao" else None
        subject, body = MessageTexts(uow.session).render(found, where, context)
        return MessagePreview(found.value, contract.number, str(where), address or "", subject, body)


def preview_context(uow: UnitOfWork, event: str, contract_number: int) -> Context:
    """The variables `event` would have for contract `contract_number` now (the editor's live preview).

    Raises:
        PermissionDenied: the actor may not view contracts.
        BusinessRuleError: unknown event or contract, or nothing the event is about.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    found = parse_event(event)
    with uow:
        contract = lookups.contract_by_number(uow, contract_number)
        customer = uow.session.get(Customer, contract.customer_id)
        assert customer is not None
        return _context(uow, found, contract, customer)
