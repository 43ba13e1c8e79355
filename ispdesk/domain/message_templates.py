"""Message templates: the variables of each event, the shipped texts and the rules of a valid template.

A message template is a subject and a body per event and channel (``padrao`` serves any channel
without its own), in the syntax of the contract templates (``{{ cliente.nome }}``,
``{% se empresa.telefone %} … {% fim %}``), checked against the variables of its event. The shipped
texts (`DEFAULTS`) give exactly the texts ispdesk always sent, so nothing changes until edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.template_engine import Template, TemplateError, Value, Variable, compile_template

#: Channels a template may be written for; ``padrao`` is used by any channel without its own (and letters).
DEFAULT_CHANNEL = "padrao"
TEMPLATE_CHANNELS = (DEFAULT_CHANNEL, "email", "sms", "whatsapp")
CHANNEL_LABELS = {"padrao": "Padrão (qualquer canal)", "email": "E-mail", "sms": "SMS", "whatsapp": "WhatsApp"}

#: Longest subject (the outbox keeps 255 characters).
MAX_SUBJECT = 200


def _v(name: str, description: str, sample: str, group: str) -> Variable:
    return Variable(name, description, sample, group)


_BASE = (
    _v("cliente.nome", "Nome ou razão social do cliente", "Maria José da Conceição", "Cliente"),
    _v("empresa.nome", "Nome fantasia da empresa (ou a razão social, se não houver)", "Provedor Exemplo",
       "Empresa"),
    _v("empresa.telefone", "Telefone da empresa, como nos parâmetros (vazio se não houver)", "1133334444",
       "Empresa"),
    _v("datas.hoje", "Data em que a mensagem é gerada (dd/mm/aaaa)", "27/11/2026", "Datas"),
)
_CONTRACT = (_v("contrato.numero", "Número do contrato", "5123", "Contrato"),)
_PLAN = (
    _v("plano.codigo", "Código da oferta (plano)", "FIBRA-300", "Plano"),
    _v("plano.nome", "Nome do plano", "Fibra 300 Mega", "Plano"),
    _v("contrato.valor", "Valor mensal do contrato (R$ 1.234,56)", "R$ 99,90", "Contrato"),
)
_ACCESS = (_v("acesso.data", "Data da mudança do acesso (dd/mm/aaaa)", "27/11/2026", "Acesso"),)
_CHARGE = (
    _v("cobranca.vencimento", "Vencimento da cobrança (dd/mm/aaaa)", "10/12/2026", "Cobrança"),
    _v("cobranca.valor", "Saldo em aberto da cobrança (R$ 1.234,56)", "R$ 99,90", "Cobrança"),
)
_NOTICE = (
    _v("aviso.texto", "O texto completo do aviso exigido pela Anatel (motivo, valores, meses, datas de "
                      "redução, suspensão e rescisão) — obrigatório", "PROVEDOR — AVISO DE DÉBITO EM ATRASO …",
       "Aviso"),
    _v("aviso.data", "Data do aviso (dd/mm/aaaa)", "27/11/2026", "Aviso"),
    _v("aviso.valor", "Valor em atraso (R$ 1.234,56)", "R$ 199,80", "Aviso"),
    _v("aviso.data_suspensao", "Data a partir da qual o acesso pode ser suspenso (dd/mm/aaaa)", "12/12/2026",
       "Aviso"),
)
_ADJUSTMENT = (
    _v("reajuste.lote", "Número do lote de reajuste", "7", "Reajuste"),
    _v("reajuste.percentual", "Percentual do reajuste (4,50 %)", "4,50 %", "Reajuste"),
    _v("reajuste.indice", "Índice do reajuste (vazio se não informado)", "IPCA", "Reajuste"),
    _v("reajuste.valor_atual", "Valor mensal antes do reajuste (R$ 1.234,56)", "R$ 99,90", "Reajuste"),
    _v("reajuste.valor_novo", "Valor mensal depois do reajuste (R$ 1.234,56)", "R$ 104,40", "Reajuste"),
    _v("reajuste.vigencia", "Data em que o novo valor passa a valer (dd/mm/aaaa)", "01/01/2027", "Reajuste"),
)
_CANCELLATION = (
    _v("cancelamento.data", "Data do cancelamento (dd/mm/aaaa)", "27/11/2026", "Cancelamento"),
    _v("cancelamento.motivo", "Motivo do cancelamento", "Mudança de endereço", "Cancelamento"),
    _v("cancelamento.multa", "Multa rescisória (R$ 1.234,56; R$ 0,00 sem multa)", "R$ 0,00", "Cancelamento"),
)

_E = MessageEvent
#: The variables each event offers.
VARIABLES: dict[MessageEvent, tuple[Variable, ...]] = {
    _E.ANIVERSARIO: _BASE,
    _E.FIDELIDADE_VENCENDO: _BASE + _CONTRACT + (
        _v("contrato.data_expiracao", "Fim da fidelidade (dd/mm/aaaa)", "31/12/2026", "Contrato"),),
    _E.COBRANCA_VENCENDO: _BASE + _CONTRACT + _CHARGE,
    _E.COBRANCA_VENCIDA: _BASE + _CONTRACT + _CHARGE,
    _E.AVISO_INADIMPLENCIA: _BASE + _CONTRACT + _NOTICE,
    _E.REDUCAO: _BASE + _CONTRACT + _ACCESS,
    _E.BLOQUEIO: _BASE + _CONTRACT + _ACCESS,
    _E.RESTABELECIMENTO: _BASE + _CONTRACT + _ACCESS,
    _E.RESCISAO: _BASE + _CONTRACT + _ACCESS,
    _E.REAJUSTE_AVISO: _BASE + _CONTRACT + _PLAN + _ADJUSTMENT,
    _E.CONTRATO_PARA_ASSINATURA: _BASE + _CONTRACT + _PLAN,
    _E.CANCELAMENTO: _BASE + _CONTRACT + _PLAN + _CANCELLATION,
}

#: Variables a template of the event must keep (the legal content), with why.
REQUIRED: dict[MessageEvent, tuple[str, ...]] = {
    _E.AVISO_INADIMPLENCIA: ("aviso.texto",),
    _E.REAJUSTE_AVISO: ("reajuste.valor_novo", "reajuste.vigencia"),
}

_SIGN = "\n\n{{ empresa.nome }}{% se empresa.telefone %} · {{ empresa.telefone }}{% fim %}"

#: The shipped subject and body of each event (the texts ispdesk sent before templates were editable).
DEFAULTS: dict[MessageEvent, tuple[str, str]] = {
    _E.REDUCAO: (
        "Velocidade reduzida – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nEm {{ acesso.data }} a velocidade do seu acesso (contrato "
        "{{ contrato.numero }}) foi reduzida porque há débito vencido em aberto. Assim que o pagamento for "
        "identificado a velocidade volta ao normal, sem custo de religação." + _SIGN),
    _E.BLOQUEIO: (
        "Acesso suspenso – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nEm {{ acesso.data }} o seu acesso (contrato {{ contrato.numero }}) foi "
        "suspenso porque há débito vencido em aberto, conforme o aviso enviado antes. Assim que o pagamento "
        "for identificado o acesso é restabelecido, sem custo de religação." + _SIGN),
    _E.RESTABELECIMENTO: (
        "Acesso restabelecido – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nEm {{ acesso.data }} o seu acesso (contrato {{ contrato.numero }}) foi "
        "restabelecido. Obrigado!" + _SIGN),
    _E.RESCISAO: (
        "Contrato rescindido – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nEm {{ acesso.data }} o contrato {{ contrato.numero }} foi rescindido por "
        "inadimplência, depois do prazo de suspensão previsto na regulamentação da Anatel. O débito em aberto "
        "continua devido e, a partir da rescisão, pode ser incluído em cadastros de proteção ao crédito." + _SIGN),
    _E.COBRANCA_VENCENDO: (
        "Sua fatura vence em {{ cobranca.vencimento }} – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nLembramos que a fatura de {{ cobranca.valor }} do contrato "
        "{{ contrato.numero }} vence em {{ cobranca.vencimento }}. Se já pagou, desconsidere esta mensagem."
        + _SIGN),
    _E.COBRANCA_VENCIDA: (
        "Fatura vencida em {{ cobranca.vencimento }} – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nNão identificamos o pagamento da fatura de {{ cobranca.valor }} do "
        "contrato {{ contrato.numero }}, vencida em {{ cobranca.vencimento }}. Pague o quanto antes para evitar "
        "multa, juros e a suspensão do acesso. Se já pagou, desconsidere esta mensagem." + _SIGN),
    _E.FIDELIDADE_VENCENDO: (
        "Sua fidelidade termina em {{ contrato.data_expiracao }} – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nA fidelidade do seu contrato {{ contrato.numero }} termina em "
        "{{ contrato.data_expiracao }}. Fale conosco para conhecer as condições de renovação." + _SIGN),
    _E.ANIVERSARIO: (
        "Feliz aniversário, {{ cliente.nome }}!",
        "Olá, {{ cliente.nome }}.\n\nHoje é o seu aniversário e toda a equipe deseja um ótimo dia!" + _SIGN),
    _E.AVISO_INADIMPLENCIA: (
        "Aviso de débito em aberto{% se empresa.nome %} – {{ empresa.nome }}{% fim %}",
        "{{ aviso.texto }}"),
    _E.REAJUSTE_AVISO: (
        "Aviso de reajuste – contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nInformamos que o valor mensal do seu contrato {{ contrato.numero }} "
        "(plano {{ plano.nome }}) será reajustado em {{ reajuste.percentual }}"
        "{% se reajuste.indice %} ({{ reajuste.indice }}){% fim %}, de {{ reajuste.valor_atual }} para "
        "{{ reajuste.valor_novo }}, a partir de {{ reajuste.vigencia }}." + _SIGN),
    _E.CONTRATO_PARA_ASSINATURA: (
        "Contrato {{ contrato.numero }} para assinatura",
        "Olá, {{ cliente.nome }}.\n\nSegue o contrato {{ contrato.numero }} (plano {{ plano.nome }}, "
        "{{ contrato.valor }} por mês) para leitura e assinatura. Em caso de dúvida, fale conosco." + _SIGN),
    _E.CANCELAMENTO: (
        "Cancelamento do contrato {{ contrato.numero }}",
        "Olá, {{ cliente.nome }}.\n\nConfirmamos o cancelamento do contrato {{ contrato.numero }} (plano "
        "{{ plano.nome }}) em {{ cancelamento.data }}. Motivo: {{ cancelamento.motivo }}. Multa rescisória: "
        "{{ cancelamento.multa }}.\n\nDébitos em aberto até essa data continuam devidos." + _SIGN),
}


@dataclass(frozen=True)
class CompiledTemplate:
    """A validated subject and body of one event."""

    event: MessageEvent
    subject: Template
    body: Template

    def render(self, context: Mapping[str, Value]) -> tuple[str, str]:
        """(subject, body) with `context` filled in; a variable missing from `context` prints empty."""
        full = _Filled(context)
        subject = self.subject.render_plain(full).replace("\r", " ").replace("\n", " ")
        return subject[:255], self.body.render_plain(full)


class _Filled(dict[str, Value]):
    """A context where a variable the producer did not give reads as empty text (never a KeyError)."""

    def __missing__(self, key: str) -> Value:
        return ""


def catalogue(event: MessageEvent) -> dict[str, Variable]:
    """The variables of `event`, by name."""
    return {v.name: v for v in VARIABLES[event]}


def variable_list(event: MessageEvent) -> str:
    """``{{ cliente.nome }}, {{ contrato.numero }} …`` — the valid variables of `event`, for messages."""
    return ", ".join("{{ " + v.name + " }}" for v in VARIABLES[event])


def _compile(event: MessageEvent, text: str, part: str) -> Template:
    try:
        return compile_template(text, catalogue(event))
    except TemplateError as exc:
        problems = [f"{part}: {p}" for p in exc.problems]
        if exc.unknown:
            problems.append(f"Variáveis válidas para “{event.label}”: {variable_list(event)}.")
        raise TemplateError(problems, exc.unknown) from None


def validate(event: MessageEvent, subject: str, body: str) -> CompiledTemplate:
    """Compile and check a template of `event`.

    Raises:
        BusinessRuleError: empty or multi-line subject, empty body, a legal variable dropped (named).
        TemplateError: unknown variables (named, with the valid ones listed) or other markup problems.
    """
    if not subject.strip():
        raise BusinessRuleError("O assunto está vazio. Escreva o assunto da mensagem (no SMS e no WhatsApp ele "
                                "não aparece, mas fica no registro).", field="assunto")
    if "\n" in subject.strip() or len(subject) > MAX_SUBJECT:
        raise BusinessRuleError(f"O assunto deve ter uma só linha, com até {MAX_SUBJECT} caracteres.",
                                field="assunto")
    if not body.strip():
        raise BusinessRuleError("O texto da mensagem está vazio. Escreva o corpo antes de salvar.", field="corpo")
    compiled = CompiledTemplate(event, _compile(event, subject, "Assunto"), _compile(event, body, "Corpo"))
    missing = [n for n in REQUIRED.get(event, ()) if n not in compiled.body.variables]
    if missing:
        names = ", ".join("{{ " + n + " }}" for n in missing)
        raise BusinessRuleError(
            f"O modelo de “{event.label}” é um aviso exigido por lei e precisa manter no corpo "
            f"{'a variável' if len(missing) == 1 else 'as variáveis'} {names}. Coloque-"
            f"{'a' if len(missing) == 1 else 'as'} de volta no texto.", field="corpo")
    return compiled


@lru_cache(maxsize=256)
def compiled(event: MessageEvent, subject: str, body: str) -> CompiledTemplate:
    """`validate`, cached by text: a run that writes many messages compiles each template once."""
    return validate(event, subject, body)


def parse_event(text: str) -> MessageEvent:
    """``"aviso_inadimplencia"`` → the event.

    Raises:
        BusinessRuleError: unknown event (the valid ones listed).
    """
    raw = (text or "").strip().lower()
    for event in MessageEvent:
        if event.value == raw:
            return event
    raise BusinessRuleError(f"Evento desconhecido: “{text}”. Use um destes: "
                            f"{', '.join(e.value for e in MessageEvent)}.", field="evento")


def parse_channel(text: str) -> str:
    """``"SMS"`` → ``sms``.

    Raises:
        BusinessRuleError: not a template channel (the valid ones listed).
    """
    raw = (text or "").strip().lower()
    if raw in TEMPLATE_CHANNELS:
        return raw
    raise BusinessRuleError(f"Canal desconhecido: “{text}”. Use um destes: {', '.join(TEMPLATE_CHANNELS)} "
                            "(padrao vale para qualquer canal sem modelo próprio).", field="canal")


def template_channel(channel: str) -> str:
    """The template channel a message channel reads first (a letter or a new channel: the default)."""
    return channel if channel in TEMPLATE_CHANNELS else DEFAULT_CHANNEL


def sample_context(event: MessageEvent) -> dict[str, Value]:
    """The sample value of each variable of `event` (the editor's preview without a contract)."""
    return {v.name: v.sample for v in VARIABLES[event]}
