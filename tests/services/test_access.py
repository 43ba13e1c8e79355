"""The non-payment ladder on a real database (SQLite and PostgreSQL): dates, floors, releases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ispdesk.db.models import AccessEvent, Charge, Contract, Notice, SuspensionPeriod, SuspensionRun
from ispdesk.domain.clock import FixedClock
from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import access
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import Actor, UnitOfWork
from tests.factories import make_charge, make_contract

V = date(2026, 9, 10)
Uow = Callable[..., UnitOfWork]


def overdue_contract(uow: Uow, due: date = V, **kw: object) -> int:
    with uow() as u:
        contract = make_contract(u.session, **kw)
        make_charge(u.session, contract, due)
        u.commit()
        return contract.number


def updated_total(uow: Uow, charge_id: object, day: date) -> Decimal:
    """The charge's valor atualizado on `day` (principal + multa + juros): what settles it."""
    from ispdesk.services import late_fees

    with uow() as u:
        number = u.session.get(Charge, charge_id).number
    return late_fees.show_charge(uow(), number, day).updated.total


def state(uow: Uow, number: int) -> Contract:
    with uow() as u:
        contract = u.session.scalar(select(Contract).where(Contract.number == number))
        assert contract is not None
        return contract


def run(uow: Uow, clock: FixedClock, day: date, actor: Actor | None = None) -> access.SuspensionResult:
    clock.day = day
    return access.run_suspension(uow(actor), day)


def events(uow: Uow, number: int) -> list[AccessEvent]:
    with uow() as u:
        cid = u.session.scalar(select(Contract.id).where(Contract.number == number))
        return list(u.session.scalars(select(AccessEvent).where(AccessEvent.contract_id == cid)
                                      .order_by(AccessEvent.at, AccessEvent.on_date)))


def test_one_contract_walks_the_whole_ladder_with_daily_runs(uow: Uow, clock: FixedClock) -> None:
    number = overdue_contract(uow)
    seen: dict[str, date] = {}
    day = V
    while day <= date(2026, 12, 31) and "rescisao" not in seen:
        result = run(uow, clock, day)
        for key, value in result.counts.items():
            if value:
                assert value == 1, (day, result.counts)
                seen.setdefault(key, day)
        day += timedelta(days=1)
    # the dates, and each one against the legal floors (notice + 15; 60 days of block)
    assert seen == {"aviso": date(2026, 9, 11), "reducao": date(2026, 9, 26), "bloqueio": date(2026, 10, 11),
                    "rescisao": date(2026, 12, 10)}
    assert seen["reducao"] >= seen["aviso"] + timedelta(days=15)
    assert seen["bloqueio"] >= seen["aviso"] + timedelta(days=15)
    assert (seen["rescisao"] - seen["bloqueio"]).days >= 60
    contract = state(uow, number)
    assert contract.status == "cancelado" and contract.cancellation_origin == "automatico"
    assert contract.cancelled_on == date(2026, 12, 10) and contract.access_status == "bloqueado"
    history = [(e.on_date, e.from_status, e.to_status, e.cause) for e in events(uow, number)]
    assert history == [
        (date(2026, 9, 26), "normal", "reduzido", "reducao"),
        (date(2026, 10, 11), "reduzido", "bloqueado", "bloqueio"),
        (date(2026, 12, 10), "bloqueado", "bloqueado", "rescisao"),
    ]
    with uow() as u:
        notice = u.session.scalar(select(Notice))
        assert notice is not None and notice.notice_date == date(2026, 9, 11)
        assert notice.suspension_date == date(2026, 9, 26) and notice.rescission_date == date(2026, 12, 10)
        assert notice.amount == Decimal("99.90") and notice.reference_month == "09/2026"
        for words in ("R$ 99,90", "09/2026", "26/09/2026", "11/10/2026", "10/12/2026", "proteção ao crédito",
                      "imediatamente", "sem cobrança de taxa de religação", "Motivo"):
            assert words in notice.text
        periods = u.session.execute(select(SuspensionPeriod.start_date, SuspensionPeriod.end_date)).all()
        assert periods == [(date(2026, 10, 11), date(2026, 12, 10))]
        reason = u.session.scalar(select(Contract.cancellation_reason_id))
        assert reason is not None


def test_missed_days_never_back_date_and_keep_the_floor(uow: Uow, clock: FixedClock) -> None:
    number = overdue_contract(uow)
    assert run(uow, clock, date(2026, 10, 20)).counts["aviso"] == 1  # first run 40 days late
    assert state(uow, number).access_status == "normal"
    assert run(uow, clock, date(2026, 11, 3)).counts == dict.fromkeys(access.COUNT_KEYS, 0)
    result = run(uow, clock, date(2026, 11, 4))  # notice + 15: straight to the block
    assert result.counts["bloqueio"] == 1 and result.counts["reducao"] == 0
    with uow() as u:
        assert u.session.scalar(select(Notice.notice_date)) == date(2026, 10, 20)


