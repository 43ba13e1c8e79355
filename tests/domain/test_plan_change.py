"""Plan-change type codes and the pro-rata difference (pure rules)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ispdesk.domain.billing import cycle_containing
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.plan_change import DOWNGRADES, UPGRADES, ChangeType, PlanSide, classify, prorata_difference


def side(code: str = "A", down: int = 300, up: int = 150, value: str = "99.90", due: int = 10,
         billing: str | None = "BOLETO") -> PlanSide:
    return PlanSide(code, down, up, Decimal(value), due, billing)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (side("B", 500, 250, "129.90"), ChangeType.UP),
        (side("B", 500, 250, "99.90"), ChangeType.SC),
        (side("B", 500, 250, "89.90"), ChangeType.SC),
        (side("B", 100, 50, "79.90"), ChangeType.DW),
        (side("B", 100, 50, "149.90"), ChangeType.DW),
        (side("A", due=20), ChangeType.AV),
        (side("B", 500, 250, "129.90", due=20), ChangeType.UV),
        (side("B", 500, 250, "89.90", due=20), ChangeType.UV),
        (side("B", 100, 50, "79.90", due=5), ChangeType.DV),
        # edge cases: same speed → the value decides; same speed and value → SC / AV
        (side("A", value="109.90"), ChangeType.UP),
        (side("A", value="89.90"), ChangeType.DW),
        (side("B", value="109.90", due=15), ChangeType.UV),
        (side("B", value="89.90", due=15), ChangeType.DV),
        (side("B"), ChangeType.SC),
        (side("B", due=15), ChangeType.AV),
        # download decides before upload
        (side("B", 500, 100, "129.90"), ChangeType.UP),
        (side("B", 300, 200, "129.90"), ChangeType.UP),
        (side("B", 200, 400, "129.90"), ChangeType.DW),
    ],
)
def test_classify(new: PlanSide, expected: ChangeType) -> None:
    assert classify(side(), new) == expected


def test_billing_type_only_is_refused_with_a_pointer_to_the_contract_form() -> None:
    with pytest.raises(BusinessRuleError) as exc:
        classify(side(), side(billing="PIX"))
    assert "tipo de cobrança" in exc.value.message and exc.value.field == "tipo_cobranca"


def test_nothing_changed_is_refused() -> None:
    with pytest.raises(BusinessRuleError, match="Nenhuma alteração"):
        classify(side(), side())


speeds = st.integers(1, 2000)
values = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("999.99"), places=2)
due_days = st.integers(1, 28)


@given(speeds, speeds, values, due_days, speeds, speeds, values, due_days)
def test_classify_invariants(d1: int, u1: int, v1: Decimal, dd1: int, d2: int, u2: int, v2: Decimal, dd2: int) -> None:
    old, new = side("A", d1, u1, str(v1), dd1), side("B", d2, u2, str(v2), dd2)
    code = classify(old, new)
    due_changed = dd1 != dd2
    assert (code in {ChangeType.AV, ChangeType.UV, ChangeType.DV}) == due_changed
    if (d2, u2) > (d1, u1):
        assert code in UPGRADES
    elif (d2, u2) < (d1, u1):
        assert code in DOWNGRADES
    if code == ChangeType.UP:
        assert v2 > v1
    if code == ChangeType.SC:
        assert v2 <= v1
    # the reverse change goes the other way (a neutral swap stays neutral)
    back = classify(new, old)
    if (d1, u1, v1) == (d2, u2, v2):
        assert back == code
    elif code in UPGRADES:
        assert back in DOWNGRADES
    if code in DOWNGRADES:
        assert back in UPGRADES


def test_prorata_difference_example() -> None:
    # due day 10, change on 25/11/2026: cycle 10/11–09/12, 15 days left; divisor 30
    pr = prorata_difference(Decimal("99.90"), Decimal("129.90"), date(2026, 11, 25), 10, "30")
    assert (pr.start, pr.end, pr.days, pr.divisor) == (date(2026, 11, 25), date(2026, 12, 9), 15, 30)
    assert pr.old_amount == Decimal("49.95") and pr.new_amount == Decimal("64.95")
    assert pr.difference == Decimal("30.00") * 15 / 30


def test_prorata_whole_cycle_is_the_monthly_difference() -> None:
    pr = prorata_difference(Decimal("99.90"), Decimal("79.90"), date(2026, 12, 10), 10, "mes")
    assert pr.days == 31 and pr.divisor == 31
    assert pr.difference == Decimal("-20.00")


@given(values, values, st.dates(date(2024, 1, 1), date(2030, 12, 31)), due_days, st.sampled_from(["30", "mes"]))
@example(Decimal("1.00"), Decimal("1.17"), date(2024, 1, 29), 1, "mes")
def test_prorata_invariants(old: Decimal, new: Decimal, day: date, due_day: int, divisor: str) -> None:
    pr = prorata_difference(old, new, day, due_day, divisor)
    cycle = cycle_containing(day, due_day)
    assert cycle.start <= day <= pr.end == cycle.end
    assert 1 <= pr.days <= 31
    assert pr.difference == pr.difference.quantize(Decimal("0.01"))
    # same sign as the value change, never more than the monthly difference
    assert (pr.difference > 0) <= (new > old) and (pr.difference < 0) <= (new < old)
    assert abs(pr.difference) <= abs(new - old) + Decimal("0.01")
    if new == old:
        assert pr.difference == 0
    # one day later never leaves more to pay, but for a centavo: each side is rounded on its own
    # (the difference is what two charges show), so it may move by one centavo either way
    if day + timedelta(days=1) <= pr.end and new >= old:
        later = prorata_difference(old, new, day + timedelta(days=1), due_day, divisor)
        assert later.difference <= pr.difference + Decimal("0.01")
