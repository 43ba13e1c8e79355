"""General parameters (Parâmetros gerais): declared once with type, default, label, tab and floor.

The registry is the single source of truth: the database stores only values that differ from the
default, the editor builds its fields from it, and the CLI parses values with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ispdesk.domain.date_windows import DEFAULT_FOUNDING, EARLIEST_BIRTH
from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.messages import (
    SMS_PROVIDERS,
    WHATSAPP_PROVIDERS,
    MessageEvent,
    parse_channels,
    parse_hhmm,
    switch_parameter,
)
from ispdesk.domain.text import fold


class Kind(StrEnum):
    """Value type of a parameter."""

    BOOL = "bool"
    INT = "int"
    DECIMAL = "decimal"
    CHOICE = "choice"
    TEXT = "text"
    DATE = "date"


@dataclass(frozen=True)
class ParameterSpec:
    """Declaration of one general parameter.

    Attributes:
        name: the public name (CLI, storage), e.g. ``cpf_cnpj_obrigatorio``.
        kind: value type.
        default: the value when nothing is stored.
        label: Portuguese label for the editor.
        tab: the editor tab ("Cadastros", "Contratos", "Financeiro", "Bloqueio", "Empresa", "Segurança").
        help: one line of explanation shown in the editor.
        minimum / maximum: bounds for numbers.
        legal_floor: text naming the legal rule behind `minimum`, when it is a legal floor.
        choices: allowed values for CHOICE (value → label).
        secret: a password: never shown, exported, logged or audited (shown as ``••••••``).
    """

    name: str
    kind: Kind
    default: Any
    label: str
    tab: str
    help: str = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    legal_floor: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    secret: bool = False


_TRUE = {"sim", "s", "true", "t", "1", "yes", "y", "verdadeiro", "on"}
_FALSE = {"nao", "n", "false", "f", "0", "no", "falso", "off"}

TAB_ORDER = ("Cadastros", "Contratos", "Financeiro", "Bloqueio", "Empresa", "Segurança", "Mensagens", "Rede")

SPECS: tuple[ParameterSpec, ...] = (
    # Cadastros (IXC: Configurações › Parâmetros › Parâmetros gerais › Cadastros)
    ParameterSpec("aceitar_cpf_cnpj_duplicado", Kind.BOOL, False, "Aceitar CPF/CNPJ duplicado", "Cadastros",
                  "Permite mais de um cadastro com o mesmo documento (risco: recadastrar inadimplentes)."),
    ParameterSpec("cpf_cnpj_obrigatorio", Kind.BOOL, True, "CPF/CNPJ obrigatório", "Cadastros",
                  "Exige o documento para consultar a situação do cliente."),
    ParameterSpec("hotsite_obrigatorio", Kind.BOOL, False, "Hotsite obrigatório", "Cadastros",
                  "Exige login e senha da central do assinante no cadastro."),
    ParameterSpec("custo_senha_hotsite", Kind.CHOICE, "baixo", "Custo das senhas do hotsite", "Cadastros",
                  "Custo do argon2 ao gravar senhas do hotsite: mais alto resiste mais a quem roubar uma cópia "
                  "do banco, mas cada senha leva mais tempo (importar 100.000: ~1 min baixo, ~30 min médio).",
                  choices=(("baixo", "Baixo (1 passada, 2 MiB, ~1 ms)"),
                           ("medio", "Médio (2 passadas, 19 MiB, ~35 ms)"),
                           ("alto", "Alto (3 passadas, 64 MiB, ~115 ms)"))),
    ParameterSpec("celular_obrigatorio", Kind.BOOL, True, "Telefone celular obrigatório", "Cadastros",
                  "Necessário para boletos por gateway, SMS e notificações."),
    ParameterSpec("email_obrigatorio", Kind.BOOL, True, "E-mail principal obrigatório", "Cadastros",
                  "Necessário para o envio de faturas e avisos."),
    ParameterSpec("motivo_inclusao_obrigatorio", Kind.BOOL, True, "Motivo de inclusão obrigatório", "Cadastros",
                  "Exige o motivo de inclusão em todo contrato novo."),
    # Contratos
    ParameterSpec("dia_vencimento_padrao", Kind.INT, 10, "Dia de vencimento padrão", "Contratos",
                  "Dia do mês sugerido para novos contratos.", minimum=1, maximum=28),
    ParameterSpec("fidelidade_meses_padrao", Kind.INT, 12, "Fidelidade padrão (meses)", "Contratos",
                  "Usado quando o plano não define fidelidade.", minimum=0, maximum=36),
    ParameterSpec("beneficio_fidelidade_padrao", Kind.DECIMAL, Decimal("0.00"), "Benefício padrão (R$)",
                  "Contratos", "Total concedido em troca da fidelidade, quando o plano não define.",
                  minimum=Decimal("0")),
    ParameterSpec("divisor_proporcional", Kind.CHOICE, "30", "Divisor do proporcional", "Contratos",
                  "Dias usados para dividir a mensalidade no proporcional.",
                  choices=(("30", "30 dias"), ("mes", "Dias do mês"))),
    # Financeiro
    ParameterSpec("multa_atraso_percentual", Kind.DECIMAL, Decimal("2.00"), "Multa por atraso (%)", "Financeiro",
                  "Cobrada uma vez sobre o principal em atraso, a partir do dia seguinte ao vencimento útil.",
                  minimum=Decimal("0"), maximum=Decimal("2"),
                  legal_floor="CDC art. 52 §1º: multa de mora de no máximo 2 %"),
    ParameterSpec("juros_mora_percentual_mes", Kind.DECIMAL, Decimal("1.00"), "Juros de mora ao mês (%)",
                  "Financeiro", "Juros simples ao mês, pro rata die (dias/30), desde o dia seguinte ao vencimento "
                  "útil.",
                  minimum=Decimal("0"), maximum=Decimal("1"),
                  legal_floor="RGC 765: juros de no máximo 1 % ao mês"),
    ParameterSpec("reajuste_aviso_dias", Kind.INT, 30, "Aviso prévio de reajuste (dias)", "Financeiro",
                  "Dias entre a decisão do reajuste e a sua vigência.", minimum=30,
                  legal_floor="Anatel: consumidor avisado com 30 dias de antecedência"),
    ParameterSpec("pix_chave", Kind.TEXT, "", "Chave PIX do recebedor", "Financeiro",
                  "CPF/CNPJ, e-mail, celular (+55…) ou chave aleatória; vazia: as cobranças não mostram PIX."),
    ParameterSpec("pix_nome_recebedor", Kind.TEXT, "", "Nome do recebedor no PIX", "Financeiro",
                  "Até 25 caracteres, sem acentos no código (vazio: o nome fantasia da empresa)."),
    ParameterSpec("pix_cidade", Kind.TEXT, "", "Cidade do recebedor no PIX", "Financeiro",
                  "Até 15 caracteres, sem acentos no código (vazio: a cidade da empresa)."),
    # Bloqueio (régua de inadimplência)
    ParameterSpec("aviso_exige_envio", Kind.BOOL, True, "Suspensão conta do envio do aviso", "Bloqueio",
                  "Sim: redução e bloqueio só 15 dias depois que o aviso foi enviado (e-mail enviado ou carta "
                  "entregue); um aviso não enviado segura a suspensão. Não: conta da data do aviso."),
    ParameterSpec("dias_aviso", Kind.INT, 1, "Aviso de inadimplência (dias após o vencimento)", "Bloqueio",
                  "A notificação é registrada neste dia; sem ela não há redução nem bloqueio.", minimum=0),
    ParameterSpec("reducao_habilitada", Kind.BOOL, True, "Redução de velocidade habilitada", "Bloqueio",
                  "Etapa opcional, mais branda, antes do bloqueio."),
    ParameterSpec("dias_reducao", Kind.INT, 16, "Redução (dias após o vencimento)", "Bloqueio",
                  "Nunca antes de 15 dias da notificação.", minimum=1,
                  legal_floor="RGC 765: suspensão só 15 dias após a notificação"),
    ParameterSpec("dias_bloqueio", Kind.INT, 31, "Bloqueio (dias após o vencimento)", "Bloqueio",
                  "Nunca antes de 15 dias da notificação.", minimum=1,
                  legal_floor="RGC 765: suspensão só 15 dias após a notificação"),
    ParameterSpec("dias_rescisao", Kind.INT, 60, "Rescisão (dias de bloqueio)", "Bloqueio",
                  "Contrato rescindido após estes dias de suspensão total.", minimum=60,
                  legal_floor="RGC 765: rescisão só após 60 dias de suspensão"),
    ParameterSpec("desbloqueio_confianca_dias", Kind.INT, 3, "Desbloqueio de confiança (dias)", "Bloqueio",
                  "Dias de acesso liberados pelo próprio cliente.", minimum=1, maximum=30),
    ParameterSpec("desbloqueio_confianca_intervalo_dias", Kind.INT, 30,
                  "Intervalo entre desbloqueios de confiança (dias)", "Bloqueio",
                  "Só pode ser usado de novo após estes dias.", minimum=0),
    ParameterSpec("liberacao_temporaria_dias", Kind.INT, 2, "Liberação temporária (dias)", "Bloqueio",
                  "Dias de acesso concedidos pela equipe.", minimum=1, maximum=30),
    ParameterSpec("liberacao_temporaria_max_por_bloqueio", Kind.INT, 1,
                  "Liberações temporárias por bloqueio", "Bloqueio",
                  "Quantas vezes o mesmo bloqueio pode ser liberado temporariamente.", minimum=0),
    # Empresa (used on contracts and reports)
    ParameterSpec("empresa_razao_social", Kind.TEXT, "Provedor Exemplo Ltda.", "Razão social", "Empresa"),
    ParameterSpec("empresa_nome_fantasia", Kind.TEXT, "Provedor Exemplo", "Nome fantasia", "Empresa"),
    ParameterSpec("empresa_cnpj", Kind.TEXT, "11222333000181", "CNPJ", "Empresa"),
    ParameterSpec("empresa_endereco", Kind.TEXT, "Rua das Fibras, 100 — Centro", "Endereço", "Empresa"),
    ParameterSpec("empresa_cidade", Kind.TEXT, "São Paulo", "Cidade", "Empresa"),
    ParameterSpec("empresa_uf", Kind.TEXT, "SP", "UF", "Empresa"),
    ParameterSpec("empresa_cep", Kind.TEXT, "01310100", "CEP", "Empresa"),
    ParameterSpec("empresa_telefone", Kind.TEXT, "1133334444", "Telefone", "Empresa"),
    ParameterSpec("empresa_email", Kind.TEXT, "atendimento@provedor.example", "E-mail", "Empresa"),
    ParameterSpec("empresa_site", Kind.TEXT, "www.provedor.example", "Site", "Empresa"),
    ParameterSpec("data_fundacao_provedor", Kind.DATE, DEFAULT_FOUNDING, "Data de fundação do provedor", "Empresa",
                  "Nenhuma ativação de contrato nem pagamento pode ser anterior a esta data (dd/mm/aaaa)."),
    # Segurança (login do ispdesk)
    ParameterSpec("login_tentativas_maximas", Kind.INT, 5, "Tentativas de login antes do bloqueio", "Segurança",
                  "Senhas erradas seguidas que bloqueiam o login; um administrador pode desbloquear antes.",
                  minimum=1, maximum=100),
    ParameterSpec("login_bloqueio_minutos", Kind.INT, 15, "Bloqueio do login (minutos)", "Segurança",
                  "Por quanto tempo o login fica bloqueado após as tentativas erradas.", minimum=1,
                  maximum=1440),
    # Mensagens (e-mail aos clientes; `ispdesk tasks messages` envia)
    ParameterSpec("smtp_servidor", Kind.TEXT, "", "Servidor SMTP", "Mensagens",
                  "Endereço do servidor de e-mail (ex.: smtp.provedor.com.br). Vazio: e-mails ficam pendentes."),
    ParameterSpec("smtp_porta", Kind.INT, 587, "Porta SMTP", "Mensagens",
                  "587 com STARTTLS, 465 com SSL, 25 sem segurança.", minimum=1, maximum=65535),
    ParameterSpec("smtp_seguranca", Kind.CHOICE, "starttls", "Segurança da conexão SMTP", "Mensagens",
                  "Como a conexão com o servidor de e-mail é protegida.",
                  choices=(("nenhuma", "Nenhuma"), ("starttls", "STARTTLS"), ("ssl", "SSL/TLS"))),
    ParameterSpec("smtp_usuario", Kind.TEXT, "", "Usuário SMTP", "Mensagens",
                  "Login no servidor de e-mail (vazio: sem autenticação)."),
    ParameterSpec("smtp_senha", Kind.TEXT, "", "Senha SMTP", "Mensagens",
                  "Nunca aparece em listas, exportações, logs ou na auditoria.", secret=True),
    ParameterSpec("smtp_certificado_ca", Kind.TEXT, "", "Certificado da autoridade (arquivo)", "Mensagens",
                  "Só para servidores com certificado próprio: arquivo .pem da autoridade que o assinou."),
    ParameterSpec("email_remetente", Kind.TEXT, "", "E-mail do remetente", "Mensagens",
                  "Endereço que aparece como remetente (ex.: financeiro@provedor.com.br)."),
    ParameterSpec("email_remetente_nome", Kind.TEXT, "", "Nome do remetente", "Mensagens",
                  "Nome que aparece como remetente (vazio: o nome fantasia da empresa)."),
    ParameterSpec("mensagens_horario_inicio", Kind.TEXT, "08:00", "Enviar a partir de (HH:MM)", "Mensagens",
                  "Nada é enviado antes deste horário."),
    ParameterSpec("mensagens_horario_fim", Kind.TEXT, "20:00", "Enviar até (HH:MM)", "Mensagens",
                  "Nada é enviado a partir deste horário; o que ficou pendente sai no dia seguinte."),
    ParameterSpec("mensagens_tentativas", Kind.INT, 8, "Tentativas por mensagem", "Mensagens",
                  "Depois de tantas falhas seguidas a mensagem fica como “falhou”, com o motivo.",
                  minimum=1, maximum=50),
    ParameterSpec("mensagens_agendador_minutos", Kind.INT, 5, "Envio automático com o programa aberto (minutos)",
                  "Mensagens", "Enquanto o ispdesk está aberto, envia o que estiver na fila a cada tantos minutos "
                  "(respeitando o horário de envio). 0 desliga; use então a tarefa agendada.", minimum=0,
                  maximum=1440),
    # Lembretes por data (services/reminders.py, ``ispdesk tasks reminders``)
    ParameterSpec("mensagens_cobranca_dias_antes", Kind.INT, 3, "Lembrete de vencimento (dias antes)", "Mensagens",
                  "“Cobrança vencendo” sai quando faltam até tantos dias para o vencimento da cobrança em aberto.",
                  minimum=0, maximum=60),
    ParameterSpec("mensagens_cobranca_vencida_dias", Kind.INT, 1, "Cobrança vencida (dias depois)", "Mensagens",
                  "“Cobrança vencida” sai tantos dias depois do vencimento útil (primeiro dia útil no ou após o "
                  "vencimento) de uma cobrança ainda em aberto.", minimum=1, maximum=60),
    ParameterSpec("mensagens_fidelidade_dias_antes", Kind.INT, 30, "Fidelidade vencendo (dias antes)", "Mensagens",
                  "“Fidelidade vencendo” sai quando faltam até tantos dias para o fim da fidelidade do contrato.",
                  minimum=1, maximum=365),
    # Canais de SMS e WhatsApp (adapters/http_gateway.py) e a ordem de preferência
    ParameterSpec("mensagens_canais", Kind.TEXT, "email", "Canais, em ordem de preferência", "Mensagens",
                  "Ex.: whatsapp,sms,email. A mensagem vai pelo primeiro canal que o cliente tem; se falhar "
                  "de vez, pelo próximo. Sem nenhum: carta para imprimir."),
    ParameterSpec("mensagens_tempo_limite", Kind.INT, 15, "Tempo limite dos gateways (segundos)", "Mensagens",
                  "Quanto esperar a resposta de um gateway de SMS/WhatsApp antes de tentar mais tarde.",
                  minimum=1, maximum=120),
    ParameterSpec("sms_provedor", Kind.CHOICE, "nenhum", "Provedor de SMS", "Mensagens",
                  "Por onde os SMS saem.", choices=SMS_PROVIDERS),
    ParameterSpec("sms_url", Kind.TEXT, "", "URL do gateway de SMS", "Mensagens",
                  "Webhook: obrigatória. Zenvia: vazio usa a URL oficial da API v2."),
    ParameterSpec("sms_token", Kind.TEXT, "", "Token do gateway de SMS", "Mensagens",
                  "Zenvia: o X-API-TOKEN. Webhook: enviado como Bearer, se preenchido.", secret=True),
    ParameterSpec("sms_remetente", Kind.TEXT, "", "Remetente do SMS", "Mensagens",
                  "Zenvia: a identificação do remetente (campo from)."),
    ParameterSpec("sms_cabecalhos", Kind.TEXT, "", "Cabeçalhos do webhook de SMS (JSON)", "Mensagens",
                  "Ex.: {\"X-Chave\": \"...\"}. Nunca aparece em listas ou exportações.", secret=True),
    ParameterSpec("sms_corpo", Kind.TEXT, "", "Corpo do webhook de SMS (JSON)", "Mensagens",
                  "Modelo JSON com {telefone}, {texto}, {assunto}, {id}. Vazio: "
                  "{\"to\": \"{telefone}\", \"text\": \"{texto}\"}."),
    ParameterSpec("whatsapp_provedor", Kind.CHOICE, "nenhum", "Provedor de WhatsApp", "Mensagens",
                  "Por onde as mensagens de WhatsApp saem.", choices=WHATSAPP_PROVIDERS),
    ParameterSpec("whatsapp_url", Kind.TEXT, "", "URL do gateway de WhatsApp", "Mensagens",
                  "Webhook: obrigatória. Cloud API: vazio usa graph.facebook.com."),
    ParameterSpec("whatsapp_token", Kind.TEXT, "", "Token do WhatsApp", "Mensagens",
                  "Cloud API: o token de acesso (Bearer). Webhook: Bearer, se preenchido.", secret=True),
    ParameterSpec("whatsapp_numero_id", Kind.TEXT, "", "Phone number id do WhatsApp", "Mensagens",
                  "Cloud API: o identificador do número remetente."),
    ParameterSpec("whatsapp_modelo", Kind.TEXT, "", "Modelo aprovado do WhatsApp", "Mensagens",
                  "Cloud API: nome do modelo aprovado, com {{1}} = assunto e {{2}} = texto."),
    ParameterSpec("whatsapp_idioma", Kind.TEXT, "pt_BR", "Idioma do modelo do WhatsApp", "Mensagens",
                  "Código do idioma do modelo aprovado (pt_BR)."),
    ParameterSpec("whatsapp_cabecalhos", Kind.TEXT, "", "Cabeçalhos do webhook de WhatsApp (JSON)", "Mensagens",
                  "Nunca aparece em listas ou exportações.", secret=True),
    ParameterSpec("whatsapp_corpo", Kind.TEXT, "", "Corpo do webhook de WhatsApp (JSON)", "Mensagens",
                  "Modelo JSON com {telefone}, {texto}, {assunto}, {id}."),
    # Notificações push (adapters/push_fcm.py): Firebase Cloud Messaging HTTP v1
    ParameterSpec("push_conta_servico", Kind.TEXT, "", "Conta de serviço do push (arquivo JSON)", "Mensagens",
                  "Caminho do arquivo JSON da conta de serviço do Firebase (ou o próprio JSON). Vazio: não envia "
                  "push. Nunca aparece em listas, exportações, logs ou na auditoria.", secret=True),
    ParameterSpec("push_url", Kind.TEXT, "", "URL do Firebase Cloud Messaging", "Mensagens",
                  "Vazio usa https://fcm.googleapis.com (troque só para um proxy ou ambiente de testes)."),
)

SPECS += tuple(
    ParameterSpec(switch, Kind.BOOL, True, f"Enviar “{event.label}”", "Mensagens",
                  "Liga ou desliga esta mensagem automática (os avisos exigidos por lei não podem ser desligados).")
    for event in MessageEvent if (switch := switch_parameter(event)) is not None
)

# Rede (FreeRADIUS): group names and attributes written into the rlm_sql tables (issue 16)
SPECS += (
    ParameterSpec("radius_grupo_plano_prefixo", Kind.TEXT, "plano_", "Prefixo do grupo de cada plano", "Rede",
                  "O grupo de um plano é este prefixo + o código do plano (ex.: plano_FIBRA-300)."),
    ParameterSpec("radius_atributo_velocidade", Kind.TEXT, "Mikrotik-Rate-Limit", "Atributo de velocidade", "Rede",
                  "Atributo de resposta com a velocidade (upload/download)."),
    ParameterSpec("radius_grupo_reducao", Kind.TEXT, "reduzido", "Grupo da redução", "Rede"),
    ParameterSpec("velocidade_reducao", Kind.TEXT, "1M/2M", "Velocidade na redução (upload/download)", "Bloqueio",
                  "Velocidade do contrato reduzido por inadimplência, formato Mikrotik (ex.: 1M/2M)."),
    ParameterSpec("radius_grupo_bloqueio", Kind.TEXT, "bloqueado", "Grupo do bloqueio", "Rede"),
    ParameterSpec("radius_pool_bloqueio", Kind.TEXT, "bloqueio", "Pool de IPs do bloqueio", "Rede",
                  "Framed-Pool dos bloqueados (a rede que só alcança a página de aviso)."),
    ParameterSpec("radius_atributo_lista", Kind.TEXT, "Mikrotik-Address-List", "Atributo da lista de endereços",
                  "Rede"),
    ParameterSpec("radius_lista_bloqueio", Kind.TEXT, "bloqueados", "Lista de endereços do bloqueio", "Rede",
                  "Address list que o concentrador redireciona para a página de aviso."),
    ParameterSpec("radius_mensagem_bloqueio", Kind.TEXT,
                  "Acesso bloqueado por falta de pagamento. Regularize pela central do assinante.",
                  "Mensagem do bloqueio (Reply-Message)", "Rede"),
    ParameterSpec("radius_grupo_cancelado", Kind.TEXT, "cancelado", "Grupo dos cancelados e rescindidos", "Rede",
                  "Recebem Auth-Type := Reject: o login é recusado."),
    ParameterSpec("radius_coa_tentativas", Kind.INT, 3, "Tentativas de CoA/Disconnect", "Rede",
                  "Quantas vezes o pedido é enviado ao concentrador antes de registrar a falha.", minimum=1,
                  maximum=10),
    ParameterSpec("radius_coa_espera_segundos", Kind.INT, 2, "Espera pela resposta do concentrador (s)", "Rede",
                  minimum=1, maximum=30),
)

BY_NAME: dict[str, ParameterSpec] = {s.name: s for s in SPECS}


def spec(name: str) -> ParameterSpec:
    """The declaration of `name`.

    Raises:
        BusinessRuleError: unknown name, listing the valid ones.
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise BusinessRuleError(
            f"Parâmetro desconhecido: “{name}”. Use `ispdesk params list` para ver os nomes válidos."
        ) from None


