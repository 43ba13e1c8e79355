"""All models, imported so that `Base.metadata` knows every table (Alembic, tests)."""

from ispdesk.db.models import message_keys as _message_keys  # noqa: F401  (partial unique index)
from ispdesk.db.models.access import AccessEvent, Notice, SuspensionPeriod, SuspensionRun
from ispdesk.db.models.catalogs import BillingType, CancellationReason, InclusionReason, PaymentTerm
from ispdesk.db.models.changes import AdjustmentBatch, ContractAdjustment, ContractValueChange, PlanChange
from ispdesk.db.models.collection_wallets import BoletoTitle, Carteira
from ispdesk.db.models.contracts import Charge, Contract, Holiday, Negativation, Payment, PaymentLine, Plan
from ispdesk.db.models.core import AuditEntry, Parameter, Sequence, User
from ispdesk.db.models.customers import Customer, CustomerWord
from ispdesk.db.models.documents import Branch, ContractDocument, ContractTemplate
from ispdesk.db.models.message_templates import MessageTemplate
from ispdesk.db.models.messages import OutboxMessage
from ispdesk.db.models.network import ContractNetwork, RadiusRequestLog
from ispdesk.db.models.offline import SyncInbox
from ispdesk.db.models.push_devices import PushDevice

__all__ = [
    "AccessEvent",
    "AdjustmentBatch",
    "AuditEntry",
    "BillingType",
    "BoletoTitle",
    "Branch",
    "CancellationReason",
    "Carteira",
    "Charge",
    "Contract",
    "ContractAdjustment",
    "ContractDocument",
    "ContractNetwork",
    "ContractTemplate",
    "ContractValueChange",
    "Customer",
    "CustomerWord",
    "Holiday",
    "InclusionReason",
    "MessageTemplate",
    "Negativation",
    "Notice",
    "OutboxMessage",
    "Parameter",
    "Payment",
    "PaymentLine",
    "PaymentTerm",
    "Plan",
    "RadiusRequestLog",
    "PlanChange",
    "PushDevice",
    "Sequence",
    "SuspensionPeriod",
    "SuspensionRun",
    "SyncInbox",
    "User",
]
