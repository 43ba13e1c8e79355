"""Customers (clientes): create, update, read and search, under the general parameters.

Every entry point (form, CSV import, scripts) goes through `check_draft_in` — the same checks the
form shows inline are the ones the save path and the importer run. Error keys are the Portuguese
CSV column names (``nome``, ``cpf_cnpj``, ``celular`` …, see `FIELDS`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ispdesk.db.models import AuditEntry, Charge, Contract, Customer
from ispdesk.domain.contact import (
    UFS,
    mask_cep,
    mask_phone,
    normalize_cep,
    normalize_email,
    normalize_mobile,
    normalize_phone,
)
from ispdesk.domain.date_windows import check_birth
from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import PersonType, mask_document, validate_document
from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, CustomerStatus
from ispdesk.domain.text import check_text, fold
from ispdesk.services import customer_words
from ispdesk.services import parameters as params_service
from ispdesk.services.customer_search import CustomerListRow, search_customers, search_customers_in
from ispdesk.services.uow import UnitOfWork

__all__ = [
    "FIELDS",
    "STATUSES",
    "UFS",
    "CustomerDraft",
    "CustomerListRow",
    "CustomerRow",
    "SaveResult",
    "check_draft",
    "check_draft_in",
    "create_customer",
    "create_customer_in",
    "customer_has_open_debt",
    "get_customer",
    "get_customer_in",
    "search_customers",
    "search_customers_in",
    "update_customer",
    "update_customer_in",
]

#: Field keys (Portuguese CSV column names) → attribute of `CustomerDraft`.
FIELDS: dict[str, str] = {
    "nome": "name",
    "cpf_cnpj": "document",
    "tipo_pessoa": "person_type",
    "rg_ie": "rg_ie",
    "data_nascimento": "birth_date",
    "email": "email",
    "email_secundario": "secondary_email",
    "celular": "mobile",
    "telefone": "phone",
    "cep": "cep",
    "endereco": "street",
    "numero": "number",
    "complemento": "complement",
    "bairro": "district",
    "cidade": "city",
    "uf": "state",
    "hotsite_login": "portal_login",
    "hotsite_senha": "portal_password",
    "status": "status",
    "observacao": "notes",
}
_KEY_OF = {attr: key for key, attr in FIELDS.items()}

STATUSES = CustomerStatus.values()
MIN_PORTAL_PASSWORD = 6
_MAX_LEN = {"name": 200, "rg_ie": 30, "street": 200, "number": 20, "complement": 100, "district": 100,
            "city": 100, "portal_login": 60}
_TEXT_LABEL = {"name": "O nome", "document": "O CPF/CNPJ", "rg_ie": "O RG/IE", "email": "O e-mail",
               "secondary_email": "O e-mail secundário", "mobile": "O celular", "phone": "O telefone",
               "cep": "O CEP", "street": "O endereço", "number": "O número", "complement": "O complemento",
               "district": "O bairro", "city": "A cidade", "state": "A UF", "portal_login": "O login do hotsite",
               "notes": "A observação"}
_LABEL = {"name": "Nome", "rg_ie": "RG/IE", "street": "Endereço", "number": "Número", "complement": "Complemento",
          "district": "Bairro", "city": "Cidade", "portal_login": "Login do hotsite"}


@dataclass(frozen=True)
class CustomerDraft:
    """What the form or a CSV row provides, as typed (masks allowed); ``""`` means empty.

    Attributes:
        person_type: ``"F"`` / ``"J"``; inferred from the document when None or empty.
        portal_password: the new hotsite password; None (or ``""``) keeps the current one on update.
        status: ``"ativo"`` or ``"inativo"``.
    """

    name: str
    document: str = ""
    person_type: str | None = None
    rg_ie: str = ""
    birth_date: date | None = None
    email: str = ""
    secondary_email: str = ""
    mobile: str = ""
    phone: str = ""
    cep: str = ""
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    portal_login: str = ""
    portal_password: str | None = field(default=None, repr=False)
    status: str = CustomerStatus.ATIVO
    notes: str = ""


@dataclass(frozen=True)
class CustomerRow:
    """A customer as the form and the exports see it (never the password hash).

    `document`, `mobile`, `phone` and `cep` are unmasked; use the ``*_masked`` properties to show them.
    """

    id: uuid.UUID
    code: int
    person_type: str
    name: str
    document: str
    rg_ie: str
    birth_date: date | None
    email: str
    secondary_email: str
    mobile: str
    phone: str
    cep: str
    street: str
    number: str
    complement: str
    district: str
    city: str
    state: str
    portal_login: str
    has_portal_password: bool
    status: str
    notes: str
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str | None
    version: int

    @property
    def document_masked(self) -> str:
        """CPF ``529.982.247-25`` / CNPJ ``12.ABC.345/01DE-35``."""
        return mask_document(self.document) if self.document else ""

    @property
    def mobile_masked(self) -> str:
        """``(11) 98765-4321``."""
        return mask_phone(self.mobile) if self.mobile else ""

    @property
    def phone_masked(self) -> str:
        """``(11) 3456-7890``."""
        return mask_phone(self.phone) if self.phone else ""

    @property
    def cep_masked(self) -> str:
        """``01310-100``."""
        return mask_cep(self.cep) if self.cep else ""

    def to_draft(self) -> CustomerDraft:
        """A draft with the current values (masked), for editing; the password is left unchanged (None)."""
        return CustomerDraft(
            name=self.name, document=self.document_masked, person_type=self.person_type, rg_ie=self.rg_ie,
            birth_date=self.birth_date, email=self.email, secondary_email=self.secondary_email,
            mobile=self.mobile_masked, phone=self.phone_masked, cep=self.cep_masked, street=self.street,
            number=self.number, complement=self.complement, district=self.district, city=self.city,
            state=self.state, portal_login=self.portal_login, portal_password=None, status=self.status,
            notes=self.notes,
        )


@dataclass(frozen=True)
class SaveResult:
    """The saved customer and the warnings the user should still see (e.g. an allowed duplicate)."""

    customer: CustomerRow
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------- rows


def _row(c: Customer) -> CustomerRow:
    return CustomerRow(
        id=c.id, code=c.code, person_type=c.person_type, name=c.name, document=c.document or "",
        rg_ie=c.rg_ie or "", birth_date=c.birth_date, email=c.email or "", secondary_email=c.secondary_email or "",
        mobile=c.mobile or "", phone=c.phone or "", cep=c.cep or "", street=c.street or "", number=c.number or "",
        complement=c.complement or "", district=c.district or "", city=c.city or "", state=c.state or "",
        portal_login=c.portal_login or "", has_portal_password=bool(c.portal_password_hash), status=c.status,
        notes=c.notes or "", created_at=c.created_at, created_by=c.created_by, updated_at=c.updated_at,
        updated_by=c.updated_by, version=c.version,
    )


# ------------------------------------------------------------------------------------ lookups (DB)


@dataclass(frozen=True)
class ExistingCustomer:
    """A customer found by a duplicate check: enough to name it in a message."""

    id: uuid.UUID
    code: int
    name: str
    status: str
    has_open_debt: bool

    def describe(self) -> str:
        """``código 12, Maria da Silva, inativo, com débito em aberto``."""
        parts = [f"código {self.code}", self.name, self.status]
        if self.has_open_debt:
            parts.append("com débito em aberto")
        return ", ".join(parts)


class Lookups:
    """Database questions the checks ask; the importer replaces them with prefetched answers.

    Attributes:
        session: an open session.
        today: the business date (open debt = charge due before it).
    """

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today

    def same_document(self, document: str) -> list[ExistingCustomer]:
        """Customers holding `document` (normalised), oldest code first."""
        rows = self.session.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.status)
            .where(Customer.document == document)
            .order_by(Customer.code)
            .limit(5)
        ).all()
        return [
            ExistingCustomer(r.id, r.code, r.name, r.status, customer_has_open_debt(self.session, r.id, self.today))
            for r in rows
        ]

    def portal_login_owner(self, login: str) -> tuple[uuid.UUID, int, str] | None:
        """(id, code, name) of the customer using hotsite `login`, if any."""
        r = self.session.execute(
            select(Customer.id, Customer.code, Customer.name).where(Customer.portal_login == login)
        ).first()
        return None if r is None else (r.id, r.code, r.name)


def customer_has_open_debt(session: Session, customer_id: uuid.UUID, today: date | None = None) -> bool:
    """True when a contract of the customer has a charge still ``aberta`` and past due.

    Args:
        today: the business date; defaults to the computer's date.
    """
    day = today or date.today()
    stmt = select(
        exists().where(
            Contract.customer_id == customer_id,
            Charge.contract_id == Contract.id,
            Charge.status == ChargeStatus.ABERTA,
            Charge.effective_due_date < day,
        )
    )
    return bool(session.scalar(stmt))


# ------------------------------------------------------------------------------------------ checks


@dataclass
class CleanCustomer:
    """A draft after the checks: normalised values ready to store (internal to services)."""

    values: dict[str, Any]
    password: str | None
    warnings: list[str]


def _text(value: str | None) -> str:
    return (value or "").strip()


def _fold(text: str) -> str:
    """`fold`, with a shortcut for plain ASCII (most e-mails and many names)."""
    if text.isascii():
        return " ".join(text.casefold().split())
    return fold(text)


def _parse_person_type(raw: str | None) -> PersonType | None:
    if raw in ("F", "J"):
        return PersonType(raw)
    text = fold(raw or "")
    if not text:
        return None
    if text in {"f", "pf", "fisica", "pessoa fisica"}:
        return PersonType.FISICA
    if text in {"j", "pj", "juridica", "pessoa juridica"}:
        return PersonType.JURIDICA
    raise BusinessRuleError(
        f"Tipo de pessoa “{raw}” inválido. Use F (pessoa física) ou J (pessoa jurídica).", field="tipo_pessoa"
    )


def validate_draft(
    draft: CustomerDraft,
    params: Mapping[str, Any],
    lookups: Lookups,
    current: Customer | None = None,
) -> tuple[CleanCustomer, dict[str, str]]:
    """Run every customer rule on `draft`; return the normalised values and the errors by field.

    Args:
        draft: the values as typed.
        params: the general parameters (`parameters.load`).
        lookups: database questions (duplicates, hotsite login owner).
        current: the stored customer when updating.
    """
    errors: dict[str, str] = {}
    warnings: list[str] = []
    values: dict[str, Any] = {}

    def guard(key: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except BusinessRuleError as exc:
            errors[key] = exc.message
            return None

    for attr in ("name", "document", "rg_ie", "email", "secondary_email", "mobile", "phone", "cep", "street",
                 "number", "complement", "district", "city", "state", "portal_login", "notes"):
        key = _KEY_OF[attr]
        try:
            check_text(getattr(draft, attr) or "", _TEXT_LABEL[attr], key, multiline=attr == "notes")
        except BusinessRuleError as exc:
            errors[key] = exc.message
    text_errors = dict(errors)
    name = " ".join(_text(draft.name).split())
    if not name:
        errors["nome"] = "Informe o nome (ou a razão social) do cliente."
    values["name"] = name
    values["name_folded"] = _fold(name)

    for attr in ("rg_ie", "street", "number", "complement", "district", "city", "portal_login"):
        text = _text(getattr(draft, attr))
        limit = _MAX_LEN[attr]
        if len(text) > limit:
            errors[_KEY_OF[attr]] = f"{_LABEL[attr]} muito longo: no máximo {limit} caracteres (tem {len(text)})."
        values[attr] = text or None
    if len(name) > _MAX_LEN["name"]:
        errors["nome"] = f"Nome muito longo: no máximo {_MAX_LEN['name']} caracteres (tem {len(name)})."

    person_type = guard("tipo_pessoa", lambda: _parse_person_type(draft.person_type))
    raw_doc = _text(draft.document)
    document: str | None = None
    if raw_doc:
        checked = guard("cpf_cnpj", lambda: validate_document(raw_doc, person_type))
        if checked is not None:
            document, person_type = checked
    elif params.get("cpf_cnpj_obrigatorio", True):
        errors["cpf_cnpj"] = (
            "Informe o CPF ou o CNPJ: é obrigatório pelos parâmetros gerais (“CPF/CNPJ obrigatório”)."
        )
    values["document"] = document
    values["unique_document"] = None if params.get("aceitar_cpf_cnpj_duplicado", False) else document
    values["person_type"] = (person_type or PersonType.FISICA).value

    if document is not None and (current is None or current.document != document):
        others = [e for e in lookups.same_document(document) if current is None or e.id != current.id]
        if others:
            shown = mask_document(document)
            who = "; ".join(e.describe() for e in others)
            first = others[0]
            note = ""
            if first.status == CustomerStatus.INATIVO or first.has_open_debt:
                flags = [w for w, on in ((CustomerStatus.INATIVO, first.status == CustomerStatus.INATIVO),
                                          ("com débito em aberto", first.has_open_debt)) if on]
                note = f" Atenção: o cadastro existente está {' e '.join(flags)}."
            if params.get("aceitar_cpf_cnpj_duplicado", False):
                warnings.append(f"CPF/CNPJ {shown} já cadastrado ({who}).{note} O novo cadastro foi aceito "
                                "porque os parâmetros permitem duplicados.")
            else:
                errors["cpf_cnpj"] = (
                    f"CPF/CNPJ {shown} já cadastrado ({who}).{note} Use o cadastro existente ou peça a um "
                    "administrador para permitir duplicados (aceitar_cpf_cnpj_duplicado).")

    values["rg_ie"] = values["rg_ie"].upper() if values["rg_ie"] else None

    birth = draft.birth_date
    if birth is not None:
        guard("data_nascimento", lambda: check_birth(birth, lookups.today))
    values["birth_date"] = birth

    email = _text(draft.email)
    if email:
        values["email"] = guard("email", lambda: normalize_email(email, "email"))
    else:
        values["email"] = None
        if params.get("email_obrigatorio", True):
            errors["email"] = ("Informe o e-mail principal: é obrigatório pelos parâmetros gerais "
                               "(“E-mail principal obrigatório”).")
    values["email_folded"] = _fold(values["email"]) if values["email"] else None
    email2 = _text(draft.secondary_email)
    values["secondary_email"] = guard("email_secundario", lambda: normalize_email(email2, "email_secundario")) \
        if email2 else None

    mobile = _text(draft.mobile)
    if mobile:
        values["mobile"] = guard("celular", lambda: normalize_mobile(mobile, "celular"))
    else:
        values["mobile"] = None
        if params.get("celular_obrigatorio", True):
            errors["celular"] = ("Informe o celular: é obrigatório pelos parâmetros gerais "
                                 "(“Telefone celular obrigatório”).")
    phone = _text(draft.phone)
    values["phone"] = guard("telefone", lambda: normalize_phone(phone, "telefone")) if phone else None

    cep = _text(draft.cep)
    values["cep"] = guard("cep", lambda: normalize_cep(cep, "cep")) if cep else None
    state = _text(draft.state).upper()
    if state and state not in UFS:
        errors["uf"] = f"UF “{draft.state}” não existe. Use a sigla do estado, por exemplo SP, MG ou DF."
    values["state"] = state or None

    login = values["portal_login"]
    password = draft.portal_password or None
    has_hash = bool(current is not None and current.portal_password_hash)
    if login and " " in login:
        errors["hotsite_login"] = "Login do hotsite não pode ter espaços."
    if params.get("hotsite_obrigatorio", False):
        if not login:
            errors["hotsite_login"] = (
                "Informe o login do hotsite: é obrigatório pelos parâmetros gerais (“Hotsite obrigatório”).")
        if password is None and not has_hash:
            errors["hotsite_senha"] = (
                "Informe a senha do hotsite: é obrigatória pelos parâmetros gerais (“Hotsite obrigatório”).")
    if password is not None:
        if len(password) < MIN_PORTAL_PASSWORD:
            errors["hotsite_senha"] = f"A senha do hotsite precisa ter pelo menos {MIN_PORTAL_PASSWORD} caracteres."
        if not login:
            errors.setdefault("hotsite_login", "Informe o login do hotsite para definir a senha.")
    if login and "hotsite_login" not in errors and (current is None or current.portal_login != login):
        owner = lookups.portal_login_owner(login)
        if owner is not None and (current is None or owner[0] != current.id):
            errors["hotsite_login"] = (
                f"O login do hotsite “{login}” já é usado pelo cliente código {owner[1]} ({owner[2]}). "
                "Escolha outro login.")

    status = draft.status if draft.status in STATUSES else fold(draft.status or CustomerStatus.ATIVO)
    if status not in STATUSES:
        errors["status"] = f"Situação “{draft.status}” inválida. Use ativo ou inativo."
    values["status"] = status
    values["notes"] = (draft.notes or "").strip() or None
    errors.update(text_errors)  # the doubtful character is the cause: say so, not "invalid CPF"
    return CleanCustomer(values, password, warnings), errors


def check_draft_in(
    uow: UnitOfWork, draft: CustomerDraft, customer_id: uuid.UUID | None = None
) -> tuple[dict[str, str], list[str]]:
    """`check_draft` inside an open unit of work."""
    current = _load(uow, customer_id) if customer_id is not None else None
    clean, errors = validate_draft(draft, params_service.load(uow.session), Lookups(uow.session, uow.today), current)
    return errors, clean.warnings


def check_draft(
    uow: UnitOfWork, draft: CustomerDraft, customer_id: uuid.UUID | None = None
) -> tuple[dict[str, str], list[str]]:
    """The checks the save path runs, without saving (inline validation in the form).

    Args:
        customer_id: the customer being edited (None for a new one).

    Returns:
        (errors by field key — ``nome``, ``cpf_cnpj`` … —, warnings).
    """
    with uow:
        return check_draft_in(uow, draft, customer_id)


# ------------------------------------------------------------------------------------ audit values


def _shown(attr: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if attr == "document":
        return mask_document(value)
    if attr in ("mobile", "phone"):
        return mask_phone(value)
    if attr == "cep":
        return mask_cep(value)
    if isinstance(value, date):
        return format_date(value)
    return value


_AUDITED = [a for a in FIELDS.values() if a != "portal_password"]


def audit_create_changes(values: Mapping[str, Any], has_password: bool) -> dict[str, list[Any]]:
    """``{campo: [None, valor]}`` of a new customer (password as ``***``)."""
    changes: dict[str, list[Any]] = {"codigo": [None, values["code"]]}
    for attr in _AUDITED:
        shown = _shown(attr, values.get(attr))
        if shown is not None:
            changes[_KEY_OF[attr]] = [None, shown]
    if has_password:
        changes["hotsite_senha"] = [None, "***"]
    return changes


# ------------------------------------------------------------------------------------------- write


def _load(uow: UnitOfWork, customer_id: uuid.UUID) -> Customer:
    customer = uow.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Cliente não encontrado (pode ter sido removido). Atualize a lista.")
    return customer


def _hash(uow: UnitOfWork, password: str) -> str:
    """The hotsite password's hash at the cost of ``custo_senha_hotsite``."""
    from ispdesk.services.portal_passwords import hash_portal_password

    return hash_portal_password(password, params_service.load(uow.session)["custo_senha_hotsite"])


