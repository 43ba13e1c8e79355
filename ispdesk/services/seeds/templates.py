"""Seeds the default contract and loyalty term (version 1) when the database has none of that code."""

from __future__ import annotations

from sqlalchemy import select

from ispdesk.db.models import ContractTemplate
from ispdesk.reports.assets import resource_path
from ispdesk.services.uow import UnitOfWork

#: (code, name, kind, file under resources/templates)
DEFAULT_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("contrato_padrao", "Contrato padrão (SCM)", "contrato", "contrato_padrao.txt"),
    ("termo_fidelidade", "Termo de fidelidade", "termo", "termo_fidelidade.txt"),
)


def seed(uow: UnitOfWork) -> None:
    """Insert version 1 of each default template whose code is missing (idempotent)."""
    existing = set(uow.session.scalars(select(ContractTemplate.code).distinct()))
    for code, name, kind, filename in DEFAULT_TEMPLATES:
        if code in existing:
            continue
        body = resource_path("templates", filename).read_text(encoding="utf-8")
        uow.session.add(ContractTemplate(code=code, version_number=1, name=name, kind=kind, body=body, active=True,
                                         created_at=uow.now, created_by=uow.actor.login))
