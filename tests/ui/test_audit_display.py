from datetime import UTC, datetime

from ispdesk.services.audit import AuditRow
from ispdesk.ui.widgets.audit_history import ACTION_LABELS, describe_changes


def test_history_shows_brazilian_values_and_portuguese_actions():
    row = AuditRow(datetime(2026, 11, 27, 12, tzinfo=UTC), "ana", "plan_change", "Plano alterado",
                   {"valor": ["99.90", "129.90"], "vencimento": ["2026-12-10", "2027-01-10"],
                    "isento": [False, True], "obs": [None, "ok"]})
    text = describe_changes(row)
    assert "Valor: 99,90 → 129,90" in text
    assert "Vencimento: 10/12/2026 → 10/01/2027" in text
    assert "Isento: não → sim" in text
    assert "Obs: (vazio) → ok" in text
    assert ACTION_LABELS["plan_change"] == "Alteração de plano"


def test_as_of_clock_keeps_real_instants():
    from datetime import date

    from ispdesk.domain.clock import AsOfClock

    clock = AsOfClock(date(2027, 1, 5))
    assert clock.today() == date(2027, 1, 5)
    assert abs((datetime.now(UTC) - clock.now()).total_seconds()) < 60
