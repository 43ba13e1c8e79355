"""Branches (company data printed on contracts), contract templates and generated documents."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime, one_of
from ispdesk.domain.statuses import DocumentPurpose, TemplateKind


class Branch(IdMixin, Base):
    """A company / branch (filial) of the ISP: the contracting party on contracts."""

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    legal_name: Mapped[str] = mapped_column(String(200), nullable=False)
    trade_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    cnpj: Mapped[str] = mapped_column(String(14), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    cep: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(11), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ContractTemplate(IdMixin, Base):
    """One saved version of a contract/term template; saving creates version + 1."""

    __tablename__ = "contract_templates"

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    version_number: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(80), nullable=False)

    __table_args__ = (one_of("kind", TemplateKind),
                      UniqueConstraint("code", "version_number", name="uq_contract_templates_code_version"))


class ContractDocument(IdMixin, Base):
    """A generated contract PDF: which template version, its hash (verification code), who, when."""

    __tablename__ = "contract_documents"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), nullable=False)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract_templates.id"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False, default="assinatura")
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    generated_by: Mapped[str] = mapped_column(String(80), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (one_of("purpose", DocumentPurpose),)
