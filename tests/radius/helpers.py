"""Shared helpers of the FreeRADIUS tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from ispdesk.db.models import Contract
from ispdesk.services import network, radius, radius_coa
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_charge, make_contract, make_plan

Uow = Callable[..., UnitOfWork]
V = date(2026, 9, 10)


def with_tables(uow: Uow) -> None:
    """Create the rlm_sql tables (``ispdesk radius schema``)."""
    radius.create_schema(uow())


def contract_with_login(uow: Uow, login: str, password: str = "s3nh@Forte", overdue: bool = True,
                        plan_code: str = "FIBRA-100", down: int = 100, up: int = 50, **kw: object) -> int:
    """A contract on a 100/50 plan with a network login (and an overdue charge due 10/09/2026)."""
    with uow() as u:
        from ispdesk.db.models import Plan

        plan = u.session.scalar(select(Plan).where(Plan.code == plan_code)) or make_plan(
            u.session, plan_code, download_mbps=down, upload_mbps=up)
        contract = make_contract(u.session, plan=plan, **kw)
        if overdue:
            make_charge(u.session, contract, V)
        u.commit()
        number = contract.number
    network.set_identity(uow(), number, login, password)
    radius_coa.wait_idle(30)  # the first provisioning's CoA look-up is done before a test opens a session
    return number


def contract_id(uow: Uow, number: int) -> Any:
    with uow() as u:
        return u.session.scalar(select(Contract.id).where(Contract.number == number))