def parse_value(name: str, text: str) -> Any:
    """Parse a value typed by a person (CLI, CSV) for parameter `name`.

    Yes/no parameters take sim/não (nao, s/n, true/false; case- and accent-insensitive); day counts
    take whole numbers; decimals take a comma or a point.

    Raises:
        BusinessRuleError: the value does not fit the parameter.
    """
    s = spec(name)
    raw = (text or "").strip()
    if s.kind is Kind.BOOL:
        key = fold(raw)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use sim ou não.")
    if s.kind is Kind.INT:
        if not raw.lstrip("-").isdigit():
            raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use um número inteiro de dias.")
        return int(raw)
    if s.kind is Kind.DECIMAL:
        try:
            return Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use um número, como 2,00.") from None
    if s.kind is Kind.DATE:
        try:
            day = parse_date(raw, field=name)
        except BusinessRuleError:
            raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use uma data dd/mm/aaaa.") from None
        if day < EARLIEST_BIRTH:
            raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use uma data a partir de "
                                    f"{format_date(EARLIEST_BIRTH)}.")
        return day
    if s.kind is Kind.CHOICE:
        allowed = [c for c, _ in s.choices]
        if raw.lower() in allowed:
            return raw.lower()
        raise BusinessRuleError(f"Valor inválido para {name}: “{text}”. Use um destes: {', '.join(allowed)}.")
    return raw


