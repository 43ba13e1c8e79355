"""The non-payment ladder (régua de inadimplência) and the release rules, as pure functions.

Anatel RGC 765/2023 (arts. 70–78): a notice first; partial or total suspension no sooner than
15 days after the notice (counted from the notice, not from the due date); rescission no sooner
than 60 days of total suspension; service back at once after payment, no reconnection fee.

The ladder is driven by V, the due date of the contract's oldest unpaid overdue charge:

- notice: recorded by the first run on or after ``V + dias_aviso`` (never back-dated);
- reduction (optional): first run on or after both ``V + dias_reducao`` and ``notice + 15``;
- block: first run on or after both ``V + dias_bloqueio`` and ``notice + 15``;
- rescission: first run once the contract has spent ``dias_rescisao`` (≥ 60) days in ``bloqueado``
  since the notice.

A notice is *valid* for the current debt only when it was recorded after V (a notice about a debt
that was paid says nothing about a newer one). The floors are enforced here whatever the
parameters say, so a bad value can never make the routine break the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.statuses import LabeledEnum

#: RGC 765: suspension no sooner than this many days after the notice.
NOTICE_TO_SUSPENSION_DAYS = 15
#: RGC 765: rescission no sooner than this many days of total suspension.
MIN_RESCISSION_DAYS = 60


class AccessStatus(LabeledEnum):
    """A contract's access status (public values, exported and filtered on)."""

    NORMAL = ("normal", "Normal")
    REDUZIDO = ("reduzido", "Reduzido")
    BLOQUEADO = ("bloqueado", "Bloqueado")
    LIBERADO_CONFIANCA = ("liberado_confianca", "Desbloqueio de confiança")
    LIBERADO_TEMPORARIO = ("liberado_temporario", "Liberação temporária")
    LIBERADO_MANUAL = ("liberado_manual", "Liberação manual")


SUSPENDED = frozenset({AccessStatus.REDUZIDO, AccessStatus.BLOQUEADO})
RELEASED = frozenset(
    {AccessStatus.LIBERADO_CONFIANCA, AccessStatus.LIBERADO_TEMPORARIO, AccessStatus.LIBERADO_MANUAL}
)

_LEVEL = {AccessStatus.NORMAL: 0, AccessStatus.REDUZIDO: 1, AccessStatus.BLOQUEADO: 2}


class Cause(LabeledEnum):
    """Why an access status changed (stored in `AccessEvent.cause`)."""

    REDUCAO = ("reducao", "Redução por inadimplência")
    BLOQUEIO = ("bloqueio", "Bloqueio por inadimplência")
    RESCISAO = ("rescisao", "Rescisão por inadimplência")
    FIM_LIBERACAO = ("fim_liberacao", "Fim da liberação (débito em aberto)")
    PAGAMENTO = ("pagamento", "Pagamento do débito")
    SEM_DEBITO = ("sem_debito", "Sem débito vencido")
    DESBLOQUEIO_CONFIANCA = ("desbloqueio_confianca", "Desbloqueio de confiança")
    LIBERACAO_TEMPORARIA = ("liberacao_temporaria", "Liberação temporária")
    LIBERACAO_MANUAL = ("liberacao_manual", "Liberação manual")
    NAO_BLOQUEAR_ATE = ("nao_bloquear_ate", "Não bloquear até")
    ISENCAO = ("isencao", "Isento de bloqueio automático")
    CANCELAMENTO = ("cancelamento", "Contrato cancelado")


def status_label(status: str | None) -> str:
    """Portuguese label of an access status."""
    return AccessStatus.label_of(status)


def cause_label(cause: str | None) -> str:
    """Portuguese label of a cause."""
    return Cause.label_of(cause)


@dataclass(frozen=True)
class LadderParams:
    """The "Bloqueio" parameters the ladder needs (days counted from V unless said otherwise)."""

    dias_aviso: int = 1
    reducao_habilitada: bool = True
    dias_reducao: int = 16
    dias_bloqueio: int = 31
    dias_rescisao: int = 60
    #: ``aviso_exige_envio``: reduction and block count from the day the notice was actually sent
    #: (e-mail sent, letter handed over), not from the day it was written; unsent, it holds them back.
    aviso_exige_envio: bool = False

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> LadderParams:
        """Build from the typed parameter dict (`services.parameters.load`)."""
        return cls(
            dias_aviso=int(values["dias_aviso"]),
            reducao_habilitada=bool(values["reducao_habilitada"]),
            dias_reducao=int(values["dias_reducao"]),
            dias_bloqueio=int(values["dias_bloqueio"]),
            dias_rescisao=int(values["dias_rescisao"]),
            aviso_exige_envio=bool(values.get("aviso_exige_envio", False)),
        )

    @property
    def rescission_days(self) -> int:
        """Days of block before rescission, never below the legal 60."""
        return max(self.dias_rescisao, MIN_RESCISSION_DAYS)