def test_reduction_disabled_goes_straight_to_block(uow: Uow, clock: FixedClock) -> None:
    params_service.update(uow(), {"reducao_habilitada": False})
    number = overdue_contract(uow)
    run(uow, clock, date(2026, 9, 11))
    assert run(uow, clock, date(2026, 9, 30)).counts["reducao"] == 0
    assert run(uow, clock, date(2026, 10, 11)).counts["bloqueio"] == 1
    assert state(uow, number).access_status == "bloqueado"


def blocked_contract(uow: Uow, clock: FixedClock) -> int:
    number = overdue_contract(uow)
    run(uow, clock, date(2026, 9, 11))
    run(uow, clock, date(2026, 10, 11))
    assert state(uow, number).access_status == "bloqueado"
    return number


def test_trust_unlock_limits_and_lifted_restriction(
    uow: Uow, clock: FixedClock, attendant: Actor, finance: Actor
) -> None:
    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 12)
    change = access.trust_unlock(uow(attendant), number)
    assert change.to_status == "liberado_confianca" and change.until == date(2026, 10, 15)
    # still released before D + N, re-blocked by the first run on or after D + N
    assert run(uow, clock, date(2026, 10, 14)).counts["fim_liberacao"] == 0
    assert run(uow, clock, date(2026, 10, 16)).counts["fim_liberacao"] == 1
    assert state(uow, number).access_status == "bloqueado"
    # second use inside the interval: refused, saying when it is allowed again
    clock.day = date(2026, 10, 20)
    with pytest.raises(BusinessRuleError) as info:
        access.trust_unlock(uow(attendant), number)
    assert "12/10/2026" in info.value.message and "11/11/2026" in info.value.message
    # lifting the restriction: permission, mandatory reason, then exactly one more use
    with pytest.raises(PermissionDenied):
        access.lift_trust_restriction(uow(attendant), number, "cliente em viagem")
    with pytest.raises(ValidationError):
        access.lift_trust_restriction(uow(finance), number, "  ")
    access.lift_trust_restriction(uow(finance), number, "cliente comprovou pagamento agendado")
    assert access.trust_unlock(uow(attendant), number).until == date(2026, 10, 23)
    assert state(uow, number).trust_restriction_lifted is False
    run(uow, clock, date(2026, 10, 23))
    clock.day = date(2026, 10, 24)
    with pytest.raises(BusinessRuleError, match="20/10/2026"):
        access.trust_unlock(uow(attendant), number)
    with uow() as u:
        audit = u.session.execute(select(func.count()).select_from(AccessEvent)).scalar()
        assert audit == 5  # block (no run on the reduction day), unlock, re-block, unlock, re-block
    from ispdesk.services.audit import history

    actions = [row.action for row in history(uow(), "contract", state(uow, number).id)]
    assert "lift_trust_restriction" in actions


def test_temporary_release_limit_per_block(uow: Uow, clock: FixedClock, attendant: Actor) -> None:
    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 12)
    assert access.release_temporary(uow(attendant), number).until == date(2026, 10, 14)
    run(uow, clock, date(2026, 10, 14))
    assert state(uow, number).access_status == "bloqueado"
    clock.day = date(2026, 10, 15)
    with pytest.raises(BusinessRuleError, match="máximo 1 por bloqueio"):
        access.release_temporary(uow(attendant), number)


def test_manual_release_permission_and_reblock_on_a_later_day(
    uow: Uow, clock: FixedClock, attendant: Actor, finance: Actor
) -> None:
    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 12)
    with pytest.raises(PermissionDenied):
        access.release_manual(uow(attendant), number)
    access.release_manual(uow(finance), number, "acordo de pagamento")
    assert run(uow, clock, date(2026, 10, 12)).counts["fim_liberacao"] == 0  # same day: stays released
    assert state(uow, number).access_status == "liberado_manual"
    assert run(uow, clock, date(2026, 10, 13)).counts["fim_liberacao"] == 1
    assert state(uow, number).access_status == "bloqueado"
    clock.day = date(2026, 10, 13)
    access.release_manual(uow(finance), number)  # no limit: again after the re-block
    assert state(uow, number).access_status == "liberado_manual"
    with uow() as u:
        periods = u.session.execute(select(SuspensionPeriod.start_date, SuspensionPeriod.end_date)
                                    .order_by(SuspensionPeriod.start_date)).all()
    # blocked 11/10 (released 12/10), blocked again 13/10 and released the same day: no day billed
    assert periods == [(date(2026, 10, 11), date(2026, 10, 11))]


def test_releases_apply_only_to_suspended_contracts(uow: Uow, clock: FixedClock, finance: Actor) -> None:
    number = overdue_contract(uow)
    for action in (access.trust_unlock, access.release_temporary, access.release_manual):
        with pytest.raises(BusinessRuleError, match="reduzidos ou bloqueados"):
            action(uow(finance), number)


