"""Plans and contracts in and out of CSV/JSON files (the shared pipeline of `csv_import`/`csv_io`).

* ``import plans``: ``codigo, nome, valor, download_mbps, upload_mbps, fidelidade_meses,
  beneficio_fidelidade`` (+ optional ``regra_reajuste``, ``ativo``); an existing code is rejected.
* ``import contracts``: ``cpf_cnpj, plano, valor, data_ativacao, data_base_financeira,
  dia_vencimento, fidelidade_meses, beneficio_fidelidade, motivo_inclusao, observacao``; columns
  left out or empty take the plan's and the parameters' defaults (value = the plan's price, base
  date = activation); the customer is found by CPF/CNPJ (masked or not) and a document shared by
  several customers is refused as ambiguous. Every row passes the same rules as the contract form.
* exports: ``export plans`` (the import columns + ``regra_reajuste, ativo``) and ``export contracts``
  (`CONTRACT_EXPORT_COLUMNS`), dates dd/mm/aaaa, money with a decimal comma, CPF/CNPJ masked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Customer
from ispdesk.domain.dates import parse_date
from ispdesk.domain.documents import mask_document, normalize_document
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.money import parse_money
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import fold
from ispdesk.services.contract_list import iter_contracts_in
from ispdesk.services.contracts import ContractDraft, check_draft_in, create_contract_in
from ispdesk.services.csv_import import ImportReport, ProgressFn, RowImporter, run_import
from ispdesk.services.csv_io import fmt_date, fmt_document, fmt_money, write_export
from ispdesk.services.plans import PlanDraft, create_plan_in, find_plan_in, list_plans_in, validate_plan
from ispdesk.services.uow import UnitOfWork

PLAN_IMPORT_COLUMNS = ("codigo", "nome", "valor", "download_mbps", "upload_mbps", "fidelidade_meses",
                       "beneficio_fidelidade")
PLAN_EXPORT_COLUMNS = (*PLAN_IMPORT_COLUMNS, "regra_reajuste", "ativo")
CONTRACT_IMPORT_COLUMNS = ("cpf_cnpj", "plano", "valor", "data_ativacao", "data_base_financeira", "dia_vencimento",
                           "fidelidade_meses", "beneficio_fidelidade", "motivo_inclusao", "observacao",
                           "pppoe_login", "pppoe_senha")
#: The contracts export, exactly as issue 3 names it.
CONTRACT_EXPORT_COLUMNS = ("numero", "cpf_cnpj", "plano", "valor", "status", "status_acesso", "data_ativacao",
                           "data_base_financeira", "pago_ate", "data_renovacao", "data_expiracao", "dia_vencimento",
                           "motivo_inclusao", "pppoe_login")
_CHUNK = 500


def _int(text: str, field: str, what: str) -> int | None:
    raw = (text or "").strip()
    if not raw:
        return None
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise ValidationError({field: f"{what} inválido: “{text}”. Use um número inteiro (só dígitos de 0 a 9)."})
    return int(raw)


def _money(text: str, field: str) -> Decimal | None:
    raw = (text or "").strip()
    return parse_money(raw, field=field) if raw else None


def _bool(text: str) -> bool:
    raw = fold(text or "")
    if raw in ("", "sim", "s", "1", "true", "ativo"):
        return True
    if raw in ("nao", "n", "0", "false", "inativo"):
        return False
    raise ValidationError({"ativo": f"Valor inválido em ativo: “{text}”. Use sim ou não."})


def _date(text: str, field: str) -> date | None:
    raw = (text or "").strip()
    return parse_date(raw, field=field) if raw else None


# --- plans -------------------------------------------------------------------------------------


class PlanImporter(RowImporter[PlanDraft]):
    """Imports plans with the rules of `plans.validate_plan`."""

    what = "planos"
    entity = "plan"
    columns = PLAN_EXPORT_COLUMNS
    permission = Permission.PLANS_MANAGE

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        return ("codigo", "nome", "valor", "download_mbps", "upload_mbps")

    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> PlanDraft:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for key, parse in (
            ("valor", lambda t: _money(t, "valor")),
            ("beneficio_fidelidade", lambda t: _money(t, "beneficio_fidelidade")),
            ("download_mbps", lambda t: _int(t, "download_mbps", "Download")),
            ("upload_mbps", lambda t: _int(t, "upload_mbps", "Upload")),
            ("fidelidade_meses", lambda t: _int(t, "fidelidade_meses", "Fidelidade")),
            ("ativo", _bool),
        ):
            try:
                values[key] = parse(row.get(key, ""))
            except ValidationError as exc:
                errors.update(exc.errors)
            except BusinessRuleError as exc:
                errors[key] = exc.message
        if errors:
            raise ValidationError(errors)
        draft = validate_plan(PlanDraft(
            code=row.get("codigo", ""), name=row.get("nome", ""), price=values["valor"] or Decimal("0"),
            download_mbps=values["download_mbps"] or 0, upload_mbps=values["upload_mbps"] or 0,
            loyalty_months=values["fidelidade_meses"] or 0,
            loyalty_benefit=values["beneficio_fidelidade"] or Decimal("0"),
            adjustment_rule=row.get("regra_reajuste", ""), active=values["ativo"]))
        if find_plan_in(uow, draft.code) is not None:
            raise ValidationError({"codigo": f"O plano {draft.code} já existe; altere-o em Cadastros › Planos."})
        return draft

    def unique_keys(self, item: PlanDraft) -> Iterable[tuple[str, str]]:
        yield ("Código de plano", item.code)

    def write(self, uow: UnitOfWork, items: Sequence[PlanDraft]) -> None:
        for draft in items:
            create_plan_in(uow, draft)


def import_plans(
    uow: UnitOfWork,
    path: str | Path,
    rejects: str | Path | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import plans from a CSV file (PLANS_MANAGE): one transaction, per-row rejects with ``motivo``.

    Raises:
        BusinessRuleError: unusable file (missing, unreadable, lacks a required column).
    """
    return run_import(uow, path, PlanImporter(), rejects, progress, cancelled)


