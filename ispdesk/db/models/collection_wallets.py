"""Carteiras de cobrança (bank agreements that issue boletos) and the boleto title of each charge."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, UTCDateTime


class Carteira(IdMixin, Base):
    """A carteira de cobrança: bank, agency, account, wallet, agreement and the next nosso número."""

    __tablename__ = "carteiras"

    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    bank: Mapped[str] = mapped_column(String(3), nullable=False)
    agency: Mapped[str] = mapped_column(String(10), nullable=False)
    account: Mapped[str] = mapped_column(String(20), nullable=False)
    wallet: Mapped[str] = mapped_column(String(5), nullable=False)
    #: Convênio (Banco do Brasil) or código do beneficiário (Sicoob).
    agreement: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The sequence part of the next nosso número; taken with one UPDATE … RETURNING (never twice).
    next_nosso_numero: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    instructions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Next sequential number of the CNAB remessa files of this carteira.
    next_remessa: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class BoletoTitle(IdMixin, Base):
    """The boleto of a charge: its carteira and nosso número (one per charge, one per number)."""

    __tablename__ = "boleto_titles"

    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"), unique=True, nullable=False)
    carteira_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("carteiras.id"), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    #: As printed and as returned in CNAB files (digits only).
    nosso_numero: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: Day the title went in a remessa file (None: not sent to the bank yet).
    sent_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("carteira_id", "sequence", name="uq_boleto_titles_sequence"),
        Index("ix_boleto_titles_nosso_numero", "nosso_numero"),
    )
