"""CPF and CNPJ: normalisation, validation (validate-docbr), masks and person type.

Documents are stored unmasked and upper-case: CPF as 11 digits, CNPJ as 14 characters (the first
12 may be letters since July 2026; the two check digits are always digits).
"""

from __future__ import annotations

import re
from enum import StrEnum

from validate_docbr import CNPJ, CPF

from ispdesk.domain.errors import BusinessRuleError

_cpf = CPF()
_cnpj = CNPJ()
_STRIP = re.compile(r"[\s.\-/]")
_ALNUM = re.compile(r"^[0-9A-Z]+$")


class PersonType(StrEnum):
    """Pessoa física (CPF) or jurídica (CNPJ)."""

    FISICA = "F"
    JURIDICA = "J"


def normalize_document(text: str) -> str:
    """Remove the mask and upper-case: ``12.abc.345/01de-35`` → ``12ABC34501DE35``."""
    return _STRIP.sub("", text or "").upper()


def infer_person_type(document: str) -> PersonType | None:
    """F for 11 characters, J for 14, None otherwise."""
    doc = normalize_document(document)
    if len(doc) == 11:
        return PersonType.FISICA
    if len(doc) == 14:
        return PersonType.JURIDICA
    return None


def is_valid_cpf(document: str) -> bool:
    """True for a CPF with valid check digits and not all digits repeated."""
    doc = normalize_document(document)
    return len(doc) == 11 and doc.isdigit() and _cpf.validate(doc)


def is_valid_cnpj(document: str) -> bool:
    """True for a valid CNPJ, numeric or alphanumeric (2026 format)."""
    doc = normalize_document(document)
    return len(doc) == 14 and bool(_ALNUM.match(doc)) and doc[-2:].isdigit() and _cnpj.validate(doc)


def validate_document(text: str, person_type: PersonType | str | None = None) -> tuple[str, PersonType]:
    """Normalise and validate a CPF/CNPJ; return it with its person type.

    Raises:
        BusinessRuleError: with a specific Portuguese message (field ``cpf_cnpj``).
    """
    doc = normalize_document(text)
    inferred = infer_person_type(doc)
    wanted = PersonType(person_type) if person_type else inferred
    if not doc:
        raise BusinessRuleError("Informe o CPF ou o CNPJ.", field="cpf_cnpj")
    if wanted is PersonType.FISICA:
        if len(doc) != 11 or not doc.isdigit():
            raise BusinessRuleError(
                f"CPF “{text}” deve ter 11 dígitos (pessoa física). Confira o número ou mude o tipo de pessoa.",
                field="cpf_cnpj",
            )
        if not is_valid_cpf(doc):
            raise BusinessRuleError(
                f"CPF “{mask_document(doc)}” inválido: os dígitos verificadores não conferem. Confira o número.",
                field="cpf_cnpj",
            )
        return doc, PersonType.FISICA
    if wanted is PersonType.JURIDICA:
        if len(doc) != 14 or not _ALNUM.match(doc):
            raise BusinessRuleError(
                f"CNPJ “{text}” deve ter 14 caracteres (pessoa jurídica). Confira o número ou mude o tipo de pessoa.",
                field="cpf_cnpj",
            )
        if not is_valid_cnpj(doc):
            raise BusinessRuleError(
                f"CNPJ “{mask_document(doc)}” inválido: os dígitos verificadores não conferem. Confira o número.",
                field="cpf_cnpj",
            )
        return doc, PersonType.JURIDICA
    raise BusinessRuleError(
        f"“{text}” não é CPF (11 dígitos) nem CNPJ (14 caracteres). Confira o documento.", field="cpf_cnpj"
    )


def mask_document(document: str) -> str:
    """``52998224725`` → ``529.982.247-25``; ``12ABC34501DE35`` → ``12.ABC.345/01DE-35``."""
    doc = normalize_document(document)
    if len(doc) == 11:
        return f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}"
    if len(doc) == 14:
        return f"{doc[:2]}.{doc[2:5]}.{doc[5:8]}/{doc[8:12]}-{doc[12:]}"
    return doc


def generate_cpf() -> str:
    """A random valid CPF (unmasked), for demo data."""
    return str(_cpf.generate())


def generate_cnpj() -> str:
    """A random valid numeric CNPJ (unmasked), for demo data."""
    return str(_cnpj.generate())
