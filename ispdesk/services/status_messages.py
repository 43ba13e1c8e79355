"""The customer messages an access status change causes: reduction, block, restoration, rescission.

Called by the one status writer (through the ``ACCESS_CHANGED`` hook) inside its transaction, so a
status never changes without its message recorded with it. Texts are the built-in templates below
(the same variables as the contract templates; editable templates per channel come later).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Contract, Customer
from ispdesk.domain.access import AccessStatus, Cause
from ispdesk.domain.dates import format_date
from ispdesk.domain.messages import MessageEvent, switch_parameter
from ispdesk.services import parameters as params_service
from ispdesk.services.hooks import AccessStatusChange
from ispdesk.services.messages import enqueue_rows_in, message_row
from ispdesk.services.uow import UnitOfWork

#: Subject and body of each event; ``{nome}``, ``{numero}``, ``{data}``, ``{empresa}``, ``{contato}``.
TEMPLATES: dict[MessageEvent, tuple[str, str]] = {
    MessageEvent.REDUCAO: (
        "Velocidade reduzida – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} a velocidade do seu acesso (contrato {numero}) foi reduzida porque há "
        "débito vencido em aberto. Assim que o pagamento for identificado a velocidade volta ao normal, sem "
        "custo de religação.\n\n{empresa}{contato}"),
    MessageEvent.BLOQUEIO: (
        "Acesso suspenso – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o seu acesso (contrato {numero}) foi suspenso porque há débito vencido em "
        "aberto, conforme o aviso enviado antes. Assim que o pagamento for identificado o acesso é "
        "restabelecido, sem custo de religação.\n\n{empresa}{contato}"),
    MessageEvent.RESTABELECIMENTO: (
        "Acesso restabelecido – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o seu acesso (contrato {numero}) foi restabelecido. Obrigado!\n\n"
        "{empresa}{contato}"),
    MessageEvent.RESCISAO: (
        "Contrato rescindido – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o contrato {numero} foi rescindido por inadimplência, depois do prazo de "
        "suspensão previsto na regulamentação da Anatel. O débito em aberto continua devido e, a partir da "
        "rescisão, pode ser incluído em cadastros de proteção ao crédito.\n\n{empresa}{contato}"),
}

_SUSPENDED = {AccessStatus.REDUZIDO.value, AccessStatus.BLOQUEADO.value}


def event_of(change: AccessStatusChange) -> MessageEvent | None:
    """The message a status change causes, or None (releases and cancellations have their own)."""
    if change.cause == Cause.RESCISAO:
        return MessageEvent.RESCISAO
    if change.cause == Cause.REDUCAO:
        return MessageEvent.REDUCAO
    if change.cause == Cause.BLOQUEIO or (change.cause == Cause.FIM_LIBERACAO
                                          and change.after == AccessStatus.BLOQUEADO):
        return MessageEvent.BLOQUEIO
    if change.cause in (Cause.PAGAMENTO, Cause.SEM_DEBITO) and change.before in _SUSPENDED:
        return MessageEvent.RESTABELECIMENTO
    return None


def render(event: MessageEvent, values: Mapping[str, str]) -> tuple[str, str]:
    """(subject, body) of `event` with `values` filled in."""
    subject, body = TEMPLATES[event]
    return subject.format(**values), body.format(**values)


def enqueue_for_changes(uow: UnitOfWork, changes: Sequence[AccessStatusChange]) -> None:
    """`ACCESS_CHANGED` hook: one outbox row per change that tells the customer something."""
    wanted = [(c, e) for c in changes if (e := event_of(c)) is not None]
    if not wanted:
        return
    session = uow.session
    params = params_service.load(session)
    wanted = [(c, e) for c, e in wanted if (key := switch_parameter(e)) is None or params.get(key, True)]
    if not wanted:
        return
    ids = list({c.contract_id for c, _ in wanted})
    people: dict[uuid.UUID, tuple[int, uuid.UUID, str, str | None]] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            select(Contract.id, Contract.number, Customer.id, Customer.name, Customer.email)
            .join(Customer, Customer.id == Contract.customer_id).where(Contract.id.in_(ids[start:start + 1000])))
        people.update({r[0]: (r[1], r[2], r[3], r[4]) for r in rows})
    company = str(params.get("empresa_nome_fantasia") or params.get("empresa_razao_social") or "")
    phone = str(params.get("empresa_telefone") or "")
    contact = f" · {phone}" if phone else ""
    at = uow.now
    out: list[dict[str, Any]] = []
    for change, event in wanted:
        number, customer_id, name, email = people[change.contract_id]
        values = {"nome": name, "numero": str(number), "data": format_date(change.on), "empresa": company,
                  "contato": contact}
        subject, body = render(event, values)
        out.append(message_row(event, change.contract_id, customer_id, f"{change.cause}:{change.on.isoformat()}",
                               email, subject, body, at))
    enqueue_rows_in(uow, out)