def to_storage(name: str, value: Any) -> str:
    """Value → text column."""
    s = spec(name)
    if s.kind is Kind.BOOL:
        return "sim" if value else "nao"
    if s.kind is Kind.DATE:
        return value.isoformat()
    return str(value)


def from_storage(name: str, text: str) -> Any:
    """Text column → typed value."""
    return parse_value(name, text)


def display(name: str, value: Any) -> str:
    """Value as shown to a person (sim/não, 2,00 …; a secret as ``••••••`` or empty)."""
    s = spec(name)
    if s.secret:
        return "••••••" if value else ""
    if s.kind is Kind.BOOL:
        return "sim" if value else "não"
    if s.kind is Kind.DECIMAL:
        return str(value).replace(".", ",")
    if s.kind is Kind.DATE:
        return format_date(value)
    return str(value)


def _check_bounds(s: ParameterSpec, value: Any) -> str | None:
    if s.kind not in (Kind.INT, Kind.DECIMAL):
        return None
    if s.minimum is not None and value < s.minimum:
        floor = f" ({s.legal_floor})" if s.legal_floor else ""
        return f"{s.label}: o mínimo é {display(s.name, s.minimum)}{floor}."
    if s.maximum is not None and value > s.maximum:
        limit = f" ({s.legal_floor})" if s.legal_floor else ""
        return f"{s.label}: o máximo é {display(s.name, s.maximum)}{limit}."
    return None