class UniqueViolation(ValidationError):
    """The database refused a second holder of a CPF/CNPJ or hotsite login (another station won the race)."""


def unique_violation(exc: IntegrityError, document: str | None, login: str | None) -> UniqueViolation | None:
    """The Portuguese refusal for a unique-constraint failure on `customers`, or None for another one.

    The driver's text (which quotes the values) is never shown nor logged.
    """
    text = str(getattr(exc, "orig", exc))
    errors: dict[str, str] = {}
    if "(central)" in text:  # the offline store's check against the snapshot (services/offline_store.py)
        if "unique_document" in text:
            errors["cpf_cnpj"] = ("CPF/CNPJ já cadastrado no banco central (cópia da base offline). Use o cadastro "
                                  "existente quando o servidor voltar, ou peça a um administrador para permitir "
                                  "duplicados (aceitar_cpf_cnpj_duplicado).")
        if "portal_login" in text:
            errors["hotsite_login"] = (f"O login do hotsite “{login}” já é usado por um cliente do banco central "
                                       "(cópia da base offline). Escolha outro login.")
        return UniqueViolation(errors) if errors else None
    if "unique_document" in text:
        shown = mask_document(document) if document else "informado"
        errors["cpf_cnpj"] = (f"CPF/CNPJ {shown} já cadastrado (gravado por outra estação agora há pouco). Use o "
                              "cadastro existente ou peça a um administrador para permitir duplicados "
                              "(aceitar_cpf_cnpj_duplicado).")
    if "portal_login" in text:
        errors["hotsite_login"] = (f"O login do hotsite “{login}” já é usado por outro cliente (gravado agora há "
                                   "pouco). Escolha outro login.")
    return UniqueViolation(errors) if errors else None