def plan_export_rows(uow: UnitOfWork) -> Iterator[list[str]]:
    """The plans export rows (inside an open unit of work)."""
    for p in list_plans_in(uow):
        yield [p.code, p.name, fmt_money(p.price), str(p.download_mbps), str(p.upload_mbps), str(p.loyalty_months),
               fmt_money(p.loyalty_benefit), p.adjustment_rule, "sim" if p.active else "não"]


def export_plans(uow: UnitOfWork, output: str | Path | None = None, fmt: str = "csv") -> int:
    """Write every plan as CSV or JSON to `output` (None → stdout); return the count."""
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        return write_export(output, PLAN_EXPORT_COLUMNS, plan_export_rows(uow), fmt)


# --- contracts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ContractItem:
    draft: ContractDraft
    login: str | None = None
    password: str | None = None


class ContractImporter(RowImporter[_ContractItem]):
    """Imports contracts with the rules of `contracts.check_draft_in` (the same as the contract form)."""

    what = "contratos"
    entity = "contract"
    columns = CONTRACT_IMPORT_COLUMNS
    permission = Permission.CONTRACTS_IMPORT

    def __init__(self) -> None:
        self.by_document: dict[str, list[tuple[uuid.UUID, int]]] = {}

    def required_columns(self, uow: UnitOfWork) -> Sequence[str]:
        return ("cpf_cnpj", "plano")

    def prepare(self, uow: UnitOfWork, rows: Sequence[Mapping[str, str]]) -> None:
        documents = sorted({d for d in (normalize_document(r.get("cpf_cnpj", "")) for r in rows)
                            if d and d.isascii() and d.isalnum()})  # a NUL would break the query on PostgreSQL
        for i in range(0, len(documents), _CHUNK):
            for cid, code, doc in uow.session.execute(
                select(Customer.id, Customer.code, Customer.document)
                .where(Customer.document.in_(documents[i:i + _CHUNK])).order_by(Customer.code)
            ):
                self.by_document.setdefault(doc, []).append((cid, code))

    def check_row(self, uow: UnitOfWork, row: Mapping[str, str]) -> _ContractItem:
        document = normalize_document(row.get("cpf_cnpj", ""))
        if not document:
            raise ValidationError({"cpf_cnpj": "Informe o CPF/CNPJ do cliente."})
        found = self.by_document.get(document, [])
        if not found:
            raise ValidationError({"cpf_cnpj": f"Nenhum cliente com o CPF/CNPJ {mask_document(document)}. "
                                               "Importe ou cadastre o cliente antes do contrato."})
        if len(found) > 1:
            codes = ", ".join(str(code) for _, code in found)
            raise ValidationError({"cpf_cnpj": f"O CPF/CNPJ {mask_document(document)} pertence a {len(found)} "
                                               f"clientes (códigos {codes}): não dá para saber de qual é o "
                                               "contrato. Unifique os cadastros ou crie o contrato pela tela."})
        if not row.get("plano", "").strip():
            raise ValidationError({"plano": "Informe o código do plano (ex.: FIBRA-300)."})
        errors: dict[str, str] = {}
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("valor", lambda t: _money(t, "valor")),
            ("beneficio_fidelidade", lambda t: _money(t, "beneficio_fidelidade")),
            ("data_ativacao", lambda t: _date(t, "data_ativacao")),
            ("data_base_financeira", lambda t: _date(t, "data_base_financeira")),
            ("dia_vencimento", lambda t: _int(t, "dia_vencimento", "Dia de vencimento")),
            ("fidelidade_meses", lambda t: _int(t, "fidelidade_meses", "Fidelidade")),
        ):
            try:
                parsed[key] = parse(row.get(key, ""))
            except ValidationError as exc:
                errors.update(exc.errors)
            except BusinessRuleError as exc:
                errors[key] = exc.message
        if errors:
            raise ValidationError(errors)
        draft = ContractDraft(
            customer_id=found[0][0], plan_code=row.get("plano", ""), value=parsed["valor"],
            activated_on=parsed["data_ativacao"], billing_base_date=parsed["data_base_financeira"],
            due_day=parsed["dia_vencimento"], loyalty_months=parsed["fidelidade_meses"],
            loyalty_benefit=parsed["beneficio_fidelidade"], inclusion_reason=row.get("motivo_inclusao") or None,
            notes=row.get("observacao") or None,
        )
        check_draft_in(uow, draft)
        login, password = _network_columns(uow, row)
        return _ContractItem(draft, login, password)

    def unique_keys(self, item: _ContractItem) -> Iterable[tuple[str, str]]:
        return [("pppoe_login", item.login.lower())] if item.login else []

    def write(self, uow: UnitOfWork, items: Sequence[_ContractItem]) -> None:
        from ispdesk.services.network import set_identity_in

        for item in items:
            contract = create_contract_in(uow, item.draft)
            if item.login:
                set_identity_in(uow, contract.id, item.login, item.password)


