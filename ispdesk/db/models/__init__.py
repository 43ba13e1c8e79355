"""All models, imported so that `Base.metadata` knows every table (Alembic, tests)."""

from ispdesk.db.models.access import AccessEvent, Notice, SuspensionPeriod, SuspensionRun
from ispdesk.db.models.catalogs import BillingType, CancellationReason, InclusionReason, PaymentTerm
from ispdesk.db.models.changes import AdjustmentBatch, ContractAdjustment, ContractValueChange, PlanChange
from ispdesk.db.models.contracts import Charge, Contract, Negativation, Payment, Plan
from ispdesk.db.models.core import AuditEntry, Parameter, Sequence, User
from ispdesk.db.models.customers import Customer, CustomerWord
from ispdesk.db.models.documents import Branch, ContractDocument, ContractTemplate

__all__ = [
    "AccessEvent",
    "AdjustmentBatch",
    "AuditEntry",
    "BillingType",
    "Branch",
    "CancellationReason",
    "Charge",
    "Contract",
    "ContractAdjustment",
    "ContractDocument",
    "ContractTemplate",
    "ContractValueChange",
    "Customer",
    "CustomerWord",
    "InclusionReason",
    "Negativation",
    "Notice",
    "Parameter",
    "Payment",
    "PaymentTerm",
    "Plan",
    "PlanChange",
    "Sequence",
    "SuspensionPeriod",
    "SuspensionRun",
    "User",
]
