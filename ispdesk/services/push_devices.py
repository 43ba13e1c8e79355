"""Devices registered for push notifications, per customer (FCM registration tokens).

A token names one app installation, so it is unique across customers: registering a token that
another customer had moves the device to the customer registering it now (a phone that changed
hands, or another login in the app). A push message goes to the customer's most recently
registered active device; a token FCM reports as unregistered is deactivated with the reason
(`deactivate_in`) and the next active one, if any, is tried.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Customer, PushDevice
from ispdesk.domain.errors import NotFound
from ispdesk.domain.permissions import Permission
from ispdesk.domain.push import normalize_app, normalize_token, parse_platform, token_tail
from ispdesk.domain.statuses import DevicePlatform
from ispdesk.services import lookups
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class DeviceRow:
    """A registered device as lists show it."""

    customer_code: int
    token: str
    platform: str
    app: str
    active: bool
    created_at: datetime
    created_by: str
    last_error: str
    deactivated_at: datetime | None

    @property
    def platform_label(self) -> str:
        """``Android`` / ``iOS``."""
        return DevicePlatform.label_of(self.platform)

    def line(self) -> str:
        """One line: token, platform, app, situation (and why it was deactivated)."""
        state = "ativo" if self.active else "inativo"
        text = f"{self.token}\t{self.platform}\t{self.app or '-'}\t{state}\t{self.created_at:%Y-%m-%d %H:%M}"
        return text + (f"\t{self.last_error}" if self.last_error else "")


def _row(device: PushDevice, code: int) -> DeviceRow:
    return DeviceRow(code, device.token, device.platform, device.app or "", device.active, device.created_at,
                     device.created_by, device.last_error or "", device.deactivated_at)


def describe(platform: str, app: str | None, token: str) -> str:
    """How a device is named in the outbox address and the audit: ``Android · App X …a1b2c3d4``."""
    parts = [DevicePlatform.label_of(platform), app or "", token_tail(token)]
    return " · ".join(p for p in parts if p)


def add_device(uow: UnitOfWork, customer_code: int | str, token: str, platform: str = DevicePlatform.ANDROID,
               app: str | None = None) -> DeviceRow:
    """Register (or reactivate) a device token for the customer with `customer_code`.

    Raises:
        PermissionDenied: the actor may not edit customers.
        NotFound: no such customer.
        BusinessRuleError: the token, platform or app name is not valid.
    """
    uow.require(Permission.CUSTOMERS_EDIT)
    with uow:
        row = add_device_in(uow, customer_code, token, platform, app)
        uow.commit()
        return row


def add_device_in(uow: UnitOfWork, customer_code: int | str, token: str, platform: str = DevicePlatform.ANDROID,
                  app: str | None = None) -> DeviceRow:
    """The body of `add_device` (no permission check, no commit)."""
    value = normalize_token(token)
    kind = parse_platform(platform)
    label = normalize_app(app)
    customer = lookups.customer_by_code(uow, customer_code)
    device = uow.session.scalar(select(PushDevice).where(PushDevice.token == value).with_for_update())
    now = uow.now
    if device is None:
        device = PushDevice(customer_id=customer.id, token=value, platform=kind.value, app=label, created_at=now,
                            created_by=uow.actor.login, active=True)
        uow.session.add(device)
        uow.session.flush()
        uow.audit("customer", customer.id, "push_device_added",
                  {"dispositivo": describe(kind, label, value)},
                  summary=f"Cliente {customer.code}: dispositivo de push cadastrado ({describe(kind, label, value)})")
        return _row(device, customer.code)
    before = describe(device.platform, device.app, value)
    if device.customer_id != customer.id:
        previous = uow.session.get(Customer, device.customer_id)
        if previous is not None:
            uow.audit("customer", previous.id, "push_device_moved", {"dispositivo": before, "para": customer.code},
                      summary=f"Cliente {previous.code}: dispositivo de push passou para o cliente {customer.code}")
    device.customer_id, device.platform, device.app = customer.id, kind.value, label
    device.active, device.last_error, device.deactivated_at = True, None, None
    device.created_at, device.created_by = now, uow.actor.login
    uow.audit("customer", customer.id, "push_device_added", {"dispositivo": describe(kind, label, value)},
              summary=f"Cliente {customer.code}: dispositivo de push cadastrado de novo "
                      f"({describe(kind, label, value)})")
    return _row(device, customer.code)


def list_devices(uow: UnitOfWork, customer_code: int | str) -> list[DeviceRow]:
    """The customer's devices, the one push uses first (newest active) first.

    Raises:
        PermissionDenied: the actor may not view customers.
        NotFound: no such customer.
    """
    uow.require(Permission.CUSTOMERS_VIEW)
    with uow:
        customer = lookups.customer_by_code(uow, customer_code)
        devices = uow.session.scalars(select(PushDevice).where(PushDevice.customer_id == customer.id)
                                      .order_by(PushDevice.active.desc(), PushDevice.created_at.desc(),
                                                PushDevice.id.desc()))
        return [_row(d, customer.code) for d in devices]


def remove_device(uow: UnitOfWork, token: str) -> DeviceRow:
    """Delete the device with `token` (the customer uninstalled the app, or it was typed by mistake).

    Raises:
        PermissionDenied: the actor may not edit customers.
        NotFound: no device with that token.
    """
    uow.require(Permission.CUSTOMERS_EDIT)
    with uow:
        value = (token or "").strip()
        found = uow.session.execute(
            select(PushDevice, Customer.code).join(Customer, Customer.id == PushDevice.customer_id)
            .where(PushDevice.token == value)).first()
        if found is None:
            raise NotFound(f"Nenhum dispositivo com o token “{token_tail(value)}”. Veja os tokens do cliente com "
                           "'ispdesk messages device list CODIGO'.")
        device, code = found
        row = _row(device, code)
        uow.audit("customer", device.customer_id, "push_device_removed",
                  {"dispositivo": describe(device.platform, device.app, value)},
                  summary=f"Cliente {code}: dispositivo de push removido "
                          f"({describe(device.platform, device.app, value)})")
        uow.session.delete(device)
        uow.commit()
        return row


# --- used by the push sender ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An active device a push message can go to."""

    device_id: uuid.UUID
    token: str
    label: str