def _check_ladder(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    notice = values["dias_aviso"]
    floor = notice + 15
    for name in ("dias_reducao", "dias_bloqueio"):
        if values[name] < floor:
            errors[name] = (
                f"{BY_NAME[name].label}: o mínimo é {floor} dias (aviso em {notice} + 15 dias; "
                "RGC 765: suspensão só 15 dias após a notificação)."
            )
    if values["reducao_habilitada"] and values["dias_reducao"] > values["dias_bloqueio"]:
        errors.setdefault(
            "dias_reducao", "A redução deve vir antes do bloqueio: dias_reducao não pode passar de dias_bloqueio."
        )
    return errors


CROSS_CHECKS: tuple[Callable[[Mapping[str, Any]], dict[str, str]], ...] = (_check_ladder,)


def _check_pix(values: Mapping[str, Any]) -> dict[str, str]:
    from ispdesk.domain.pix import CITY_MAX, NAME_MAX, normalize_key

    errors: dict[str, str] = {}
    if str(values.get("pix_chave") or "").strip():
        try:
            normalize_key(str(values["pix_chave"]))
        except BusinessRuleError as exc:
            errors["pix_chave"] = exc.message
    for name, limit in (("pix_nome_recebedor", NAME_MAX), ("pix_cidade", CITY_MAX)):
        if len(str(values.get(name) or "").strip()) > limit:
            errors[name] = f"{BY_NAME[name].label}: no máximo {limit} caracteres (regra do BR Code do PIX)."
    return errors


def _check_hours(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("mensagens_horario_inicio", "mensagens_horario_fim"):
        try:
            parse_hhmm(str(values[name]), name)
        except BusinessRuleError as exc:
            errors[name] = f"{BY_NAME[name].label}: {exc.message}"
    return errors


def _check_channels(values: Mapping[str, Any]) -> dict[str, str]:
    try:
        parse_channels(str(values["mensagens_canais"]))
    except BusinessRuleError as exc:
        return {"mensagens_canais": exc.message}
    return {}


def validate_values(values: Mapping[str, Any]) -> dict[str, str]:
    """All errors (name → Portuguese message) of a full set of parameter values."""
    errors: dict[str, str] = {}
    for s in SPECS:
        message = _check_bounds(s, values[s.name])
        if message:
            errors[s.name] = message
    for check in (*CROSS_CHECKS, _check_hours, _check_pix, _check_channels, _check_radius):
        for name, message in check(values).items():
            errors.setdefault(name, message)
    return errors


def _check_radius(values: Mapping[str, Any]) -> dict[str, str]:
    """The reduced rate is a Mikrotik rate; group names are not empty."""
    from ispdesk.domain.radius import rate_error

    errors = {}
    if values.get("velocidade_reducao") is not None and (message := rate_error(values["velocidade_reducao"])):
        errors["velocidade_reducao"] = message
    for name in ("radius_grupo_reducao", "radius_grupo_bloqueio", "radius_grupo_cancelado"):
        if name in values and not str(values[name]).strip():
            errors[name] = "Informe o nome do grupo no FreeRADIUS (não pode ficar vazio)."
    return errors


def defaults() -> dict[str, Any]:
    """Every parameter at its default."""
    return {s.name: s.default for s in SPECS}
