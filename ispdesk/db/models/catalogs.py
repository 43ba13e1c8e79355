"""Catalogues: inclusion and cancellation reasons, payment terms, billing types."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ispdesk.db.base import Base, IdMixin


class CatalogMixin(IdMixin):
    """Code + description + active flag."""

    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(String(120), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class InclusionReason(CatalogMixin, Base):
    """Motivo de inclusão de contrato (NOVO, TITULARIDADE, …)."""

    __tablename__ = "inclusion_reasons"


class CancellationReason(CatalogMixin, Base):
    """Motivo de cancelamento, with the flags that drive the fine, the last period and churn.

    Attributes:
        waives_fine: the provider breached the contract, so no termination fine.
        frees_period: the last (partial) period is not charged.
        counts_as_churn: counted in the dashboard churn rate.
        system: created by ispdesk for automatic actions (rescission for non-payment).
    """

    __tablename__ = "cancellation_reasons"

    waives_fine: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    frees_period: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    counts_as_churn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    system: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class PaymentTerm(CatalogMixin, Base):
    """Condição de pagamento (e.g. mensal pós-pago)."""

    __tablename__ = "payment_terms"

    months: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class BillingType(CatalogMixin, Base):
    """Tipo de cobrança (boleto, PIX, cartão, débito automático, carnê)."""

    __tablename__ = "billing_types"