def test_payment_restores_at_once(uow: Uow, clock: FixedClock, attendant: Actor) -> None:
    from ispdesk.services.payments import record_payment

    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 20)
    with uow() as u:
        charge_id = u.session.scalar(select(Charge.id))
    record_payment(uow(attendant), charge_id, updated_total(uow, charge_id, date(2026, 10, 20)), date(2026, 10, 20))
    contract = state(uow, number)
    assert contract.access_status == "normal"
    last = events(uow, number)[-1]
    assert (last.cause, last.on_date, last.to_status) == ("pagamento", date(2026, 10, 20), "normal")
    with uow() as u:
        period = u.session.execute(select(SuspensionPeriod.start_date, SuspensionPeriod.end_date)).one()
        assert tuple(period) == (date(2026, 10, 11), date(2026, 10, 19))
        fees = u.session.scalar(select(func.count()).select_from(Charge).where(Charge.kind != "mensalidade"))
        assert fees == 0  # no reconnection fee
    assert run(uow, clock, date(2026, 10, 21)).counts == dict.fromkeys(access.COUNT_KEYS, 0)


def test_no_block_until_and_exemption(uow: Uow, clock: FixedClock, attendant: Actor, finance: Actor) -> None:
    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 12)
    with pytest.raises(PermissionDenied):
        access.set_block_exemption(uow(attendant), number, date(2026, 10, 30), False)
    with pytest.raises(ValidationError, match="já passou"):
        access.set_block_exemption(uow(finance), number, date(2026, 10, 1), False)
    change = access.set_block_exemption(uow(finance), number, date(2026, 10, 30), False, "negociação")
    assert change.to_status == "normal"
    assert run(uow, clock, date(2026, 10, 30)).counts["bloqueio"] == 0
    assert run(uow, clock, date(2026, 10, 31)).counts["bloqueio"] == 1
    clock.day = date(2026, 11, 1)
    access.set_block_exemption(uow(finance), number, None, True)
    assert state(uow, number).access_status == "normal"
    assert run(uow, clock, date(2026, 12, 31)).counts == dict.fromkeys(access.COUNT_KEYS, 0)


def test_routine_needs_permission_and_refuses_an_earlier_date(
    uow: Uow, clock: FixedClock, attendant: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        access.run_suspension(uow(attendant), date(2026, 10, 1))
    run(uow, clock, date(2026, 10, 5))
    with pytest.raises(BusinessRuleError, match="05/10/2026"):
        run(uow, clock, date(2026, 10, 4))
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(SuspensionRun)) == 1


@pytest.mark.parametrize(("name", "value", "words"), [
    ("dias_rescisao", 59, "60"),
    ("dias_bloqueio", 10, "16 dias"),
    ("dias_reducao", 15, "16 dias"),
])
def test_floors_refused_by_params(uow: Uow, name: str, value: int, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        params_service.update(uow(), {name: value})
    assert words in info.value.message and "RGC 765" in info.value.message


def test_cancelled_contract_is_blocked_and_period_closed(uow: Uow, clock: FixedClock) -> None:
    from ispdesk.services.cancellation import cancel_contract

    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 20)
    cancel_contract(uow(), state(uow, number).id, "PEDIDO", "cliente pediu", date(2026, 10, 20))
    contract = state(uow, number)
    assert contract.status == "cancelado" and contract.access_status == "bloqueado"
    with uow() as u:
        assert u.session.scalar(select(SuspensionPeriod.end_date)) == date(2026, 10, 20)


def test_preview_matches_the_run_and_history(uow: Uow, clock: FixedClock) -> None:
    number = overdue_contract(uow)
    other = overdue_contract(uow, due=date(2026, 10, 1))
    run(uow, clock, date(2026, 9, 11))
    run(uow, clock, date(2026, 10, 2))
    clock.day = date(2026, 10, 11)
    preview, rows = access.preview_suspension(uow(), date(2026, 10, 11))
    assert {(r.number, r.action) for r in rows} == {(number, "Bloqueio")}
    result = run(uow, clock, date(2026, 10, 11))
    assert result.counts == preview.counts
    assert state(uow, other).access_status == "normal"
    history = access.access_history(uow(), state(uow, number).id)
    assert [h.kind for h in history][-1] == "aviso" and history[0].to_status == "bloqueado"
    info = access.access_info(uow(), number)
    assert info.access_status == "bloqueado" and info.schedule is not None
    assert info.schedule.rescission == date(2026, 12, 10)
    runs = access.last_runs(uow())
    assert runs[0].run_date == date(2026, 10, 11) and runs[0].counts["bloqueio"] == 1


def test_payment_during_a_release_and_reversal(uow: Uow, clock: FixedClock, attendant: Actor, finance: Actor) -> None:
    from ispdesk.services.payments import record_payment, reverse_payment

    number = blocked_contract(uow, clock)
    clock.day = date(2026, 10, 12)
    access.trust_unlock(uow(attendant), number)
    with uow() as u:
        charge_id = u.session.scalar(select(Charge.id))
    total = updated_total(uow, charge_id, date(2026, 10, 12))
    paid = record_payment(uow(attendant), charge_id, total, date(2026, 10, 12))
    assert state(uow, number).access_status == "normal" and state(uow, number).access_until is None
    # the payment bounced: the debt and its notice are back, the next run suspends again
    clock.day = date(2026, 10, 14)
    reverse_payment(uow(finance), paid.payment.id, "cheque devolvido")
    assert state(uow, number).access_status == "normal"
    assert run(uow, clock, date(2026, 10, 15)).counts["bloqueio"] == 1