@dataclass(frozen=True)
class Schedule:
    """The ladder's dates for one debt, as the notice states them.

    Attributes:
        notice: the notice date.
        reduction: first day of the speed reduction (None when reduction is disabled).
        block: first day of the total suspension.
        rescission: earliest rescission date if the block lasts without interruption.
    """

    notice: date
    reduction: date | None
    block: date
    rescission: date

    @property
    def suspension(self) -> date:
        """First day of any suspension (partial or total)."""
        return self.reduction or self.block


def _days(n: int) -> timedelta:
    return timedelta(days=max(n, 0))


def notice_due(overdue_since: date, params: LadderParams) -> date:
    """The first day the notice may be recorded."""
    return overdue_since + _days(params.dias_aviso)


def suspension_floor(notice_date: date) -> date:
    """The first day any suspension is lawful after `notice_date`."""
    return notice_date + timedelta(days=NOTICE_TO_SUSPENSION_DAYS)


def schedule(
    overdue_since: date, notice_date: date, params: LadderParams, no_block_until: date | None = None
) -> Schedule:
    """The dates the ladder will follow for a debt noticed on `notice_date` (runs every day)."""
    floor = suspension_floor(notice_date)
    if no_block_until is not None:
        floor = max(floor, no_block_until + timedelta(days=1))
    block = max(overdue_since + _days(params.dias_bloqueio), floor)
    reduction = None
    if params.reducao_habilitada:
        reduction = max(overdue_since + _days(params.dias_reducao), floor)
        if reduction >= block:
            reduction = None
    return Schedule(notice_date, reduction, block, block + timedelta(days=params.rescission_days))


def valid_notice(overdue_since: date | None, last_notice: date | None) -> date | None:
    """The last notice when it concerns the current debt (recorded after V), else None."""
    if overdue_since is None or last_notice is None or last_notice <= overdue_since:
        return None
    return last_notice


def target_level(
    overdue_since: date | None,
    notice_date: date | None,
    params: LadderParams,
    on: date,
    no_block_until: date | None = None,
) -> AccessStatus:
    """Where the ladder puts a contract on `on`: normal, reduzido or bloqueado."""
    if overdue_since is None or notice_date is None or overdue_since >= on:
        return AccessStatus.NORMAL
    plan = schedule(overdue_since, notice_date, params, no_block_until)
    if on >= plan.block:
        return AccessStatus.BLOQUEADO
    if plan.reduction is not None and on >= plan.reduction:
        return AccessStatus.REDUZIDO
    return AccessStatus.NORMAL


class PeriodChange(Enum):
    """What a status change does to the contract's suspension periods (days of total suspension)."""

    NONE = "none"
    OPEN = "open"  #: entering ``bloqueado``: a period starts on the change date
    CLOSE = "close"  #: leaving ``bloqueado``: the open period ends the day before


def period_change(before: str, after: str, active: bool) -> PeriodChange:
    """The suspension-period effect of changing `before` → `after` (only active contracts open one).

    Closing ends the open period on the day before the change; a period that began on the change
    day itself is dropped (the contract was never blocked for a whole day).
    """
    if before == AccessStatus.BLOQUEADO and after != AccessStatus.BLOQUEADO:
        return PeriodChange.CLOSE
    if after == AccessStatus.BLOQUEADO and before != AccessStatus.BLOQUEADO and active:
        return PeriodChange.OPEN
    return PeriodChange.NONE


def blocked_days(periods: Iterable[tuple[date, date | None]], since: date, on: date) -> int:
    """Days spent in ``bloqueado`` from `since` up to the day before `on`.

    Periods are ``(start, end)`` with both days included (billing's convention); an open period
    (end None) runs until today, so a block that started on `on` counts 0 days on `on`.
    """
    total = 0
    for start, end in periods:
        first = max(start, since)
        stop = on if end is None else min(end + timedelta(days=1), on)
        if stop > first:
            total += (stop - first).days
    return total


@dataclass(frozen=True)
class LadderState:
    """What the routine knows of one contract on the run date.

    Attributes:
        status: current access status.
        overdue_since: V, the due date of the oldest unpaid overdue charge (None: no overdue debt).
        last_notice: date of the contract's latest notice (any debt).
        access_until: for released contracts, the first day the routine may suspend again.
        no_block_until: "não bloquear até" (no reduction or block on or before this date).
        block_exempt: "isento de bloqueio automático".
        blocked_days: days in ``bloqueado`` since the valid notice, up to the run date.
        notice_sent_on: the day that notice reached the customer (e-mail sent, letter handed over).
    """

    status: AccessStatus
    overdue_since: date | None
    last_notice: date | None = None
    access_until: date | None = None
    no_block_until: date | None = None
    block_exempt: bool = False
    blocked_days: int = 0
    notice_sent_on: date | None = None


