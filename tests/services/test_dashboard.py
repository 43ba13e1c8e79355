"""Every dashboard figure against a small hand-built dataset, on SQLite and PostgreSQL.

The reference date is the test clock's, 27/11/2026 (a Friday); the month is November 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from ispdesk.db.models import AccessEvent, Branch, CancellationReason, Contract, InclusionReason, PlanChange
from ispdesk.domain.errors import PermissionDenied, ValidationError
from ispdesk.domain.permissions import Role
from ispdesk.services import dashboard as dash
from ispdesk.services.dashboard import DashboardFilters, compute_dashboard, dashboard_to_dict
from ispdesk.services.uow import Actor
from tests.factories import make_contract, make_customer, make_plan

AS_OF = date(2026, 11, 27)
AT = datetime(2026, 11, 27, 12, tzinfo=UTC)


@dataclass
class Data:
    contracts: dict[str, Contract]


def _reason(session, model, code, description, **kw):
    row = model(code=code, description=description, active=True, **kw)
    session.add(row)
    session.flush()
    return row


def _event(session, contract, day, from_status, to_status):
    session.add(AccessEvent(contract_id=contract.id, on_date=day, at=AT, from_status=from_status,
                            to_status=to_status, cause="liberacao_manual", actor="teste"))


def _change(session, contract, day, change_type):
    session.add(PlanChange(contract_id=contract.id, changed_on=day, at=AT, actor="teste", change_type=change_type,
                           old_plan_id=contract.plan_id, new_plan_id=contract.plan_id, old_value=contract.value,
                           new_value=contract.value, old_due_day=contract.due_day, new_due_day=contract.due_day))


@pytest.fixture
def data(uow) -> Data:
    """Twelve contracts covering each definition's edges (see the comments)."""
    with uow() as u:
        s = u.session
        p300 = make_plan(s, "T-300", "99.90")
        p600 = make_plan(s, "T-600", "149.90")
        b1 = Branch(code="T-MATRIZ", legal_name="Provedor Matriz Ltda", cnpj="11222333000181")
        b2 = Branch(code="T-FILIAL", legal_name="Provedor Filial Ltda", cnpj="11222333000262")
        s.add_all([b1, b2])
        s.flush()
        churn = _reason(s, CancellationReason, "T-MUDOU", "Mudou de cidade", counts_as_churn=True)
        no_churn = _reason(s, CancellationReason, "T-FALHA", "Falha do provedor", counts_as_churn=False,
                           waives_fine=True)
        new = _reason(s, InclusionReason, "T-NOVO", "Cliente novo")
        transfer = _reason(s, InclusionReason, "T-TRANSF", "Troca de titularidade")
        sp = make_customer(s, "Ana Paula", city="São Paulo")
        campinas = make_customer(s, "João Souza", city="Campinas")

        def contract(key, plan=p300, customer=sp, **kw):
            kw.setdefault("branch_id", b1.id)
            kw.setdefault("inclusion_reason_id", new.id)
            return key, make_contract(s, customer, plan, **kw)

        c = dict([
            # loyalty ends 10/01/2027 = 44 days ahead: in 60 and 90
            contract("c1", activated_on=date(2026, 1, 10)),
            # ends 20/12/2026 = 23 days ahead: in 30/60/90; reduced now; due day 5
            contract("c2", p600, activated_on=date(2025, 12, 20), access_status="reduzido", due_day=5),
            # loyalty over (01/06/2026); blocked now; its own value; due day 31 → 30/11
            contract("c3", activated_on=date(2025, 6, 1), access_status="bloqueado", value=Decimal("80.00"),
                     due_day=31, inclusion_reason_id=None),
            # activated this month (after day 1); Campinas, branch 2; due day 27 → 27/12
            contract("c4", p600, campinas, activated_on=date(2026, 11, 5), branch_id=b2.id, due_day=27,
                     inclusion_reason_id=transfer.id),
            # cancelled this month, reason counts as churn; access blocked (must not count as blocked)
            contract("c5", activated_on=date(2025, 3, 1), status="cancelado", cancelled_on=date(2026, 11, 10),
                     cancellation_reason_id=churn.id, access_status="bloqueado"),
            # cancelled this month, reason does not count as churn
            contract("c6", activated_on=date(2025, 5, 1), status="cancelado", cancelled_on=date(2026, 11, 3),
                     cancellation_reason_id=no_churn.id),
            # cancelled last month: neither active on 01/11 nor cancelled in November
            contract("c7", activated_on=date(2025, 4, 1), status="cancelado", cancelled_on=date(2026, 10, 15),
                     cancellation_reason_id=churn.id),
            # cancelled on 01/11: active on the month's first day and a churn cancellation of November
            contract("c8", activated_on=date(2025, 4, 2), status="negativado", cancelled_on=date(2026, 11, 1),
                     cancellation_reason_id=churn.id),
            # never activated
            contract("c9", activated_on=None),
            # loyalty ends today: not in loyalty, not expiring
            contract("c10", activated_on=date(2025, 11, 27)),
            # ends 25/02/2027 = exactly 90 days ahead
            contract("c11", activated_on=date(2026, 2, 25)),
            # ends 26/02/2027 = 91 days ahead: in loyalty, not within 90
            contract("c12", activated_on=date(2026, 2, 26)),
        ])
        first_window_day = AS_OF - timedelta(days=89)  # 30/08/2026
        _event(s, c["c2"], date(2026, 11, 20), "normal", "reduzido")
        _event(s, c["c3"], date(2026, 11, 20), "reduzido", "bloqueado")
        _event(s, c["c12"], date(2026, 11, 25), "bloqueado", "normal")  # restoration
        _event(s, c["c12"], date(2026, 11, 26), "liberado_confianca", "normal")  # not a restoration
        _event(s, c["c1"], date(2026, 11, 26), "bloqueado", "liberado_temporario")  # restoration
        _event(s, c["c4"], first_window_day, "normal", "reduzido")  # first day of the window
        _event(s, c["c4"], first_window_day - timedelta(days=1), "normal", "reduzido")  # outside
        _change(s, c["c1"], date(2026, 11, 2), "UP")
        _change(s, c["c2"], date(2026, 11, 30), "SC")
        _change(s, c["c3"], date(2026, 11, 15), "UV")
        _change(s, c["c4"], date(2026, 11, 15), "DW")
        _change(s, c["c10"], date(2026, 11, 15), "AV")  # neither
        _change(s, c["c11"], date(2026, 10, 31), "DV")  # last month
        _change(s, c["c12"], date(2026, 12, 1), "UP")  # next month
        u.commit()
    return Data(c)


