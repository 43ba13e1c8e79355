"""Default Brazilian catalogues and the default branch (idempotent: inserts only what is missing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ispdesk.db.models import Branch
from ispdesk.domain.documents import normalize_document
from ispdesk.domain.text import digits
from ispdesk.services import parameters
from ispdesk.services.catalogs import MODELS, CatalogKind
from ispdesk.services.uow import UnitOfWork

INCLUSION: tuple[tuple[str, str], ...] = (
    ("NOVO", "Cliente novo"),
    ("TITULARIDADE", "Troca de titularidade"),
    ("MUDANCA_ENDERECO", "Mudança de endereço"),
    ("MIGRACAO", "Migração de outro sistema"),
)

#: code, description, waives_fine, frees_period, counts_as_churn, system
CANCELLATION: tuple[tuple[str, str, bool, bool, bool, bool], ...] = (
    ("PEDIDO", "A pedido do cliente", False, False, True, False),
    ("MUDANCA_ENDERECO", "Mudança para endereço sem cobertura", False, False, True, False),
    ("CONCORRENCIA", "Migrou para a concorrência", False, False, True, False),
    ("INADIMPLENCIA", "Rescisão por inadimplência (automática)", False, False, True, True),
    ("DESCUMPRIMENTO", "Descumprimento contratual pelo provedor", True, True, True, False),
)

#: code, description, months
PAYMENT_TERMS: tuple[tuple[str, str, int], ...] = (
    ("MENSAL", "Mensal pós-pago", 1),
    ("TRIMESTRAL", "Trimestral", 3),
    ("SEMESTRAL", "Semestral", 6),
    ("ANUAL", "Anual", 12),
)

BILLING_TYPES: tuple[tuple[str, str], ...] = (
    ("BOLETO", "Boleto bancário"),
    ("PIX", "PIX"),
    ("CARTAO", "Cartão de crédito"),
    ("DEBITO_AUTOMATICO", "Débito automático"),
    ("CARNE", "Carnê"),
)


def _insert_missing(uow: UnitOfWork, kind: CatalogKind, rows: list[dict[str, Any]]) -> None:
    model = MODELS[kind]
    existing = set(uow.session.scalars(select(model.code)))
    for values in rows:
        if values["code"] not in existing:
            uow.session.add(model(active=True, **values))


def seed(uow: UnitOfWork) -> None:
    """Insert the default catalogue entries that are missing, and a default branch if there is none."""
    _insert_missing(uow, CatalogKind.INCLUSION, [{"code": c, "description": d} for c, d in INCLUSION])
    _insert_missing(uow, CatalogKind.CANCELLATION, [
        {"code": c, "description": d, "waives_fine": w, "frees_period": f, "counts_as_churn": ch, "system": s}
        for c, d, w, f, ch, s in CANCELLATION
    ])
    _insert_missing(uow, CatalogKind.PAYMENT_TERM,
                    [{"code": c, "description": d, "months": m} for c, d, m in PAYMENT_TERMS])
    _insert_missing(uow, CatalogKind.BILLING_TYPE, [{"code": c, "description": d} for c, d in BILLING_TYPES])
    uow.session.flush()
    if not uow.session.scalar(select(func.count()).select_from(Branch)):
        p = parameters.load(uow.session)
        uow.session.add(Branch(
            code="MATRIZ", legal_name=p["empresa_razao_social"], trade_name=p["empresa_nome_fantasia"],
            cnpj=normalize_document(p["empresa_cnpj"])[:14], address=p["empresa_endereco"],
            city=p["empresa_cidade"], state=p["empresa_uf"],
            cep=digits(p["empresa_cep"]), phone=digits(p["empresa_telefone"]), email=p["empresa_email"], active=True,
        ))
