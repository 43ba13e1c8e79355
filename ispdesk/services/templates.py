"""Contract templates (modelos de contrato e termos): list, read, save a new version, preview.

Templates live in the database, one row per saved version; the highest version of a code is the one
in force. Saving validates the text with the sandboxed template engine (an unknown variable or any
code is refused, named in the message) and writes an audit row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ispdesk.db.models import ContractTemplate
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import TemplateKind
from ispdesk.domain.template_engine import compile_template, parse_blocks, sample_context
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class TemplateRow:
    """One saved version of a template."""

    id: uuid.UUID
    code: str
    version_number: int
    name: str
    kind: str
    body: str
    active: bool
    created_at: datetime
    created_by: str


def _row(t: ContractTemplate) -> TemplateRow:
    return TemplateRow(t.id, t.code, t.version_number, t.name, t.kind, t.body, t.active, t.created_at, t.created_by)


def current_template(session: Session, code: str) -> ContractTemplate:
    """The version in force of template `code` (highest active version).

    Raises:
        NotFound: no template with that code.
    """
    found = session.scalars(
        select(ContractTemplate)
        .where(ContractTemplate.code == code, ContractTemplate.active.is_(True))
        .order_by(ContractTemplate.version_number.desc())
        .limit(1)
    ).first()
    if found is None:
        codes = ", ".join(sorted(set(session.scalars(select(ContractTemplate.code))))) or "nenhum"
        raise NotFound(f"Modelo de documento “{code}” não encontrado. Modelos existentes: {codes}.")
    return found


def list_templates(uow: UnitOfWork) -> list[TemplateRow]:
    """The version in force of every template, by name."""
    with uow:
        latest = (
            select(ContractTemplate.code, func.max(ContractTemplate.version_number).label("v"))
            .where(ContractTemplate.active.is_(True))
            .group_by(ContractTemplate.code)
            .subquery()
        )
        rows = uow.session.scalars(
            select(ContractTemplate)
            .join(latest, (ContractTemplate.code == latest.c.code) & (ContractTemplate.version_number == latest.c.v))
            .order_by(ContractTemplate.name)
        ).all()
        return [_row(t) for t in rows]


def get_template(uow: UnitOfWork, code: str, version: int | None = None) -> TemplateRow:
    """One version of a template (the one in force when `version` is None).

    Raises:
        NotFound: unknown code or version.
    """
    with uow:
        if version is None:
            return _row(current_template(uow.session, code))
        found = uow.session.scalar(
            select(ContractTemplate).where(ContractTemplate.code == code, ContractTemplate.version_number == version)
        )
        if found is None:
            raise NotFound(f"O modelo “{code}” não tem a versão {version}.")
        return _row(found)


def versions(uow: UnitOfWork, code: str) -> list[TemplateRow]:
    """Every saved version of `code`, newest first."""
    with uow:
        rows = uow.session.scalars(
            select(ContractTemplate).where(ContractTemplate.code == code)
            .order_by(ContractTemplate.version_number.desc())
        ).all()
        return [_row(t) for t in rows]


def save_template_in(uow: UnitOfWork, code: str, body: str, name: str | None = None,
                     kind: str | None = None) -> TemplateRow:
    """Validate and store `body` as the next version of `code` (no commit).

    A new code needs `name` and `kind`; an existing code keeps them unless given.

    Raises:
        TemplateError: unknown variables or forbidden code, named with their lines.
        ValidationError: missing name, bad kind or code.
    """
    code = (code or "").strip()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "_-" for c in code):
        raise ValidationError({"codigo": "Código do modelo: use até 40 letras, números, _ ou -, sem espaços."})
    if not body.strip():
        raise ValidationError({"corpo": "O texto do modelo está vazio. Escreva as cláusulas antes de salvar."})
    compile_template(body)
    session = uow.session
    previous = session.scalars(
        select(ContractTemplate).where(ContractTemplate.code == code)
        .order_by(ContractTemplate.version_number.desc()).limit(1)
    ).first()
    name = (name or (previous.name if previous else "")).strip()
    kind = kind or (previous.kind if previous else "")
    if not name:
        raise ValidationError({"nome": "Informe o nome do modelo, por exemplo “Contrato padrão”."})
    if len(name) > 120:
        raise ValidationError({"nome": f"O nome do modelo tem {len(name)} caracteres; use no máximo 120."})
    if kind not in TemplateKind.values():
        raise ValidationError({"tipo": "Tipo do modelo: escolha “contrato” ou “termo”."})
    if previous is not None and previous.body == body and previous.name == name and previous.kind == kind:
        raise BusinessRuleError("Nada mudou no modelo desde a versão em vigor; nada foi salvo.", field="corpo")
    version = (previous.version_number + 1) if previous else 1
    template = ContractTemplate(code=code, version_number=version, name=name, kind=kind, body=body, active=True,
                                created_at=uow.now, created_by=uow.actor.login)
    session.add(template)
    session.flush()
    uow.audit("contract_template", template.id, "create" if version == 1 else "new_version",
              {"versao": [previous.version_number if previous else None, version],
               "caracteres": [len(previous.body) if previous else 0, len(body)]},
              f"Modelo {code} salvo como versão {version}")
    return _row(template)


def save_template(uow: UnitOfWork, code: str, body: str, name: str | None = None,
                  kind: str | None = None) -> TemplateRow:
    """Save a new version of a template (TEMPLATES_MANAGE, validated, audited) and commit."""
    uow.require(Permission.TEMPLATES_MANAGE)
    with uow:
        row = save_template_in(uow, code, body, name, kind)
        uow.commit()
        return row


def preview_pdf(body: str, code: str = "modelo", version: int = 0, name: str = "Pré-visualização") -> bytes:
    """The PDF of `body` filled with the sample contract (no database; nothing is recorded).

    Raises:
        TemplateError: the text cannot be rendered (unknown variables, forbidden code).
    """
    from ispdesk.reports.contract_pdf import (
        ContractPdf,
        Signatory,
        content_hash,
        render_contract_pdf,
        verification_code,
    )

    sample = sample_context()
    rendered = compile_template(body).render(sample)
    digest = content_hash(code, str(version), rendered)
    doc = ContractPdf(
        title=f"{name} — exemplo", blocks=tuple(parse_blocks(rendered)),
        company_name=str(sample["empresa.razao_social"]),
        company_details=f"CNPJ {sample['empresa.cnpj']} · {sample['empresa.endereco_completo']}",
        logo_png=None, reference=f"EXEMPLO — modelo {code} v{version}", verification_code=verification_code(digest),
        signatories=(Signatory("ASSINANTE", str(sample["cliente.nome"]), f"CPF {sample['cliente.documento']}"),
                     Signatory("PRESTADORA", str(sample["empresa.razao_social"]), f"CNPJ {sample['empresa.cnpj']}")),
    )
    return render_contract_pdf(doc)