def test_kpis(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    assert d.contratos_ativos == 7  # c1 c2 c3 c4 c10 c11 c12
    assert d.mrr == Decimal("779.40")  # 4 × 99,90 + 2 × 149,90 + 80,00
    assert d.ticket_medio == Decimal("111.34")  # 779,40 / 7 = 111,342…
    assert d.em_fidelidade == 5  # c1 c2 c4 c11 c12
    assert (d.expirando_30, d.expirando_60, d.expirando_90) == (1, 2, 3)
    assert (d.reduzidos, d.bloqueados) == (1, 1)
    assert d.cancelamentos_mes == 3  # c5 c6 c8
    assert d.cancelamentos_churn_mes == 2  # c5 c8
    assert d.ativos_inicio_mes == 9  # c1 c2 c3 c5 c6 c8 c10 c11 c12
    assert d.churn_mes == Decimal("22.22")  # 2 / 9
    assert (d.upgrades_mes, d.downgrades_mes) == (3, 1)  # UP SC UV / DW


def test_every_figure_is_timed(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    assert [name for name, _ in d.timings] == [f.name for f in dash.FIGURES]


def test_expirations_per_week(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    weeks = d.expiracoes_semana
    assert len(weeks) == dash.WEEKS_AHEAD
    assert weeks[0] == dash.WeekCount(date(2026, 11, 28), date(2026, 12, 4), 0)
    assert weeks[3] == dash.WeekCount(date(2026, 12, 19), date(2026, 12, 25), 1)  # c2 on 20/12
    assert weeks[6].count == 1  # c1 on 10/01/2027
    assert weeks[12] == dash.WeekCount(date(2027, 2, 20), date(2027, 2, 26), 2)  # c11, c12
    assert sum(w.count for w in weeks) == 4


def test_access_changes_per_day(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    days = {a.day: a for a in d.acessos_dia}
    assert len(d.acessos_dia) == 90 and d.acessos_dia[0].day == date(2026, 8, 30) and d.acessos_dia[-1].day == AS_OF
    assert days[date(2026, 11, 20)] == dash.AccessDay(date(2026, 11, 20), 1, 1, 0, 0)
    assert days[date(2026, 11, 25)] == dash.AccessDay(date(2026, 11, 25), 0, 0, 0, 1)  # bloqueado → normal
    # bloqueado → liberado_temporario is a release; liberado_confianca → normal a restoration
    assert days[date(2026, 11, 26)] == dash.AccessDay(date(2026, 11, 26), 0, 0, 1, 1)
    assert days[date(2026, 8, 30)].reductions == 1
    assert sum(a.reductions + a.blocks + a.releases + a.restorations for a in d.acessos_dia) == 6


def test_cancellations_per_reason(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    assert d.cancelamentos_motivo == (
        dash.ReasonCount("T-MUDOU", "Mudou de cidade", 3, True),  # c5 c7 c8 (c7 in October)
        dash.ReasonCount("T-FALHA", "Falha do provedor", 1, False),
    )


def test_changes_per_month(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    months = d.alteracoes_mes
    assert len(months) == 12 and months[0].month == date(2025, 12, 1)
    assert months[-1] == dash.MonthChanges(date(2026, 11, 1), 2, 1)  # SC on 30/11 is after the date
    assert months[-2] == dash.MonthChanges(date(2026, 10, 1), 0, 1)


def test_receipts_per_due_day(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    assert d.recebimentos_dia == (
        dash.ReceiptDay(date(2026, 11, 30), 1, Decimal("80.00")),  # c3, due day 31
        dash.ReceiptDay(date(2026, 12, 5), 1, Decimal("149.90")),  # c2
        dash.ReceiptDay(date(2026, 12, 10), 4, Decimal("399.60")),  # c1 c10 c11 c12
        dash.ReceiptDay(date(2026, 12, 27), 1, Decimal("149.90")),  # c4, due on the reference day
    )


def test_new_contracts_per_inclusion_reason(uow, data):
    d = compute_dashboard(uow(), AS_OF)
    assert d.novos_motivo == (
        dash.ReasonCount("T-NOVO", "Cliente novo", 4),  # c1 c2 c11 c12
        dash.ReasonCount("T-TRANSF", "Troca de titularidade", 1),  # c4
    )


def test_period_filter_narrows_the_history_charts_only(uow, data):
    f = DashboardFilters(period_start=date(2026, 11, 1), period_end=date(2026, 11, 30))
    d = compute_dashboard(uow(), AS_OF, f)
    assert d.cancelamentos_motivo == (
        dash.ReasonCount("T-MUDOU", "Mudou de cidade", 2, True),
        dash.ReasonCount("T-FALHA", "Falha do provedor", 1, False),
    )
    assert d.alteracoes_mes == (dash.MonthChanges(date(2026, 11, 1), 3, 1),)
    assert d.novos_motivo == (dash.ReasonCount("T-TRANSF", "Troca de titularidade", 1),)
    assert d.contratos_ativos == 7


def test_plan_filter(uow, data):
    d = compute_dashboard(uow(), AS_OF, DashboardFilters(plan_code="T-600"))
    assert (d.contratos_ativos, d.mrr, d.ticket_medio) == (2, Decimal("299.80"), Decimal("149.90"))
    assert (d.em_fidelidade, d.expirando_30, d.reduzidos, d.bloqueados) == (2, 1, 1, 0)
    assert (d.upgrades_mes, d.downgrades_mes, d.cancelamentos_mes) == (1, 1, 0)
    assert sum(a.reductions for a in d.acessos_dia) == 2  # c2 and c4


def test_city_and_branch_filters(uow, data):
    for f in (DashboardFilters(city="Campinas"), DashboardFilters(branch_code="T-FILIAL")):
        d = compute_dashboard(uow(), AS_OF, f)
        assert (d.contratos_ativos, d.mrr, d.em_fidelidade, d.ativos_inicio_mes) == (1, Decimal("149.90"), 1, 0)
        assert d.churn_mes == Decimal("0.00")
        assert (d.upgrades_mes, d.downgrades_mes) == (0, 1)
        assert d.recebimentos_dia == (dash.ReceiptDay(date(2026, 12, 27), 1, Decimal("149.90")),)
    d = compute_dashboard(uow(), AS_OF, DashboardFilters(city="São Paulo", branch_code="T-MATRIZ"))
    assert d.contratos_ativos == 6 and d.cancelamentos_mes == 3


def test_unknown_plan_gives_zeros(uow, data):
    d = compute_dashboard(uow(), AS_OF, DashboardFilters(plan_code="NAO-EXISTE"))
    assert (d.contratos_ativos, d.mrr, d.ticket_medio, d.churn_mes) == (0, Decimal("0.00"), Decimal("0.00"),
                                                                        Decimal("0.00"))


def test_as_of_another_month(uow, data):
    d = compute_dashboard(uow(), date(2026, 10, 20))
    assert d.cancelamentos_mes == 1  # c7
    assert (d.upgrades_mes, d.downgrades_mes) == (0, 1)  # DV on 31/10


def test_empty_database(uow):
    d = compute_dashboard(uow(), AS_OF)
    assert d.contratos_ativos == 0 and d.mrr == Decimal("0.00") and d.churn_mes == Decimal("0.00")
    assert d.recebimentos_dia == () and d.cancelamentos_motivo == ()


def test_json_values(uow, data):
    out = dashboard_to_dict(compute_dashboard(uow(), AS_OF))
    assert list(out)[: len(dash.KPI_KEYS)] == list(dash.KPI_KEYS)
    assert out["mrr"] == "779.40" and out["ticket_medio"] == "111.34" and out["churn_mes"] == "22.22"
    assert out["contratos_ativos"] == 7
    assert out["recebimentos_dia"][0] == {"vencimento": "2026-11-30", "contratos": 1, "valor": "80.00"}


def test_chart_csv(uow, data, tmp_path: Path):
    d = compute_dashboard(uow(), AS_OF)
    path = tmp_path / "recebimentos.csv"
    assert dash.export_chart_csv(d, "recebimentos_dia", path) == 4
    text = path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "vencimento;contratos;valor"
    assert "10/12/2026;4;399,60" in text
    for name in dash.CHARTS:
        header, rows = dash.chart_table(d, name)
        assert header and all(len(r) == len(header) for r in rows)


def test_period_must_start_before_it_ends(uow):
    f = DashboardFilters(period_start=date(2026, 11, 1), period_end=date(2026, 10, 1))
    with pytest.raises(ValidationError) as exc:
        compute_dashboard(uow(), AS_OF, f)
    assert "01/11/2026" in str(exc.value.errors["period_start"])


def test_permission_required(factory):
    nobody = Actor("semacesso", Role.ATENDIMENTO, permissions=frozenset())
    with pytest.raises(PermissionDenied):
        compute_dashboard(factory(nobody), AS_OF)


def test_filter_choices(uow, data):
    choices = dash.filter_choices(uow())
    assert ("T-300", "Fibra T-300") in choices.plans
    assert choices.cities == ("Campinas", "São Paulo")
    codes = [code for code, _ in choices.branches]
    assert {"T-FILIAL", "T-MATRIZ"} <= set(codes) and codes == sorted(codes)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 31))
def test_due_date_in_coming_month(as_of: date, due_day: int):
    due = dash.due_date_in_coming_month(as_of, due_day)
    assert as_of < due <= as_of + timedelta(days=31)
    month_days = dash.days_in_month(due.year, due.month)
    assert due.day == min(due_day, month_days)
    # it is the first such date after as_of
    earlier = as_of.replace(day=min(due_day, dash.days_in_month(as_of.year, as_of.month)))
    assert due == earlier or earlier <= as_of


# ---------------------------------------------------------------------------------------- property

contract_specs = st.lists(
    st.fixed_dictionaries({
        "activated": st.one_of(st.none(), st.dates(date(2025, 6, 1), date(2026, 11, 27))),
        "cancel_after": st.one_of(st.none(), st.integers(0, 400)),
        "loyalty": st.one_of(st.none(), st.integers(-40, 120)),
        "access": st.sampled_from(["normal", "reduzido", "bloqueado", "liberado_confianca"]),
        "cents": st.integers(1, 50_000),
        "due_day": st.integers(1, 31),
        "churn": st.booleans(),
    }),
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=contract_specs)
def test_kpis_match_a_python_reference(uow, specs):
    """Random contracts: every KPI equals its definition computed in Python over the same rows."""
    with uow() as u:
        s = u.session
        s.execute(delete(Contract))
        plan = s.scalar(select(dash.Plan).where(dash.Plan.code == "T-PROP")) or make_plan(s, "T-PROP")
        reasons = {}
        for flag in (True, False):
            code = f"T-PROP-{int(flag)}"
            reasons[flag] = s.scalar(select(CancellationReason).where(CancellationReason.code == code)) or _reason(
                s, CancellationReason, code, code, counts_as_churn=flag)
        customer = make_customer(s)
        rows = []
        for spec in specs:
            activated = spec["activated"]
            cancelled = None
            if activated is not None and spec["cancel_after"] is not None:
                cancelled = activated + timedelta(days=spec["cancel_after"])
                cancelled = cancelled if cancelled <= AS_OF else None
            loyalty = None if spec["loyalty"] is None else AS_OF + timedelta(days=spec["loyalty"])
            status = "pre_contrato" if activated is None else "cancelado" if cancelled else "ativo"
            make_contract(
                s, customer, plan, activated_on=activated, status=status, cancelled_on=cancelled,
                cancellation_reason_id=reasons[spec["churn"]].id if cancelled else None,
                loyalty_expires_on=loyalty, access_status=spec["access"], value=Decimal(spec["cents"]) / 100,
                due_day=spec["due_day"],
            )
            rows.append((status, activated, cancelled, loyalty, spec))
        u.commit()
    d = compute_dashboard(uow(), AS_OF)
    active = [r for r in rows if r[0] == "ativo"]
    mrr = sum((Decimal(r[4]["cents"]) for r in active), Decimal(0)) / 100
    assert d.contratos_ativos == len(active)
    assert d.mrr == mrr
    assert d.ticket_medio == (dash.to_cents(mrr / len(active)) if active else Decimal("0.00"))
    assert d.em_fidelidade == sum(1 for r in active if r[3] and r[3] > AS_OF)
    for n in (30, 60, 90):
        expected = sum(1 for r in active if r[3] and AS_OF < r[3] <= AS_OF + timedelta(days=n))
        assert getattr(d, f"expirando_{n}") == expected
    assert d.reduzidos == sum(1 for r in active if r[4]["access"] == "reduzido")
    assert d.bloqueados == sum(1 for r in active if r[4]["access"] == "bloqueado")
    first = AS_OF.replace(day=1)
    in_month = [r for r in rows if r[2] and first <= r[2] <= AS_OF]
    assert d.cancelamentos_mes == len(in_month)
    on_first = sum(1 for r in rows if r[1] and r[1] <= first and (r[2] is None or r[2] >= first))
    assert d.ativos_inicio_mes == on_first
    assert d.churn_mes == dash.percent(sum(1 for r in in_month if r[4]["churn"]), on_first)
    assert sum(r.contracts for r in d.recebimentos_dia) == len(active)
    assert sum((r.amount for r in d.recebimentos_dia), Decimal(0)) == mrr
