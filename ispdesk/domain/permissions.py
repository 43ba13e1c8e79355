"""Named actions (permissions) and the roles that grant them.

Permissions are checked by the services; the GUI only hides what the user may not do.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """Every action that needs a permission, named ``area.action``."""

    USERS_MANAGE = "users.manage"
    PARAMS_EDIT = "params.edit"
    AUDIT_VIEW = "audit.view"
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_CREATE = "customers.create"
    CUSTOMERS_EDIT = "customers.edit"
    CUSTOMERS_IMPORT = "customers.import"
    CUSTOMERS_EXPORT = "customers.export"
    PLANS_MANAGE = "plans.manage"
    CATALOGS_MANAGE = "catalogs.manage"
    CONTRACTS_VIEW = "contracts.view"
    CONTRACTS_CREATE = "contracts.create"
    CONTRACTS_EDIT = "contracts.edit"
    CONTRACTS_ACTIVATE = "contracts.activate"
    CONTRACTS_RENEW = "contracts.renew"
    CONTRACTS_CANCEL = "contracts.cancel"
    CONTRACTS_IMPORT = "contracts.import"
    CONTRACTS_EXPORT = "contracts.export"
    CONTRACTS_NEGATIVATE = "contracts.negativate"
    CHARGES_CREATE = "charges.create"
    CHARGES_GENERATE = "charges.generate"
    PAYMENTS_RECORD = "payments.record"
    PAYMENTS_REVERSE = "payments.reverse"
    PAYMENTS_IMPORT = "payments.import"
    ACCESS_TRUST_UNLOCK = "access.trust_unlock"
    ACCESS_LIFT_TRUST_RESTRICTION = "access.lift_trust_restriction"
    ACCESS_RELEASE_TEMPORARY = "access.release_temporary"
    ACCESS_RELEASE_MANUAL = "access.release_manual"
    ACCESS_BLOCK_EXEMPTION = "access.block_exemption"
    TASKS_RUN = "tasks.run"
    PLAN_CHANGE = "contracts.change_plan"
    ADJUSTMENT_SIMULATE = "adjustments.simulate"
    ADJUSTMENT_APPLY = "adjustments.apply"
    ADJUSTMENT_UNDO = "adjustments.undo"
    DOCUMENTS_PRINT = "documents.print"
    TEMPLATES_MANAGE = "templates.manage"
    REPORTS_VIEW = "reports.view"
    DASHBOARD_VIEW = "dashboard.view"
    NETWORK_EDIT = "network.edit"
    NETWORK_PASSWORD_VIEW = "network.password_view"
    NETWORK_ADMIN = "network.admin"


class Role(StrEnum):
    """User roles."""

    ADMINISTRADOR = "administrador"
    ATENDIMENTO = "atendimento"
    FINANCEIRO = "financeiro"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRADOR: "Administrador",
    Role.ATENDIMENTO: "Atendimento",
    Role.FINANCEIRO: "Financeiro",
}

_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRADOR: frozenset(Permission),
    Role.ATENDIMENTO: frozenset(
        {
            _P.CUSTOMERS_VIEW, _P.CUSTOMERS_CREATE, _P.CUSTOMERS_EDIT, _P.CONTRACTS_VIEW,
            _P.CONTRACTS_CREATE, _P.CONTRACTS_EDIT, _P.CONTRACTS_ACTIVATE, _P.CONTRACTS_RENEW,
            _P.CONTRACTS_CANCEL, _P.ACCESS_TRUST_UNLOCK, _P.ACCESS_RELEASE_TEMPORARY, _P.PLAN_CHANGE,
            _P.DOCUMENTS_PRINT, _P.PAYMENTS_RECORD, _P.AUDIT_VIEW, _P.NETWORK_EDIT,
        }
    ),
    Role.FINANCEIRO: frozenset(
        {
            _P.CUSTOMERS_VIEW, _P.CUSTOMERS_EXPORT, _P.CONTRACTS_VIEW, _P.CONTRACTS_EXPORT,
            _P.CONTRACTS_NEGATIVATE, _P.CONTRACTS_CANCEL, _P.CHARGES_CREATE, _P.CHARGES_GENERATE,
            _P.PAYMENTS_RECORD, _P.PAYMENTS_REVERSE, _P.PAYMENTS_IMPORT, _P.ACCESS_TRUST_UNLOCK,
            _P.ACCESS_RELEASE_TEMPORARY, _P.ACCESS_RELEASE_MANUAL, _P.ACCESS_BLOCK_EXEMPTION,
            _P.ACCESS_LIFT_TRUST_RESTRICTION, _P.TASKS_RUN, _P.ADJUSTMENT_SIMULATE,
            _P.DOCUMENTS_PRINT, _P.REPORTS_VIEW, _P.DASHBOARD_VIEW, _P.AUDIT_VIEW,
        }
    ),
}

PERMISSION_LABELS: dict[Permission, str] = {p: p.value for p in Permission}
