"""Customers (clientes)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin, SearchKey, StampMixin, UUIDType, one_of
from ispdesk.domain.statuses import CustomerStatus


class Customer(IdMixin, StampMixin, Base):
    """A customer; documents and phones stored unmasked, with folded copies for search."""

    __tablename__ = "customers"

    code: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    person_type: Mapped[str] = mapped_column(String(1), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_folded: Mapped[str] = mapped_column(SearchKey, nullable=False)
    document: Mapped[str | None] = mapped_column(String(14))
    #: A copy of `document` while ``aceitar_cpf_cnpj_duplicado`` is "não" (NULL while duplicates are
    #: allowed): its unique constraint is the database's half of the no-duplicates rule, so two
    #: stations saving the same CPF/CNPJ at once cannot both succeed.
    unique_document: Mapped[str | None] = mapped_column(String(14), unique=True)
    rg_ie: Mapped[str | None] = mapped_column(String(30))
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    email_folded: Mapped[str | None] = mapped_column(SearchKey)
    secondary_email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(11))
    phone: Mapped[str | None] = mapped_column(String(11))
    cep: Mapped[str | None] = mapped_column(String(8))
    street: Mapped[str | None] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(20))
    complement: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    portal_login: Mapped[str | None] = mapped_column(String(60), unique=True)
    portal_password_hash: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="ativo")
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("status", CustomerStatus),
        Index("ix_customers_name_folded", "name_folded", "id"),
        Index("ix_customers_document", "document"),
        Index("ix_customers_mobile", "mobile"),
        Index("ix_customers_phone", "phone"),
        Index("ix_customers_email_folded", "email_folded"),
        Index("ix_customers_city", "city"),
    )


class CustomerWord(Base):
    """One word of a customer's folded name (the word index of the name search).

    Written only by `ispdesk.services.customer_words` (called by every customer write path: the
    form's create/update, the import, the demo). ``name_folded`` is a copy of the customer's, so a
    word's rows come out of ``ix_customer_words_word`` already in list order (name, id).
    """

    __tablename__ = "customer_words"

    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUIDType, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(SearchKey, primary_key=True)
    name_folded: Mapped[str] = mapped_column(SearchKey, nullable=False)

    __table_args__ = (Index("ix_customer_words_word", "word", "name_folded", "customer_id"),)