def _params_in(uow: UnitOfWork) -> dict[str, Any]:
    """The parameters, with the duplicates rule read under the lock (see `parameters.duplicates_allowed`)."""
    params = params_service.load(uow.session)
    params[params_service.DUPLICATES] = params_service.duplicates_allowed(uow.session)
    return params


def _claim(uow: UnitOfWork, values: dict[str, Any]) -> None:
    """Reserve the document, reading the duplicates rule again now that this transaction writes.

    SQLite: the write lock is held, so a switch of the parameter has either committed (and is seen
    here) or will run after this commit (and find this row). PostgreSQL: the rule's row is share-locked.
    """
    values["unique_document"] = None if params_service.duplicates_allowed(uow.session) else values.get("document")


def _flush_unique(uow: UnitOfWork, values: Mapping[str, Any]) -> None:
    try:
        uow.session.flush()
    except IntegrityError as exc:
        mapped = unique_violation(exc, values.get("document"), values.get("portal_login"))
        if mapped is None:
            raise
        raise mapped from None


def _recheck(uow: UnitOfWork, draft: CustomerDraft, customer_id: uuid.UUID | None,
             lost: UniqueViolation) -> ValidationError:
    """After losing a race: today's messages (who holds the document), computed in a fresh transaction."""
    with uow:
        errors, _ = check_draft_in(uow, draft, customer_id)
    return ValidationError(errors) if errors else lost


