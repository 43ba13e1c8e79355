"""The non-payment ladder as pure rules: dates, floors, idempotence, releases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ispdesk.domain import access as ladder
from ispdesk.domain.access import AccessStatus, Cause, LadderParams, LadderState
from ispdesk.domain.errors import BusinessRuleError

V = date(2026, 9, 10)
DEFAULT = LadderParams()


def test_schedule_with_defaults() -> None:
    plan = ladder.schedule(V, date(2026, 9, 11), DEFAULT)
    assert plan.reduction == date(2026, 9, 26)
    assert plan.block == date(2026, 10, 11)
    assert plan.rescission == date(2026, 12, 10)
    assert plan.suspension == plan.reduction


def test_late_notice_pushes_suspension_to_notice_plus_15() -> None:
    plan = ladder.schedule(V, date(2026, 10, 20), DEFAULT)
    assert plan.reduction is None  # both steps fall on the same day: straight to the block
    assert plan.block == date(2026, 11, 4)


def test_floors_hold_whatever_the_parameters() -> None:
    bad = LadderParams(dias_aviso=0, dias_reducao=1, dias_bloqueio=2, dias_rescisao=10)
    notice = V + timedelta(days=1)
    plan = ladder.schedule(V, notice, bad)
    assert plan.block == notice + timedelta(days=15)
    assert plan.rescission == plan.block + timedelta(days=60)
    assert bad.rescission_days == 60


def test_no_suspension_without_notice() -> None:
    state = LadderState(AccessStatus.NORMAL, V, last_notice=None)
    step = ladder.next_step(state, DEFAULT, V + timedelta(days=100))
    assert step.notice and step.to_status is None  # the notice first, suspension 15 days later


def test_notice_of_a_paid_debt_is_not_valid_for_a_newer_one() -> None:
    assert ladder.valid_notice(date(2026, 10, 10), date(2026, 9, 11)) is None
    assert ladder.valid_notice(V, date(2026, 9, 11)) == date(2026, 9, 11)


def test_release_in_force_then_expired() -> None:
    state = LadderState(AccessStatus.LIBERADO_CONFIANCA, V, date(2026, 9, 11), access_until=date(2026, 10, 20))
    assert ladder.next_step(state, DEFAULT, date(2026, 10, 19)).empty
    step = ladder.next_step(state, DEFAULT, date(2026, 10, 20))
    assert step.to_status is AccessStatus.BLOQUEADO and step.cause is Cause.FIM_LIBERACAO


def test_exempt_and_no_block_until() -> None:
    on = date(2026, 11, 1)
    exempt = LadderState(AccessStatus.NORMAL, V, date(2026, 9, 11), block_exempt=True)
    assert ladder.next_step(exempt, DEFAULT, on).empty
    held = LadderState(AccessStatus.NORMAL, V, date(2026, 9, 11), no_block_until=date(2026, 11, 5))
    assert ladder.next_step(held, DEFAULT, on).empty
    step = ladder.next_step(held, DEFAULT, date(2026, 11, 6))
    assert step.to_status is AccessStatus.BLOQUEADO


def test_paid_debt_restores() -> None:
    step = ladder.next_step(LadderState(AccessStatus.BLOQUEADO, None), DEFAULT, date(2026, 11, 1))
    assert step.to_status is AccessStatus.NORMAL and step.cause is Cause.SEM_DEBITO


def test_blocked_days_inclusive_periods() -> None:
    periods = [(date(2026, 10, 1), date(2026, 10, 10)), (date(2026, 10, 20), None)]
    assert ladder.blocked_days(periods, date(2026, 9, 1), date(2026, 10, 25)) == 10 + 5
    assert ladder.blocked_days(periods, date(2026, 10, 5), date(2026, 10, 20)) == 6


def test_trust_unlock_refusal_says_when() -> None:
    with pytest.raises(BusinessRuleError) as info:
        ladder.check_trust_unlock(date(2026, 11, 1), 30, False, date(2026, 11, 10))
    assert "01/11/2026" in info.value.message and "01/12/2026" in info.value.message
    ladder.check_trust_unlock(date(2026, 11, 1), 30, True, date(2026, 11, 10))
    ladder.check_trust_unlock(date(2026, 11, 1), 30, False, date(2026, 12, 1))


def test_temporary_limit_and_release_applies() -> None:
    ladder.check_temporary_release(0, 1)
    with pytest.raises(BusinessRuleError, match="máximo 1 por bloqueio"):
        ladder.check_temporary_release(1, 1)
    with pytest.raises(BusinessRuleError, match="reduzidos ou bloqueados"):
        ladder.check_release_applies("normal", "a liberação manual", 10)


params_st = st.builds(
    LadderParams,
    dias_aviso=st.integers(0, 20),
    reducao_habilitada=st.booleans(),
    dias_reducao=st.integers(1, 60),
    dias_bloqueio=st.integers(1, 90),
    dias_rescisao=st.integers(0, 120),
)
status_st = st.sampled_from(list(AccessStatus))
day_st = st.integers(-5, 200).map(lambda n: V + timedelta(days=n))
opt_day = st.none() | day_st


@settings(max_examples=400)
@given(params_st, status_st, st.none() | st.just(V), opt_day, opt_day, opt_day, st.booleans(),
       st.integers(0, 150), day_st)
def test_a_second_run_for_the_same_date_changes_nothing(
    params: LadderParams, status: AccessStatus, v: date | None, last_notice: date | None,
    until: date | None, no_block: date | None, exempt: bool, blocked: int, on: date,
) -> None:
    state = LadderState(status, v, last_notice, until, no_block, exempt, blocked)
    step = ladder.next_step(state, params, on)
    if step.rescind:
        return  # the contract is cancelled: the routine no longer looks at it
    # blocked days are counted from the valid notice: a notice recorded today has 0 days behind it
    after = LadderState(
        step.to_status or status, v, on if step.notice else last_notice,
        None if step.to_status else until, no_block, exempt, 0 if step.notice else blocked,
    )
    assert ladder.next_step(after, params, on).empty


@settings(max_examples=300)
@given(params_st, st.lists(st.integers(1, 9), min_size=1, max_size=80), st.integers(0, 10))
def test_runs_on_any_days_never_break_the_floors(params: LadderParams, gaps: list[int], first: int) -> None:
    """Whatever days the routine runs on, every transition respects the dates and the legal floors."""
    on = V + timedelta(days=first)
    status, notice, periods = AccessStatus.NORMAL, None, []
    seen: dict[str, date] = {}
    for gap in gaps:
        days = ladder.blocked_days(periods, notice, on) if notice else 0
        step = ladder.next_step(LadderState(status, V, notice, blocked_days=days), params, on)
        if step.notice:
            notice = seen["aviso"] = on
        if step.to_status is not None:
            seen.setdefault(step.to_status.value, on)
            if step.to_status is AccessStatus.BLOQUEADO:
                periods.append((on, None))
            status = step.to_status
        if step.rescind:
            seen["rescisao"] = on
            break
        on += timedelta(days=gap)
    if "aviso" in seen:
        assert seen["aviso"] >= V + timedelta(days=params.dias_aviso)
    for name, days in (("reduzido", params.dias_reducao), ("bloqueado", params.dias_bloqueio)):
        if name in seen:
            assert "aviso" in seen and seen[name] >= seen["aviso"] + timedelta(days=15)
            assert seen[name] >= V + timedelta(days=days)
    if "reduzido" in seen:
        assert params.reducao_habilitada
    if "rescisao" in seen:
        assert seen["rescisao"] >= seen["bloqueado"] + timedelta(days=max(60, params.dias_rescisao))
