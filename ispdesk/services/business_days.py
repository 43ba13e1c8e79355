"""The provider's business-day calendar: municipal holidays catalogue and charges' effective due dates.

National and state holidays come from the ``holidays`` package (`ispdesk.domain.business_days`);
the provider adds municipal ones here (``ispdesk holidays add|list|remove``). Every charge stores its
*vencimento útil* (`Charge.effective_due_date`), computed when it is created; adding or removing a
holiday, or changing the company's UF (``empresa_uf``), recomputes it on the charges it affects in
the same transaction, so the ladder, the notice and the late amounts always count from it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.orm import Session

from ispdesk.db.models import Charge, Holiday, Parameter
from ispdesk.domain.business_days import Calendar, affected_due_dates
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import NotFound, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.parameters import BY_NAME
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class HolidayRow:
    """A municipal holiday as listed."""

    id: uuid.UUID
    day: date
    yearly: bool
    description: str

    @property
    def shown(self) -> str:
        """``25/01 (todo ano)`` or ``20/11/2026``."""
        return f"{self.day:%d/%m} (todo ano)" if self.yearly else format_date(self.day)


def calendar_on(bind: Session | Connection) -> Calendar:
    """The calendar (company UF + municipal holidays) read on a session or a bare connection."""
    uf = bind.scalar(select(Parameter.value).where(Parameter.name == "empresa_uf"))
    rows = bind.execute(select(Holiday.day, Holiday.yearly)).all()
    return Calendar.of(uf if uf is not None else str(BY_NAME["empresa_uf"].default),
                       [d for d, yearly in rows if not yearly], [(d.month, d.day) for d, yearly in rows if yearly])


def calendar(uow: UnitOfWork) -> Calendar:
    """The provider's calendar (every signed-in role may read it)."""
    with uow:
        return calendar_on(uow.session)


def list_holidays(uow: UnitOfWork) -> list[HolidayRow]:
    """The municipal holidays, by day and month."""
    with uow:
        rows = uow.session.scalars(select(Holiday))
        return sorted((HolidayRow(h.id, h.day, h.yearly, h.description) for h in rows),
                      key=lambda r: (r.day.month, r.day.day, r.day.year))


def add_holiday(uow: UnitOfWork, day: date, description: str, yearly: bool = False) -> HolidayRow:
    """Register a municipal holiday; the charges due around it get their effective due date again.

    Raises:
        PermissionDenied: the actor may not manage catalogues.
        ValidationError: no description, or the holiday already registered.
    """
    uow.require(Permission.CATALOGS_MANAGE)
    with uow:
        row = add_holiday_in(uow, day, description, yearly)
        uow.commit()
        return row


def add_holiday_in(uow: UnitOfWork, day: date, description: str, yearly: bool = False) -> HolidayRow:
    """`add_holiday` inside an open unit of work (no commit)."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"descricao": "Informe a descrição do feriado (por exemplo, “Aniversário da cidade”)."})
    if len(description) > 120:
        raise ValidationError({"descricao": "A descrição tem mais de 120 caracteres; resuma-a."})
    if yearly:
        day = date(2000, day.month, day.day)  # only day and month count (2000 keeps 29/02)
    existing = uow.session.scalar(select(Holiday).where(Holiday.day == day, Holiday.yearly.is_(yearly)))
    shown = f"{day:%d/%m} (todo ano)" if yearly else format_date(day)
    if existing is not None:
        raise ValidationError({"data": f"O feriado de {shown} já está cadastrado ({existing.description})."})
    holiday = Holiday(id=uuid7(), day=day, yearly=yearly, description=description, created_at=uow.now,
                      created_by=uow.actor.login)
    uow.session.add(holiday)
    uow.session.flush()
    changed = refresh_effective_dates_in(uow, _affected(day, yearly))
    uow.audit("holiday", holiday.id, "create", {"data": shown, "descricao": description, "cobrancas": changed},
              summary=f"Feriado municipal {shown} cadastrado: {description}")
    return HolidayRow(holiday.id, holiday.day, holiday.yearly, holiday.description)


def remove_holiday(uow: UnitOfWork, day: date, yearly: bool = False) -> HolidayRow:
    """Remove a municipal holiday (the effective due dates around it are recomputed).

    Raises:
        PermissionDenied: the actor may not manage catalogues.
        NotFound: no such holiday.
    """
    uow.require(Permission.CATALOGS_MANAGE)
    with uow:
        if yearly:
            day = date(2000, day.month, day.day)
        holiday = uow.session.scalar(select(Holiday).where(Holiday.day == day, Holiday.yearly.is_(yearly)))
        shown = f"{day:%d/%m} (todo ano)" if yearly else format_date(day)
        if holiday is None:
            raise NotFound(f"Não há feriado municipal cadastrado em {shown}; veja a lista com "
                           "`ispdesk holidays list`.")
        row = HolidayRow(holiday.id, holiday.day, holiday.yearly, holiday.description)
        uow.session.delete(holiday)
        uow.session.flush()
        changed = refresh_effective_dates_in(uow, _affected(day, yearly))
        uow.audit("holiday", holiday.id, "delete", {"data": shown, "cobrancas": changed},
                  summary=f"Feriado municipal {shown} removido")
        uow.commit()
        return row


def _affected(day: date, yearly: bool) -> list[tuple[date, date]] | None:
    """Nominal due-date ranges a holiday may move (None: every due date, for a yearly one)."""
    return None if yearly else [affected_due_dates(day)]


def refresh_effective_dates_in(uow: UnitOfWork, ranges: Iterable[tuple[date, date]] | None = None) -> int:
    """Recompute `Charge.effective_due_date` with the current calendar; returns how many charges changed.

    Only the distinct due dates are computed (a few hundred a year), each update touches the charges
    due that day whose effective date differs. `ranges` limits it to nominal due dates in them.
    """
    cal = calendar_on(uow.session)
    query = select(Charge.due_date, Charge.effective_due_date).distinct()
    if ranges is not None:
        spans = list(ranges)
        if not spans:
            return 0
        query = query.where(or_(*[Charge.due_date.between(lo, hi) for lo, hi in spans]))
    changed = 0
    for due, stored in uow.session.execute(query).all():
        wanted = cal.effective_due(due)
        if wanted != stored:
            result = uow.session.execute(
                update(Charge).where(Charge.due_date == due, Charge.effective_due_date != wanted)
                .values(effective_due_date=wanted).execution_options(synchronize_session=False))
            changed += int(getattr(result, "rowcount", 0) or 0)
    if changed:
        uow.session.expire_all()
    return changed