def create_customer_in(uow: UnitOfWork, draft: CustomerDraft) -> SaveResult:
    """`create_customer` inside an open unit of work (no commit).

    Raises:
        UniqueViolation: the database refused the CPF/CNPJ or hotsite login saved meanwhile elsewhere.
    """
    clean, errors = validate_draft(draft, _params_in(uow), Lookups(uow.session, uow.today))
    if errors:
        raise ValidationError(errors)
    values = dict(clean.values)
    values["code"] = uow.next_numbers("customer_code")
    _claim(uow, values)
    customer = Customer(
        **values,
        portal_password_hash=_hash(uow, clean.password) if clean.password else None,
        created_at=uow.now,
        created_by=uow.actor.login,
    )
    uow.session.add(customer)
    _flush_unique(uow, values)
    customer_words.add_words(uow.session, [(customer.id, customer.name_folded)])
    uow.audit("customer", customer.id, "create", audit_create_changes(values, clean.password is not None),
              summary=f"Cliente {customer.code} – {customer.name} cadastrado")
    return SaveResult(_row(customer), tuple(clean.warnings))


def create_customer(uow: UnitOfWork, draft: CustomerDraft) -> SaveResult:
    """Register a new customer under the general parameters; audited.

    Two stations saving the same CPF/CNPJ (while duplicates are forbidden) or the same hotsite login
    at once: the database lets one through and the other gets the usual "já cadastrado" message.

    Raises:
        PermissionDenied: the actor may not create customers.
        ValidationError: errors by field key (``nome``, ``cpf_cnpj`` …), in Portuguese.
    """
    uow.require(Permission.CUSTOMERS_CREATE)
    try:
        with uow:
            result = create_customer_in(uow, draft)
            uow.commit()
            return result
    except UniqueViolation as lost:
        raise _recheck(uow, draft, None, lost) from None


