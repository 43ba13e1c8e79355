"""Editable message templates per event × channel (issue 14): the shipped texts are the old fixed ones,
an edit is validated, audited and used by the producers, the Anatel notice keeps its content."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ispdesk.db.models import AuditEntry, Customer, OutboxMessage
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied
from ispdesk.domain.message_templates import DEFAULTS, REQUIRED, VARIABLES, compiled, validate
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.template_engine import TemplateError
from ispdesk.services import message_context, reminders
from ispdesk.services import message_templates as mt
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract

Uow = Callable[..., UnitOfWork]
E = MessageEvent

#: The fixed texts ispdesk sent before templates were editable (copied from status_messages/reminders).
OLD = {
    E.REDUCAO: (
        "Velocidade reduzida – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} a velocidade do seu acesso (contrato {numero}) foi reduzida porque há "
        "débito vencido em aberto. Assim que o pagamento for identificado a velocidade volta ao normal, sem "
        "custo de religação.\n\n{empresa}{contato}"),
    E.BLOQUEIO: (
        "Acesso suspenso – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o seu acesso (contrato {numero}) foi suspenso porque há débito vencido em "
        "aberto, conforme o aviso enviado antes. Assim que o pagamento for identificado o acesso é "
        "restabelecido, sem custo de religação.\n\n{empresa}{contato}"),
    E.RESTABELECIMENTO: (
        "Acesso restabelecido – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o seu acesso (contrato {numero}) foi restabelecido. Obrigado!\n\n"
        "{empresa}{contato}"),
    E.RESCISAO: (
        "Contrato rescindido – contrato {numero}",
        "Olá, {nome}.\n\nEm {data} o contrato {numero} foi rescindido por inadimplência, depois do prazo de "
        "suspensão previsto na regulamentação da Anatel. O débito em aberto continua devido e, a partir da "
        "rescisão, pode ser incluído em cadastros de proteção ao crédito.\n\n{empresa}{contato}"),
    E.COBRANCA_VENCENDO: (
        "Sua fatura vence em {data} – contrato {numero}",
        "Olá, {nome}.\n\nLembramos que a fatura de {valor} do contrato {numero} vence em {data}. Se já pagou, "
        "desconsidere esta mensagem.\n\n{empresa}{contato}"),
    E.COBRANCA_VENCIDA: (
        "Fatura vencida em {data} – contrato {numero}",
        "Olá, {nome}.\n\nNão identificamos o pagamento da fatura de {valor} do contrato {numero}, vencida em "
        "{data}. Pague o quanto antes para evitar multa, juros e a suspensão do acesso. Se já pagou, "
        "desconsidere esta mensagem.\n\n{empresa}{contato}"),
    E.FIDELIDADE_VENCENDO: (
        "Sua fidelidade termina em {data} – contrato {numero}",
        "Olá, {nome}.\n\nA fidelidade do seu contrato {numero} termina em {data}. Fale conosco para conhecer "
        "as condições de renovação.\n\n{empresa}{contato}"),
    E.ANIVERSARIO: (
        "Feliz aniversário, {nome}!",
        "Olá, {nome}.\n\nHoje é o seu aniversário e toda a equipe deseja um ótimo dia!\n\n{empresa}{contato}"),
}

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_day = st.dates(date(2000, 1, 1), date(2099, 12, 31))
_money = st.decimals("0", "99999.99", places=2)


@settings(max_examples=60, deadline=None)
@given(name=_text, number=st.integers(1, 10**7), fantasy=_text, legal_name=_text, phone=_text, on=_day,
       amount=_money)
def test_the_shipped_templates_give_exactly_the_old_fixed_texts(name: str, number: int, fantasy: str,
                                                                legal_name: str, phone: str, on: date,
                                                                amount: object) -> None:
    params = {"empresa_nome_fantasia": fantasy, "empresa_razao_social": legal_name, "empresa_telefone": phone}
    company = message_context.company(params)
    common = message_context.base(company, on, name, number)
    old = {"nome": name, "numero": str(number), "data": message_context.format_date(on),
           "empresa": fantasy or legal_name, "contato": f" · {phone}" if phone else "",
           "valor": message_context.format_brl(amount)}  # type: ignore[arg-type]
    contexts = {
        E.REDUCAO: message_context.access(common, on), E.BLOQUEIO: message_context.access(common, on),
        E.RESTABELECIMENTO: message_context.access(common, on), E.RESCISAO: message_context.access(common, on),
        E.COBRANCA_VENCENDO: message_context.charge(common, on, amount),  # type: ignore[arg-type]
        E.COBRANCA_VENCIDA: message_context.charge(common, on, amount),  # type: ignore[arg-type]
        E.FIDELIDADE_VENCENDO: message_context.loyalty(common, on),
        E.ANIVERSARIO: message_context.base(company, on, name),
    }
    for event, (subject, body) in OLD.items():
        assert compiled(event, *DEFAULTS[event]).render(contexts[event]) == (
            subject.format(**old).replace("\n", " ")[:255], body.format(**old)), event
    notice = message_context.notice(common, "Linha 1\n  • linha 2\n", on, amount, None)  # type: ignore[arg-type]
    sender = fantasy or legal_name
    subject, body = compiled(E.AVISO_INADIMPLENCIA, *DEFAULTS[E.AVISO_INADIMPLENCIA]).render(notice)
    assert body == "Linha 1\n  • linha 2\n"
    if sender == sender.strip(" –"):  # the old subject stripped spaces and dashes around the name
        assert subject == f"Aviso de débito em aberto – {sender}".strip(" –")


def test_every_shipped_template_is_valid_and_uses_only_its_events_variables() -> None:
    for event in MessageEvent:
        checked = validate(event, *DEFAULTS[event])
        names = {v.name for v in VARIABLES[event]}
        assert checked.subject.variables | checked.body.variables <= names
        assert set(REQUIRED.get(event, ())) <= checked.body.variables


def test_an_unknown_variable_is_named_and_the_valid_ones_listed(uow: Uow) -> None:
    with pytest.raises(TemplateError) as caught:
        mt.set_template(uow(), "cobranca_vencendo", "email", "Fatura {{ cobranca.valr }}", "Olá")
    message = caught.value.message
    assert "cobranca.valr" in message and "{{ cobranca.valor }}" in message and "{{ cliente.nome }}" in message
    with pytest.raises(TemplateError, match="aviso.texto"):  # a variable of another event is unknown here
        mt.set_template(uow(), "bloqueio", "padrao", "Bloqueio", "{{ aviso.texto }}")
    with pytest.raises(BusinessRuleError, match="Evento desconhecido: “lembrete”"):
        mt.set_template(uow(), "lembrete", "email", "a", "b")
    with pytest.raises(BusinessRuleError, match="Canal desconhecido: “fax”"):
        mt.set_template(uow(), "bloqueio", "fax", "a", "b")
    assert mt.get_template(uow(), "cobranca_vencendo", "email").source == "fabrica"


def test_the_anatel_notice_cannot_drop_its_required_content(uow: Uow) -> None:
    with pytest.raises(BusinessRuleError) as caught:
        mt.set_template(uow(), "aviso_inadimplencia", "sms", "Aviso", "{{ cliente.nome }}, pague a fatura.")
    assert "{{ aviso.texto }}" in caught.value.message and "exigido por lei" in caught.value.message
    with pytest.raises(BusinessRuleError, match=r"reajuste\.vigencia"):
        mt.set_template(uow(), "reajuste_aviso", "padrao", "Reajuste", "Novo valor {{ reajuste.valor_novo }}.")
    row = mt.set_template(uow(), "aviso_inadimplencia", "email", "Aviso – {{ empresa.nome }}",
                          "Prezado(a) cliente,\n\n{{ aviso.texto }}\n\nAtenciosamente.")
    assert row.edited and row.channel == "email"


def test_an_edit_is_audited_used_by_the_producer_on_its_channel_and_reset(uow: Uow, attendant: Actor) -> None:
    due = date(2026, 12, 15)
    with uow() as u:
        first = make_contract(u.session)
        make_charge(u.session, first, due, amount="120.50")
        second = make_contract(u.session)
        second_customer = second.customer_id
        make_charge(u.session, second, due, amount="80.00")
        u.commit()
    with pytest.raises(PermissionDenied):
        mt.set_template(uow(attendant), "cobranca_vencendo", "padrao", "x", "y")
    mt.set_template(uow(), "cobranca_vencendo", "padrao", "Vence {{ cobranca.vencimento }}",
                    "{{ cliente.nome }}: {{ cobranca.valor }} até {{ cobranca.vencimento }}"
                    "{% se empresa.telefone %} ({{ empresa.telefone }}){% fim %}.")
    mt.set_template(uow(), "cobranca_vencendo", "sms", "SMS", "SMS {{ contrato.numero }}: {{ cobranca.valor }}")
    params_service.update(uow(), {"mensagens_canais": "sms,email", "sms_provedor": "webhook",
                                  "sms_url": "http://127.0.0.1:9/sms", "empresa_telefone": "1133334444"})
    with uow() as u:  # the second customer has no mobile: e-mail, which reads the default channel's text
        u.session.get(Customer, second_customer).mobile = None  # type: ignore[union-attr]
        u.commit()
    reminders.run_reminders(uow(), due - timedelta(days=3))
    with uow() as u:
        rows = {m.contract_id: m for m in u.session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "cobranca_vencendo"))}
        audit = list(u.session.scalars(select(AuditEntry).where(AuditEntry.entity == "message_template")
                                       .order_by(AuditEntry.at, AuditEntry.id)))
    sms, mail = rows[first.id], rows[second.id]
    assert (sms.channel, sms.subject, sms.body) == ("sms", "SMS", f"SMS {first.number}: R$ 120,50")
    assert mail.channel == "email" and mail.subject == "Vence 15/12/2026"
    assert mail.body.endswith(": R$ 80,00 até 15/12/2026 (1133334444).")
    assert [a.action for a in audit] == ["create", "create"] and all(a.actor == "admin" for a in audit)
    assert json.loads(audit[1].changes)["corpo"][1] == "SMS {{ contrato.numero }}: {{ cobranca.valor }}"
    with pytest.raises(BusinessRuleError, match="Nada mudou"):
        mt.set_template(uow(), "cobranca_vencendo", "sms", "SMS", "SMS {{ contrato.numero }}: {{ cobranca.valor }}")
    row = mt.reset_template(uow(), "cobranca_vencendo", "sms")
    assert row.source == "padrao" and row.subject == "Vence {{ cobranca.vencimento }}"
    assert mt.reset_template(uow(), "cobranca_vencendo", "padrao").source == "fabrica"
    with pytest.raises(BusinessRuleError, match="não foi alterado"):
        mt.reset_template(uow(), "cobranca_vencendo", "padrao")
    listed = mt.list_templates(uow())
    assert len(listed) == len(MessageEvent) * 4 and all(r.source == "fabrica" for r in listed
                                                        if r.event != "aviso_inadimplencia")
    with uow() as u:
        actions = [a.action for a in u.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "message_template").order_by(AuditEntry.at, AuditEntry.id))]
    assert actions == ["create", "create", "reset", "reset"]
