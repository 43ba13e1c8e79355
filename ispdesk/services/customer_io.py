"""Customers in and out of CSV/JSON: ``ispdesk import customers`` and ``ispdesk export customers``.

Every imported row passes `customers.validate_draft` — the same rules as the form — with the
database questions (duplicates, hotsite logins) answered in bulk before the rows are checked.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ispdesk.db.models import AuditEntry, Charge, Contract, Customer
from ispdesk.domain.contact import mask_cep, mask_phone
from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.documents import mask_document, normalize_document
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus, CustomerStatus
from ispdesk.domain.text import doubtful_character
from ispdesk.domain.wording import plural
from ispdesk.services import customer_words
from ispdesk.services import parameters as params_service
from ispdesk.services.csv_import import ImportReport, ProgressFn, RowImporter, reason_of, run_import
from ispdesk.services.csv_io import fmt_document, write_export
from ispdesk.services.customers import (
    CleanCustomer,
    CustomerDraft,
    ExistingCustomer,
    Lookups,
    audit_create_changes,
    unique_violation,
    validate_draft,
)
from ispdesk.services.portal_passwords import DEFAULT_COST, hash_portal_passwords
from ispdesk.services.uow import UnitOfWork

#: Columns of ``ispdesk import customers`` (order free in the file).
IMPORT_COLUMNS: tuple[str, ...] = (
    "nome", "cpf_cnpj", "tipo_pessoa", "rg_ie", "data_nascimento", "email", "celular", "telefone", "cep",
    "endereco", "numero", "complemento", "bairro", "cidade", "uf", "hotsite_login", "hotsite_senha", "observacao",
)
#: Columns of ``ispdesk export customers``: code, status and the import columns — never the password.
EXPORT_COLUMNS: tuple[str, ...] = ("codigo", "status", *(c for c in IMPORT_COLUMNS if c != "hotsite_senha"))
#: Also understood on import (an export read back): ``codigo`` is ignored (new codes are assigned).
_EXTRA_KNOWN = ("codigo", "status", "email_secundario")

#: Header names other systems and spreadsheets use, accepted for the import columns.
CUSTOMER_ALIASES: dict[str, str] = {
    "razao_social": "nome", "nome_razao_social": "nome", "nome_completo": "nome", "cliente": "nome",
    "cpf": "cpf_cnpj", "cnpj": "cpf_cnpj", "documento": "cpf_cnpj", "cnpj_cpf": "cpf_cnpj",
    "tipo": "tipo_pessoa", "pessoa": "tipo_pessoa", "rg": "rg_ie", "ie": "rg_ie", "inscricao_estadual": "rg_ie",
    "nascimento": "data_nascimento", "data_de_nascimento": "data_nascimento", "dt_nascimento": "data_nascimento",
    "e_mail": "email", "email_principal": "email", "e_mail_principal": "email",
    "telefone_celular": "celular", "fone_celular": "celular", "whatsapp": "celular",
    "fone": "telefone", "telefone_fixo": "telefone", "fone_fixo": "telefone",
    "logradouro": "endereco", "rua": "endereco", "endereco_logradouro": "endereco", "numero_endereco": "numero",
    "no": "numero", "n": "numero", "municipio": "cidade", "estado": "uf",
    "login_hotsite": "hotsite_login", "login": "hotsite_login", "senha_hotsite": "hotsite_senha",
    "senha": "hotsite_senha", "obs": "observacao", "observacoes": "observacao", "situacao": "status",
}

_CHUNK = 500
_INSERT_BATCH = 2000


@dataclass(frozen=True)
class _Item:
    clean: CleanCustomer
    line_document: str | None
    login: str | None
    password_hash: str | None = None


class _PrefetchedLookups(Lookups):
    """Answers from a bulk pre-fetch, plus what the earlier rows of the file will add."""

    def __init__(self, base: Lookups, by_document: dict[str, list[ExistingCustomer]],
                 logins: dict[str, tuple[uuid.UUID, int, str]]) -> None:
        super().__init__(base.session, base.today)
        self.by_document = by_document
        self.logins = logins

    def same_document(self, document: str) -> list[ExistingCustomer]:
        return self.by_document.get(document, [])

    def portal_login_owner(self, login: str) -> tuple[uuid.UUID, int, str] | None:
        return self.logins.get(login)


def _chunks(values: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


class CustomerImporter(RowImporter[_Item]):
    """Imports customers with the rules of `customers.validate_draft`."""

    what = "clientes"
    entity = "customer"
    columns = IMPORT_COLUMNS + _EXTRA_KNOWN
    aliases = CUSTOMER_ALIASES
    permission = Permission.CUSTOMERS_IMPORT

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.lookups: Lookups | None = None

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        self.params = params_service.load(uow.session)
        self.params[params_service.DUPLICATES] = params_service.duplicates_allowed(uow.session)
        return ("nome", "cpf_cnpj") if self.params["cpf_cnpj_obrigatorio"] else ("nome",)

    def prepare(self, uow: UnitOfWork, rows: Sequence[Mapping[str, str]]) -> None:
        base = Lookups(uow.session, uow.today)
        # only keys that can be stored are looked up (a NUL would break the query on PostgreSQL; the
        # row itself is refused by the checks)
        documents = sorted({d for d in (normalize_document(r.get("cpf_cnpj", "")) for r in rows)
                            if d and d.isascii() and d.isalnum()})
        logins = sorted({lg for lg in (r.get("hotsite_login", "").strip() for r in rows)
                         if lg and doubtful_character(lg) is None})
        by_document: dict[str, list[ExistingCustomer]] = {}
        found: list[Any] = []
        for chunk in _chunks(documents):
            found.extend(uow.session.execute(
                select(Customer.id, Customer.code, Customer.name, Customer.status, Customer.document)
                .where(Customer.document.in_(chunk)).order_by(Customer.code)
            ).all())
        indebted: set[uuid.UUID] = set()
        ids = [r.id for r in found]
        for i in range(0, len(ids), _CHUNK):
            indebted.update(uow.session.scalars(
                select(Contract.customer_id).join(Charge, Charge.contract_id == Contract.id)
                .where(Contract.customer_id.in_(ids[i:i + _CHUNK]), Charge.status == ChargeStatus.ABERTA,
                       Charge.effective_due_date < uow.today)
            ))
        for r in found:
            by_document.setdefault(r.document, []).append(
                ExistingCustomer(r.id, r.code, r.name, r.status, r.id in indebted))
        owners: dict[str, tuple[uuid.UUID, int, str]] = {}
        for chunk in _chunks(logins):
            for r in uow.session.execute(
                select(Customer.id, Customer.code, Customer.name, Customer.portal_login)
                .where(Customer.portal_login.in_(chunk))
            ):
                owners[r.portal_login] = (r.id, r.code, r.name)
        self.lookups = _PrefetchedLookups(base, by_document, owners)

    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> _Item:
        assert self.lookups is not None
        errors: dict[str, str] = {}
        birth = None
        if row.get("data_nascimento"):
            try:
                birth = parse_date(row["data_nascimento"], field="data_nascimento", allow_iso=False)
            except BusinessRuleError:
                errors["data_nascimento"] = f"Data de nascimento inválida: “{row['data_nascimento']}”. Use dd/mm/aaaa."
        draft = CustomerDraft(
            name=row.get("nome", ""), document=row.get("cpf_cnpj", ""), person_type=row.get("tipo_pessoa") or None,
            rg_ie=row.get("rg_ie", ""), birth_date=birth, email=row.get("email", ""),
            secondary_email=row.get("email_secundario", ""), mobile=row.get("celular", ""),
            phone=row.get("telefone", ""), cep=row.get("cep", ""), street=row.get("endereco", ""),
            number=row.get("numero", ""), complement=row.get("complemento", ""), district=row.get("bairro", ""),
            city=row.get("cidade", ""), state=row.get("uf", ""), portal_login=row.get("hotsite_login", ""),
            portal_password=row.get("hotsite_senha") or None, status=row.get("status") or CustomerStatus.ATIVO,
            notes=row.get("observacao", ""),
        )
        clean, more = validate_draft(draft, self.params, self.lookups)
        errors.update(more)
        if errors:
            raise ValidationError(errors)
        return _Item(clean, clean.values["document"], clean.values["portal_login"])

    def unique_keys(self, item: _Item) -> Iterable[tuple[str, str]]:
        if item.line_document and not self.params.get("aceitar_cpf_cnpj_duplicado"):
            yield ("CPF/CNPJ", mask_document(item.line_document))
        if item.login:
            yield ("Login do hotsite", item.login)

    def warnings(self, item: _Item) -> Iterable[str]:
        return item.clean.warnings

    def before_write(self, uow: UnitOfWork, items: Sequence[_Item]) -> Sequence[_Item]:
        """Hash the hotsite passwords (in parallel, at ``custo_senha_hotsite``) before the write lock."""
        with_password = [i for i, item in enumerate(items) if item.clean.password]
        hashes = hash_portal_passwords([cast(str, items[i].clean.password) for i in with_password],
                                       self.params.get("custo_senha_hotsite", DEFAULT_COST))
        out = list(items)
        for i, hashed in zip(with_password, hashes, strict=True):
            out[i] = replace(out[i], password_hash=hashed)
        return out

    def write(self, uow: UnitOfWork, items: Sequence[_Item]) -> None:
        first = uow.next_numbers("customer_code", len(items))
        # read again under the write lock / row lock (see `customers._claim`)
        claim = not params_service.duplicates_allowed(uow.session)
        now, who = uow.now, uow.actor.login
        customers: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        for n, item in enumerate(items):
            values = dict(item.clean.values)
            values["unique_document"] = values["document"] if claim else None
            values.update(id=uuid7(), code=first + n, created_at=now, created_by=who, version=1,
                          portal_password_hash=item.password_hash)
            customers.append(values)
            audits.append(dict(
                id=uuid7(), at=now, actor=who, entity="customer", entity_id=str(values["id"]), action="create",
                summary=f"Cliente {values['code']} – {values['name']} importado"[:300],
                changes=_json(audit_create_changes(values, item.clean.password is not None)),
            ))
        for i in range(0, len(customers), _INSERT_BATCH):
            bulk_insert(uow.session, cast(Table, Customer.__table__), customers[i:i + _INSERT_BATCH])
            bulk_insert(uow.session, cast(Table, AuditEntry.__table__), audits[i:i + _INSERT_BATCH])
        customer_words.add_words(uow.session, [(c["id"], c["name_folded"]) for c in customers])

    def write_reason(self, exc: Exception) -> str | None:
        """A CPF/CNPJ or hotsite login another station stored while this file was checked: "já cadastrado"."""
        if isinstance(exc, IntegrityError):
            violation = unique_violation(exc, None, None)
            if violation is not None:
                return reason_of(violation)
        return None


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows having the same keys; on SQLite straight through the driver's executemany.

    Values are encoded with the columns' own bind processors, so the stored form is exactly what
    the ORM would write; other databases get a Core executemany.
    """
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    procs = [table.c[n].type._cached_bind_processor(conn.dialect) for n in names]
    encoded = [(i, p) for i, p in enumerate(procs) if p is not None]
    data = []
    for row in rows:
        values = [row[n] for n in names]
        for i, proc in encoded:
            if values[i] is not None:
                values[i] = proc(values[i])
        data.append(tuple(values))
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn.exec_driver_sql(sql, data)  # type: ignore[arg-type]


