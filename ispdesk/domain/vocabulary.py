"""The labels people see for the internal names the history and messages carry.

Audit rows store field keys (``data_ativacao``, ``access_status``, parameter names) and stored values
(``cancelado``, ``bloqueado``); the screens show them through `field_label` and `value_label`, so no
internal name reaches the user. Parameter names take their registry label.
"""

from __future__ import annotations

from typing import Any

from ispdesk.domain import access, statuses
from ispdesk.domain.parameters import BY_NAME
from ispdesk.domain.permissions import Role

FIELD_LABELS: dict[str, str] = {
    # customers
    "nome": "Nome", "cpf_cnpj": "CPF/CNPJ", "tipo_pessoa": "Tipo de pessoa", "rg_ie": "RG/IE",
    "data_nascimento": "Data de nascimento", "email": "E-mail", "email_secundario": "E-mail secundário",
    "celular": "Celular", "telefone": "Telefone", "cep": "CEP", "endereco": "Endereço", "numero": "Número",
    "complemento": "Complemento", "bairro": "Bairro", "cidade": "Cidade", "uf": "UF",
    "hotsite_login": "Login do hotsite", "hotsite_senha": "Senha do hotsite", "status": "Situação",
    "observacao": "Observação", "clientes": "Clientes", "codigos": "Códigos", "codigo": "Código",
    # contracts
    "cliente": "Cliente", "plano": "Plano", "valor": "Valor", "data_ativacao": "Data de ativação",
    "data_base_financeira": "Data base financeira", "dia_vencimento": "Dia de vencimento",
    "fidelidade_meses": "Fidelidade (meses)", "beneficio_fidelidade": "Benefício da fidelidade",
    "data_expiracao": "Data de expiração", "data_renovacao": "Data de renovação",
    "motivo_inclusao": "Motivo de inclusão", "condicao_pagamento": "Condição de pagamento",
    "tipo_cobranca": "Tipo de cobrança", "motivo": "Motivo", "multa": "Multa", "tipo": "Tipo",
    "origem": "Origem", "proporcional": "Proporcional", "ultimo_periodo": "Último período",
    "cobrancas_canceladas": "Cobranças canceladas", "cancelamentos": "Cancelamentos", "contratos": "Contratos",
    "mudancas_plano": "Mudanças de plano", "numeros": "Números", "pagamentos": "Pagamentos",
    "reajuste_agendado_cancelado": "Reajuste agendado cancelado", "versao": "Versão", "modelo": "Modelo",
    "receita": "Receita", "caracteres": "Caracteres", "bloqueado_ate": "Bloqueado até",
    "activated_on": "Data de ativação", "cancelled_on": "Data de cancelamento", "renewed_on": "Data de renovação",
    "loyalty_expires_on": "Data de expiração", "billing_base_date": "Data base financeira",
    "access_status": "Situação do acesso", "access_until": "Acesso liberado até",
    "no_block_until": "Protegido do bloqueio até", "block_exempt": "Isento de bloqueio",
    "trust_restriction_lifted": "Restrição do desbloqueio liberada", "signed_at": "Assinado em",
    "sent_for_signature_at": "Enviado para assinatura em",
    # charges and payments
    "descricao": "Descrição", "vencimento": "Vencimento", "valor_pago": "Valor pago", "ate": "Até",
    "cobrancas": "Cobranças", "contrato": "Contrato",
    # plans
    "name": "Nome", "price": "Preço", "download_mbps": "Download (Mbps)", "upload_mbps": "Upload (Mbps)",
    "loyalty_months": "Fidelidade (meses)", "loyalty_benefit": "Benefício da fidelidade",
    "adjustment_rule": "Regra de reajuste", "active": "Ativo", "planos": "Planos", "code": "Código",
    # users
    "login": "Login", "role": "Perfil", "tentativa": "Tentativa", "tentativas": "Tentativas",
    # routines
    "alterados_durante": "Alterados durante a rotina", "contagens": "Contagens", "data": "Data",
    "falhas": "Falhas", "interrompida": "Interrompida",
}

ROLE_LABELS = {Role.ADMINISTRADOR.value: "Administrador", Role.ATENDIMENTO.value: "Atendimento",
               Role.FINANCEIRO.value: "Financeiro"}


def field_label(key: str) -> str:
    """The label of a field key or parameter name (``data_ativacao`` → ``Data de ativação``)."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    spec = BY_NAME.get(key)
    if spec is not None:
        return spec.label
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _enum_labels() -> dict[str, str]:
    found: dict[str, str] = {}
    enums = [obj for module in (statuses, access) for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, statuses.LabeledEnum) and obj is not statuses.LabeledEnum]
    for enum in enums:
        for member in enum:
            found.setdefault(member.value, member.label)
    return found


ENUM_LABELS: dict[str, str] = {**_enum_labels(), **ROLE_LABELS}


def value_label(value: Any, codes: dict[str, str] | None = None) -> Any:
    """A stored status/kind/role shown by its label (``cancelado`` → ``Cancelado``).

    A catalogue code shows as its description when `codes` has it (``CARNE`` → ``Carnê``); anything else
    is returned unchanged.
    """
    if isinstance(value, str):
        if codes and value in codes:
            return codes[value]
        return ENUM_LABELS.get(value, value)
    return value