def targets(session: Session, customer_id: uuid.UUID) -> list[Target]:
    """The customer's active devices, the most recently registered first."""
    rows = session.execute(select(PushDevice.id, PushDevice.token, PushDevice.platform, PushDevice.app)
                           .where(PushDevice.customer_id == customer_id, PushDevice.active.is_(True))
                           .order_by(PushDevice.created_at.desc(), PushDevice.id.desc()))
    return [Target(r[0], r[1], describe(r[2], r[3], r[1])) for r in rows]


def first_targets(session: Session, customer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Customer → the label of the device a push would go to now (customers with no active device left out)."""
    ids = list(set(customer_ids))
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(PushDevice.customer_id, PushDevice.token, PushDevice.platform, PushDevice.app)
                               .where(PushDevice.customer_id.in_(ids[start:start + 1000]),
                                      PushDevice.active.is_(True))
                               .order_by(PushDevice.created_at, PushDevice.id))
        for customer_id, token, platform, app in rows:  # oldest first: the newest wins
            found[customer_id] = describe(platform, app, token)
    return found


def deactivate_in(uow: UnitOfWork, device_id: uuid.UUID, reason: str) -> None:
    """Mark a device inactive because FCM no longer knows its token (audited; no commit)."""
    device = uow.session.get(PushDevice, device_id)
    if device is None or not device.active:
        return
    device.active, device.last_error, device.deactivated_at = False, reason[:500], uow.now
    code = uow.session.scalar(select(Customer.code).where(Customer.id == device.customer_id))
    uow.audit("customer", device.customer_id, "push_device_deactivated",
              {"dispositivo": describe(device.platform, device.app, device.token), "motivo": reason[:200]},
              summary=f"Cliente {code}: dispositivo de push desativado ({reason[:120]})")