def _changes_since(uow: UnitOfWork, customer: Customer, expected_version: int) -> list[str]:
    missed = max(customer.version - expected_version, 1)
    entries = uow.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "customer", AuditEntry.entity_id == str(customer.id),
               AuditEntry.action == "update")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(missed)
    ).all()
    lines: list[str] = []
    for entry in reversed(entries):
        when = entry.at.astimezone().strftime("%d/%m/%Y %H:%M")
        for key, value in json.loads(entry.changes or "{}").items():
            if isinstance(value, list) and len(value) == 2:
                before, after = ("(vazio)" if v in (None, "") else v for v in value)
                lines.append(f"{key}: {before} → {after} ({entry.actor}, {when})")
    return lines


def _conflict(uow: UnitOfWork, customer: Customer, expected_version: int) -> ConflictError:
    lines = _changes_since(uow, customer, expected_version)
    who = customer.updated_by or "outro usuário"
    detail = "\n".join(lines) if lines else "(alterações não identificadas)"
    return ConflictError(
        f"O cliente {customer.code} – {customer.name} foi alterado por {who} enquanto você editava. "
        f"Suas alterações não foram gravadas. O que mudou:\n{detail}\n"
        "Reabra o cadastro e refaça suas alterações.",
        lines,
    )


def update_customer_in(
    uow: UnitOfWork, customer_id: uuid.UUID, draft: CustomerDraft, expected_version: int
) -> SaveResult:
    """`update_customer` inside an open unit of work (no commit)."""
    customer = _load(uow, customer_id)
    if customer.version != expected_version:
        raise _conflict(uow, customer, expected_version)
    clean, errors = validate_draft(draft, _params_in(uow), Lookups(uow.session, uow.today), customer)
    if errors:
        raise ValidationError(errors)
    diff: dict[str, list[Any]] = {}
    old_name = customer.name_folded
    for attr, new in clean.values.items():
        old = getattr(customer, attr)
        if (old or None) != (new or None):
            if attr in FIELDS.values():
                diff[_KEY_OF[attr]] = [_shown(attr, old), _shown(attr, new)]
            setattr(customer, attr, new)
    if clean.password is not None:
        diff["hotsite_senha"] = ["***" if customer.portal_password_hash else None, "***"]
        customer.portal_password_hash = _hash(uow, clean.password)
    if diff:
        customer.updated_at = uow.now
        customer.updated_by = uow.actor.login
        try:
            _flush_unique(uow, clean.values)
            claim = {"document": customer.document}
            _claim(uow, claim)
            if customer.unique_document != claim["unique_document"]:
                customer.unique_document = claim["unique_document"]
                _flush_unique(uow, clean.values)
        except StaleDataError:
            uow.session.rollback()
            fresh = _load(uow, customer_id)
            raise _conflict(uow, fresh, expected_version) from None
        if customer.name_folded != old_name:
            customer_words.replace_words(uow.session, customer.id, customer.name_folded)
        uow.audit("customer", customer.id, "update", diff,
                  summary=f"Cliente {customer.code} – {customer.name} alterado: " + ", ".join(diff))
    return SaveResult(_row(customer), tuple(clean.warnings))