def _json(changes: Mapping[str, Any]) -> str:
    return json.dumps(changes, ensure_ascii=False, sort_keys=True)


def import_customers(
    uow: UnitOfWork,
    path: str | Path,
    rejects: str | Path | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import customers from a CSV file (columns `IMPORT_COLUMNS`, order free).

    Valid rows are written in one transaction; rejected rows go verbatim to `rejects` with a
    ``motivo`` column.

    Raises:
        BusinessRuleError: the file is unusable (missing, unreadable, lacks ``nome`` or — while
            ``cpf_cnpj_obrigatorio`` — ``cpf_cnpj``); nothing imported.
    """
    # a row whose CPF/CNPJ or login another station stores meanwhile is rejected alone ("já cadastrado")
    return run_import(uow, path, CustomerImporter(), rejects, progress, cancelled)


def export_rows(uow: UnitOfWork) -> Iterator[list[str]]:
    """Every customer as an export row (`EXPORT_COLUMNS`), by code; inside an open unit of work."""
    c = Customer
    stmt = (select(c.code, c.status, c.name, c.document, c.person_type, c.rg_ie, c.birth_date, c.email, c.mobile,
                   c.phone, c.cep, c.street, c.number, c.complement, c.district, c.city, c.state, c.portal_login,
                   c.notes)
            .order_by(c.code).execution_options(yield_per=5000))
    for r in uow.session.execute(stmt):
        yield [
            str(r.code), r.status, r.name, fmt_document(r.document), r.person_type, r.rg_ie or "",
            format_date(r.birth_date), r.email or "", mask_phone(r.mobile or ""), mask_phone(r.phone or ""),
            mask_cep(r.cep or ""), r.street or "", r.number or "", r.complement or "", r.district or "",
            r.city or "", r.state or "", r.portal_login or "", r.notes or "",
        ]


def export_customers(uow: UnitOfWork, output: str | Path | None = None, fmt: str = "csv") -> int:
    """Write every customer to `output` (None → stdout) as CSV or JSON; audited; return the count.

    Raises:
        PermissionDenied: the actor may not export customers.
        BusinessRuleError: unknown format or the file cannot be written.
    """
    uow.require(Permission.CUSTOMERS_EXPORT)
    with uow:
        count = write_export(output, EXPORT_COLUMNS, export_rows(uow), fmt)
        uow.audit("customer", None, "export", {"formato": fmt, "clientes": count, "arquivo": str(output or "-")},
                  summary=f"Exportação de {plural(count, 'cliente', 'clientes')} em {fmt.upper()}")
        uow.commit()
        return count
