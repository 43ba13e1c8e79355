"""The contract list filter shared by the contracts tab, the dashboard click-through and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ContractFilter:
    """Which contracts to list; None / empty means "any".

    Attributes:
        text: customer name prefix, contract number, CPF/CNPJ (masked or not) or customer code.
        statuses: contract statuses (``pre_contrato``, ``ativo``, ``cancelado``, ``negativado``).
        access_statuses: access statuses (``normal``, ``reduzido``, ``bloqueado`` …).
        plan_code: the plan's offer code.
        due_day: day of the month the charges fall due.
        expiring_within_days: loyalty ends after `as_of` and within N days.
        in_loyalty: loyalty has not ended on `as_of` (True) / has ended or none (False).
        city: the customer's city (accent- and case-insensitive).
        branch_code: the branch (filial) code.
        cancelled_from / cancelled_to: cancellation date range.
        activated_from / activated_to: activation date range.
        as_of: the reference date for date-relative criteria (default: today).
    """

    text: str = ""
    statuses: tuple[str, ...] = ()
    access_statuses: tuple[str, ...] = ()
    plan_code: str | None = None
    due_day: int | None = None
    expiring_within_days: int | None = None
    in_loyalty: bool | None = None
    city: str | None = None
    branch_code: str | None = None
    cancelled_from: date | None = None
    cancelled_to: date | None = None
    activated_from: date | None = None
    activated_to: date | None = None
    as_of: date | None = None