def update_customer(
    uow: UnitOfWork, customer_id: uuid.UUID, draft: CustomerDraft, expected_version: int
) -> SaveResult:
    """Save changes to a customer; refused when someone saved it meanwhile.

    Args:
        expected_version: the `CustomerRow.version` the user loaded.

    Raises:
        ConflictError: another user saved the customer after it was loaded; the message (and
            ``changes``) show what they changed, from the audit log.
        ValidationError: errors by field key.
        NotFound: the customer no longer exists.
    """
    uow.require(Permission.CUSTOMERS_EDIT)
    try:
        with uow:
            result = update_customer_in(uow, customer_id, draft, expected_version)
            uow.commit()
            return result
    except UniqueViolation as lost:
        raise _recheck(uow, draft, customer_id, lost) from None


# -------------------------------------------------------------------------------------------- read


def get_customer_in(uow: UnitOfWork, customer_id: uuid.UUID) -> CustomerRow:
    """`get_customer` inside an open unit of work."""
    return _row(_load(uow, customer_id))


def get_customer(uow: UnitOfWork, customer_id: uuid.UUID) -> CustomerRow:
    """One customer, by id.

    Raises:
        NotFound: no such customer.
    """
    uow.require(Permission.CUSTOMERS_VIEW)
    with uow:
        return get_customer_in(uow, customer_id)


def draft_with(draft: CustomerDraft, **changes: Any) -> CustomerDraft:
    """A copy of `draft` with some attributes changed."""
    return replace(draft, **changes)
