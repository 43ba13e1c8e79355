"""Plausible windows for every date that enters the system (form, CSV import, CLI, services).

One rule per kind of date, so each path refuses the same dates with the same Portuguese message:

- activation (`data_ativacao`): not before the provider's founding date (parameter
  ``data_fundacao_provedor``, default 01/01/1990) and not in the future (it records the
  installation, on the day it happens);
- billing base date (`data_base_financeira`): not before the activation, not more than a year ahead;
- renewal (`data_renovacao`): after the loyalty start, not in the future;
- payment (`data_pagamento`): not before the founding date nor the start of the charge's period
  (a month before it for advance payments), never in the future;
- birth (`data_nascimento`): from 01/01/1900 up to today.
"""

from __future__ import annotations

from datetime import date, timedelta

from ispdesk.domain.dates import add_months, format_date
from ispdesk.domain.errors import ValidationError

#: Default of the parameter ``data_fundacao_provedor``.
DEFAULT_FOUNDING = date(1990, 1, 1)
#: Earliest birth date accepted.
EARLIEST_BIRTH = date(1900, 1, 1)
#: How far ahead a billing base date may be set.
MAX_AHEAD_DAYS = 366
#: A payment may be made this many months before its period starts (paid in advance).
ADVANCE_PAYMENT_MONTHS = 1


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def check_activation(activated_on: date, today: date, founding: date = DEFAULT_FOUNDING,
                     field: str = "data_ativacao") -> date:
    """Activation between the provider's founding and today.

    Raises:
        ValidationError: before the founding (``01/01/0001``, ``01/01/1900``) or in the future.
    """
    if activated_on < founding:
        raise _refuse(field, f"A data de ativação ({format_date(activated_on)}) é anterior à fundação do "
                             f"provedor ({format_date(founding)}, parâmetro data_fundacao_provedor). "
                             "Confira o ano digitado.")
    if activated_on > today:
        raise _refuse(field, f"A data de ativação ({format_date(activated_on)}) não pode ser futura. Deixe-a em "
                             "branco e ative o contrato na instalação.")
    return activated_on


def check_base_date(base: date, activated_on: date, today: date, field: str = "data_base_financeira") -> date:
    """Billing base date from the activation up to a year ahead of today.

    Raises:
        ValidationError: before the activation or more than a year ahead.
    """
    if base < activated_on:
        raise _refuse(field, f"A data base financeira ({format_date(base)}) não pode ser anterior à ativação "
                             f"({format_date(activated_on)}).")
    if base > today + timedelta(days=MAX_AHEAD_DAYS):
        raise _refuse(field, f"A data base financeira ({format_date(base)}) está mais de um ano à frente de hoje "
                             f"({format_date(today)}). Confira o ano digitado.")
    return base


def check_renewal(on_date: date, start: date, today: date, renewed_before: bool,
                  field: str = "data_renovacao") -> date:
    """Renewal after the loyalty's start (activation or last renewal), not in the future.

    Raises:
        ValidationError: on or before the start, or in the future.
    """
    if on_date <= start:
        raise _refuse(field, f"A renovação ({format_date(on_date)}) deve ser posterior à "
                             f"{'última renovação' if renewed_before else 'ativação'} ({format_date(start)}).")
    if on_date > today:
        raise _refuse(field, f"A renovação ({format_date(on_date)}) não pode ser futura: ela registra o aceite do "
                             "cliente, no dia em que ele aceita.")
    return on_date


def check_payment(paid_on: date, today: date, period_start: date | None = None,
                  founding: date = DEFAULT_FOUNDING, field: str = "data_pagamento") -> date:
    """Payment date not in the future, not before the founding nor long before the charge's period.

    Args:
        period_start: the start of the period the charge bills (its issue date for a one-off charge);
            a payment up to a month before it is accepted (paid in advance).

    Raises:
        ValidationError: ``01/01/0001``, a date before the charge existed, or a future date.
    """
    if paid_on > today:
        raise _refuse(field, f"A data do pagamento ({format_date(paid_on)}) está no futuro; informe a data em que o "
                             "cliente pagou.")
    if paid_on < founding:
        raise _refuse(field, f"A data do pagamento ({format_date(paid_on)}) é anterior à fundação do provedor "
                             f"({format_date(founding)}). Confira o ano digitado.")
    if period_start is not None:
        try:
            earliest = add_months(period_start, -ADVANCE_PAYMENT_MONTHS)
        except ValueError:
            earliest = date.min
        if paid_on < earliest:
            raise _refuse(field, f"A data do pagamento ({format_date(paid_on)}) é anterior ao período da cobrança "
                                 f"(início em {format_date(period_start)}). Confira a data.")
    return paid_on


def check_birth(birth: date, today: date, field: str = "data_nascimento") -> date:
    """Birth date from 01/01/1900 up to today.

    Raises:
        ValidationError: in the future or before 1900.
    """
    if birth > today:
        raise _refuse(field, f"Data de nascimento {format_date(birth)} está no futuro. Confira a data (dd/mm/aaaa).")
    if birth < EARLIEST_BIRTH:
        raise _refuse(field, f"Data de nascimento {format_date(birth)} muito antiga (antes de "
                             f"{format_date(EARLIEST_BIRTH)}). Confira o ano.")
    return birth
