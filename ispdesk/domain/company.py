"""The provider's own data (Parâmetros › Empresa): validation, normalisation and the example check.

The same validators as a customer's: CNPJ through `documents.validate_document`, CEP, phone and
e-mail through `contact`, UF from `contact.UFS`. Stored unmasked (digits / upper-case), shown masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ispdesk.domain.contact import UFS, mask_cep, mask_phone, normalize_cep, normalize_email, normalize_phone
from ispdesk.domain.documents import PersonType, mask_document, validate_document
from ispdesk.domain.errors import BusinessRuleError

#: The example provider every new database starts with (the parameters' defaults).
EXAMPLE_CNPJ = "11222333000181"
EXAMPLE_LEGAL_NAME = "Provedor Exemplo Ltda."

#: Company parameters that must be filled in (label used in messages).
REQUIRED: dict[str, str] = {
    "empresa_razao_social": "a razão social",
    "empresa_nome_fantasia": "o nome fantasia",
    "empresa_cnpj": "o CNPJ",
    "empresa_endereco": "o endereço",
    "empresa_cidade": "a cidade",
    "empresa_uf": "a UF",
    "empresa_cep": "o CEP",
    "empresa_telefone": "o telefone",
    "empresa_email": "o e-mail",
}
#: Longest text each field may hold (the branch columns the contract prints from).
MAX_LENGTH: dict[str, int] = {"empresa_razao_social": 200, "empresa_nome_fantasia": 200, "empresa_endereco": 300,
                              "empresa_cidade": 100, "empresa_site": 200}
FIELDS: tuple[str, ...] = (*REQUIRED, "empresa_site")


def normalize_field(name: str, value: Any) -> str:
    """The stored form of company parameter `name` (CNPJ/CEP/phone unmasked, UF upper-case).

    Raises:
        BusinessRuleError: the value is empty or invalid, with the fix in Portuguese (field `name`).
    """
    text = " ".join(str(value or "").split())
    if not text:
        if name in REQUIRED:
            raise BusinessRuleError(f"Informe {REQUIRED[name]} da empresa.", field=name)
        return ""
    try:
        if name == "empresa_cnpj":
            return validate_document(text, PersonType.JURIDICA)[0]
        if name == "empresa_cep":
            return normalize_cep(text, name)
        if name == "empresa_telefone":
            return normalize_phone(text, name)
        if name == "empresa_email":
            return normalize_email(text, name)
    except BusinessRuleError as exc:
        raise BusinessRuleError(exc.message, field=name) from None
    if name == "empresa_uf":
        uf = text.upper()
        if uf not in UFS:
            raise BusinessRuleError(f"UF “{text}” não existe. Escolha uma das 27 da lista (ex.: SP, MG, DF).",
                                    field=name)
        return uf
    limit = MAX_LENGTH.get(name)
    if limit is not None and len(text) > limit:
        raise BusinessRuleError(f"Use no máximo {limit} caracteres ({len(text)} informados).", field=name)
    return text


def normalize(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(`values` with every company field normalised, errors name → message); other names untouched."""
    out = dict(values)
    errors: dict[str, str] = {}
    for name in FIELDS:
        if name in values:
            try:
                out[name] = normalize_field(name, values[name])
            except BusinessRuleError as exc:
                errors[name] = exc.message
    return out, errors


def display_field(name: str, value: Any) -> str:
    """The masked form shown in the editor: ``11.222.333/0001-81``, ``01310-100``, ``(11) 3333-4444``."""
    text = str(value or "")
    if name == "empresa_cnpj":
        return mask_document(text) if text else ""
    if name == "empresa_cep":
        return mask_cep(text)
    if name == "empresa_telefone":
        return mask_phone(text)
    return text


def is_example(legal_name: str, cnpj: str) -> bool:
    """True while the provider is still the example one (its CNPJ or its razão social)."""
    from ispdesk.domain.documents import normalize_document

    return normalize_document(cnpj or "") == EXAMPLE_CNPJ or (legal_name or "").strip() == EXAMPLE_LEGAL_NAME


def example_refusal(what: str = "o contrato") -> str:
    """The message refusing a document while the company data is still the example one."""
    return (f"Não é possível gerar {what}: os dados da empresa ainda são os do exemplo ({EXAMPLE_LEGAL_NAME}, "
            f"CNPJ {mask_document(EXAMPLE_CNPJ)}). Informe a razão social, o CNPJ, o endereço e os contatos do "
            "provedor em Configurações › Parâmetros › Empresa e gere de novo.")