def _network_columns(uow: UnitOfWork, row: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The optional ``pppoe_login`` / ``pppoe_senha`` of an import row, checked (unique, FreeRADIUS tables)."""
    from ispdesk.domain.radius import check_password, normalize_login
    from ispdesk.services import radius

    login_text, password = (row.get("pppoe_login") or "").strip(), row.get("pppoe_senha") or ""
    if not login_text:
        if password:
            raise ValidationError({"pppoe_login": "Há pppoe_senha sem pppoe_login: informe o login de rede."})
        return None, None
    login = normalize_login(login_text)
    taken = radius.logins_key_taken(uow.session, login, None)
    if taken:
        raise ValidationError({"pppoe_login": f"O login de rede “{login}” já é de outro contrato (“{taken}”)."})
    if not password:
        if radius.available(uow.session):
            raise ValidationError({"pppoe_senha": "Informe a pppoe_senha do login (o concentrador precisa dela)."})
        return login, None
    if not radius.available(uow.session):
        raise BusinessRuleError(radius.NO_TABLES)
    return login, check_password(password)


def import_contracts(
    uow: UnitOfWork,
    path: str | Path,
    rejects: str | Path | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import contracts from a CSV file (CONTRACTS_IMPORT): one transaction, per-row rejects with ``motivo``.

    Raises:
        BusinessRuleError: unusable file (missing, unreadable, lacks ``cpf_cnpj`` or ``plano``).
    """
    return run_import(uow, path, ContractImporter(), rejects, progress, cancelled)


def contract_export_rows(uow: UnitOfWork) -> Iterator[list[str]]:
    """The contracts export rows, newest number first (inside an open unit of work)."""
    from itertools import islice

    from ispdesk.db.models import ContractNetwork
    from ispdesk.domain.contract_filter import ContractFilter

    rows = iter_contracts_in(uow, ContractFilter())
    while batch := list(islice(rows, 1000)):
        logins = dict(uow.session.execute(select(ContractNetwork.contract_id, ContractNetwork.login).where(
            ContractNetwork.contract_id.in_([c.id for c in batch]))).tuples().all())
        for c in batch:
            yield [str(c.number), fmt_document(c.customer_document), c.plan_code, fmt_money(c.value), c.status,
                   c.access_status, fmt_date(c.activated_on), fmt_date(c.billing_base_date),
                   fmt_date(c.paid_until), fmt_date(c.renewed_on), fmt_date(c.loyalty_expires_on),
                   str(c.due_day), c.inclusion_reason_code or "", logins.get(c.id, "")]


def export_contracts(uow: UnitOfWork, output: str | Path | None = None, fmt: str = "csv") -> int:
    """Write every contract as CSV or JSON (`CONTRACT_EXPORT_COLUMNS`) to `output`; return the count."""
    uow.require(Permission.CONTRACTS_EXPORT)
    with uow:
        return write_export(output, CONTRACT_EXPORT_COLUMNS, contract_export_rows(uow), fmt)