@dataclass(frozen=True)
class Step:
    """What one run does to one contract.

    Attributes:
        notice: record a notice dated the run date.
        to_status: the new access status (None: unchanged).
        cause: why the status changes.
        rescind: cancel the contract for non-payment.
    """

    notice: bool = False
    to_status: AccessStatus | None = None
    cause: Cause | None = None
    rescind: bool = False

    @property
    def empty(self) -> bool:
        """True when the run leaves the contract as it is."""
        return not (self.notice or self.to_status or self.rescind)

    @property
    def kind(self) -> str:
        """The transition counted for this step (``aviso``, ``reducao`` …; empty when nothing)."""
        if self.rescind:
            return "rescisao"
        if self.to_status is not None and self.cause is not None:
            return self.cause.value
        return "aviso" if self.notice else ""


NOTHING = Step()


def counting_date(notice: date | None, sent_on: date | None, params: LadderParams) -> date | None:
    """The date the suspension counts from.

    The notice's date, or — with `aviso_exige_envio` — the day it reached the customer (never before
    the notice); None while an obligatory sending has not happened yet.
    """
    if notice is None or not params.aviso_exige_envio:
        return notice
    if sent_on is None:
        return None
    return max(notice, sent_on)


def next_step(state: LadderState, params: LadderParams, on: date) -> Step:
    """The transition of one contract by the run of `on`.

    Idempotent: applying the step, then asking again for the same date, gives an empty step.
    """
    v = state.overdue_since
    status = AccessStatus(state.status)
    if v is None or v >= on:
        if status is not AccessStatus.NORMAL:
            return Step(to_status=AccessStatus.NORMAL, cause=Cause.SEM_DEBITO)
        return NOTHING
    notice = valid_notice(v, state.last_notice)
    record = False
    if notice is None and not state.block_exempt and on >= notice_due(v, params):
        record, notice = True, on
    counted_from = counting_date(notice, None if record else state.notice_sent_on, params)
    target = (AccessStatus.NORMAL if state.block_exempt
              else target_level(v, counted_from, params, on, state.no_block_until))

    def rescind(new_status: AccessStatus) -> bool:
        return (
            new_status is AccessStatus.BLOQUEADO
            and not state.block_exempt
            and notice is not None
            and not record
            and state.blocked_days >= params.rescission_days
        )

    if status in RELEASED:
        if state.access_until is not None and on < state.access_until:
            return Step(notice=record)
        return Step(notice=record, to_status=target, cause=Cause.FIM_LIBERACAO, rescind=rescind(target))
    if status is AccessStatus.BLOQUEADO:
        return Step(notice=record, rescind=rescind(status))
    if _LEVEL[target] > _LEVEL[status]:
        cause = Cause.BLOQUEIO if target is AccessStatus.BLOQUEADO else Cause.REDUCAO
        return Step(notice=record, to_status=target, cause=cause, rescind=rescind(target))
    return Step(notice=record)


# --- releases --------------------------------------------------------------------------------

def check_release_applies(status: str, action: str, number: int | str = "") -> None:
    """Releases apply only to reduced or blocked contracts.

    Raises:
        BusinessRuleError: the contract is neither reduced nor blocked.
    """
    if AccessStatus(status) not in SUSPENDED:
        which = f"O contrato nº {number}" if number != "" else "O contrato"
        raise BusinessRuleError(
            f"{which} está com acesso “{status_label(status)}”: {action} só se aplica a contratos "
            "reduzidos ou bloqueados."
        )


def trust_unlock_allowed_from(last_use: date | None, interval_days: int) -> date | None:
    """The first day a new trust unlock is allowed (None: allowed any time)."""
    if last_use is None:
        return None
    return last_use + _days(interval_days)


def check_trust_unlock(last_use: date | None, interval_days: int, restriction_lifted: bool, on: date) -> None:
    """Refuse a trust unlock used too recently, saying when it will be allowed again.

    Raises:
        BusinessRuleError: used less than `interval_days` ago and the restriction was not lifted.
    """
    allowed_from = trust_unlock_allowed_from(last_use, interval_days)
    if allowed_from is not None and on < allowed_from and not restriction_lifted:
        raise BusinessRuleError(
            f"Desbloqueio de confiança já usado em {format_date(last_use)}; o próximo só é permitido a partir "
            f"de {format_date(allowed_from)} (intervalo de {interval_days} dias). Um usuário com permissão "
            "pode liberar a restrição para este contrato, informando o motivo."
        )


def check_temporary_release(used: int, max_per_block: int) -> None:
    """Refuse a temporary release beyond the limit per block.

    Raises:
        BusinessRuleError: the limit for this block was reached.
    """
    if used >= max_per_block:
        plural = "liberação temporária" if max_per_block == 1 else "liberações temporárias"
        raise BusinessRuleError(
            f"Limite atingido: este bloqueio já teve {used} {plural} (máximo {max_per_block} por bloqueio, "
            "parâmetro liberacao_temporaria_max_por_bloqueio). Use a liberação manual, se tiver permissão."
        )


def release_until(on: date, days: int) -> date:
    """A release granted on `on` for `days` days ends (routine re-suspends) on this date."""
    return on + timedelta(days=max(days, 1))
