"""Benchmark: the daily suspension routine over 1,000,000 contracts (10 % overdue) on SQLite.

Builds a SQLite file with N active contracts; 10 % of them owe an overdue charge, the oldest one
due ``d`` days before the run date, ``d`` skewed towards recent debts (most late payers pay within
weeks; a few reach the rescission). The ladder state is the one daily runs up to yesterday left
(notices, reductions, blocks with their suspension periods, a few trust unlocks ending today), so
the run measured is a normal day: some notices, reductions, blocks, ends of release and
rescissions. The other contracts have a paid charge and an open one not yet due.

Measured in the same run, on two copies of the same file:

- **floor**: hand-written set-based SQL doing the same transitions (one temp table with each
  overdue contract's V and last notice, then ``INSERT … SELECT`` / ``UPDATE … WHERE id IN``), the
  rescission as a plain status update (no fine, no last period);
- **routine**: `ispdesk.services.access.run_suspension` (streamed candidates, batches, domain
  decisions, notices with the full RGC 765 text — built from `services.notices.NoticeTemplate`,
  whose header, footer, dates, amounts and ladder paragraphs are formatted once per run —, events,
  periods, rescission through the cancellation service with the fine).

``--scenario first`` is the first run ever on a base with no notice (100,000 notices at once on
1,000,000 contracts): the case where building the notice texts weighs most.

Targets: routine ≤ 30 s and ≤ 2× the floor. The transition counts are checked to agree. Peak RSS
is printed (run with ``--contracts 100000`` too: it stays flat).

Usage::

    python bench/bench_suspension.py [--contracts 1000000] [--dir /tmp/bench-suspension] [--keep] [--scenario first]
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import shutil
import sqlite3
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, seed_plans_and_customers  # noqa: E402
from sqlalchemy import Connection, select, text  # noqa: E402

from ispdesk.db.models import CancellationReason  # noqa: E402
from ispdesk.domain.business_days import Calendar  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.ids import uuid7  # noqa: E402
from ispdesk.services.access import run_suspension  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

ON = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 6, tzinfo=UTC)
TARGET_S = 30.0
PLANS = [("F100", "79.90"), ("F300", "99.90"), ("F500", "129.90"), ("F1G", "199.90")]
MAX_DAYS = 91  # V + 31 (block) + 60 (rescission): older debts were rescinded on earlier days


def _days_overdue(rng: random.Random) -> int:
    """1..91, exponential with a 20-day mean: most debts are recent."""
    while True:
        d = 1 + int(rng.expovariate(1 / 20))
        if d <= MAX_DAYS:
            return d


_CAL = Calendar.of("SP")  # the default empresa_uf


def build(path: Path, contracts: int) -> None:
    """Create the database in the state daily runs up to yesterday left."""
    factory, plan_rows, customer_ids = seed_plans_and_customers(path, PLANS, contracts, NOW)
    n_customers = len(customer_ids)
    rng = random.Random(7)
    now = NOW.isoformat(sep=" ")
    raw = factory.engine.raw_connection()
    try:
        cur = raw.cursor()
        numbers = itertools.count(1)
        for start in range(0, contracts, 50000):
            crow, chrow, nrow, prow, erow = [], [], [], [], []
            for k in range(start, min(contracts, start + 50000)):
                cid = uuid7().hex
                plan_id, code, cents = plan_rows[k % len(plan_rows)]
                status, until = "normal", None
                if rng.random() < 0.10:
                    d = _days_overdue(rng)
                    v = ON - timedelta(days=d)
                    while not _CAL.is_business_day(v):  # the oldest due date is its own vencimento útil
                        v -= timedelta(days=1)
                        d += 1
                    due_day = min(v.day, 28)
                    owed = [v + timedelta(days=30 * i) for i in range(math.ceil(d / 30))]
                    owed = [due for due in owed if due < ON]
                    ids = [uuid7().hex for _ in owed]
                    for cid_charge, due in zip(ids, owed, strict=True):
                        chrow.append((cid_charge, cid, "mensalidade", f"Mensalidade {code}",
                                      (due - timedelta(days=30)).isoformat(), (due - timedelta(days=1)).isoformat(),
                                      due.isoformat(), cents, 0, "aberta", code, now, "bench", 1))
                    if d >= 2:  # noticed at V + 1 by an earlier run
                        notice = v + timedelta(days=1)
                        nrow.append((uuid7().hex, cid, ids[0], notice.isoformat(), cents * len(owed),
                                     f"{v:%m/%Y}", (v + timedelta(days=16)).isoformat(),
                                     (v + timedelta(days=91)).isoformat(), "Aviso de débito em atraso", now,
                                     f"{notice.isoformat()} 06:00:00+00:00"))  # sent the day it was written
                    if d - 1 >= 31:
                        status = "bloqueado"
                        prow.append((uuid7().hex, cid, (v + timedelta(days=31)).isoformat(), None))
                        erow.append((uuid7().hex, cid, (v + timedelta(days=31)).isoformat(), now, "reduzido",
                                     "bloqueado", "bloqueio", "sistema", None))
                        if rng.random() < 0.02:  # a trust unlock three days ago that ends today
                            status, until = "liberado_confianca", ON.isoformat()
                            prow[-1] = (prow[-1][0], cid, prow[-1][2], (ON - timedelta(days=4)).isoformat())
                    elif d - 1 >= 16:
                        status = "reduzido"
                else:
                    due_day = rng.randint(1, 28)
                    paid_due = date(2026, 11, due_day)
                    next_due = date(2026, 12, due_day)
                    chrow.append((uuid7().hex, cid, "mensalidade", f"Mensalidade {code}",
                                  (paid_due - timedelta(days=30)).isoformat(),

                                  (paid_due - timedelta(days=1)).isoformat(), paid_due.isoformat(), cents, cents,
                                  "paga", code, now, "bench", 1))
                    chrow.append((uuid7().hex, cid, "mensalidade", f"Mensalidade {code}", paid_due.isoformat(),
                                  (next_due - timedelta(days=1)).isoformat(), next_due.isoformat(), cents, 0,
                                  "aberta", code, now, "bench", 1))
                activated = date(2026, 1, due_day)
                crow.append((cid, k + 1, customer_ids[k % n_customers].hex, plan_id, cents, "ativo", status, until,
                             activated.isoformat(), activated.isoformat(), 12, 60000, due_day, now, "bench", 1,
                             0, 0, 0, "2027-01-" + f"{due_day:02d}"))
            cur.executemany(
                "INSERT INTO contracts (id, number, customer_id, plan_id, value, status, access_status, access_until,"
                " activated_on, billing_base_date, loyalty_months, loyalty_benefit, due_day, created_at, created_by,"
                " version, block_exempt, trust_restriction_lifted, no_adjustment, loyalty_expires_on) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", crow)
            # every charge has its number and its vencimento útil (first business day on or after the due date)
            chrow = [(r[0], next(numbers), *r[1:7], _CAL.effective_due(date.fromisoformat(r[6])).isoformat(), *r[7:])
                     for r in chrow]
            cur.executemany(
                "INSERT INTO charges (id, number, contract_id, kind, description, period_start, period_end, due_date,"
                " effective_due_date, amount, paid_amount, status, plan_code, created_at, created_by, version) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", chrow)
            cur.executemany(
                "INSERT INTO notices (id, contract_id, charge_id, notice_date, amount, reference_month,"
                " suspension_date, rescission_date, text, created_at, sent_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", nrow)
            cur.executemany("INSERT INTO suspension_periods (id, contract_id, start_date, end_date) VALUES (?,?,?,?)",
                            prow)
            cur.executemany(
                "INSERT INTO access_events (id, contract_id, on_date, at, from_status, to_status, cause, actor,"
                " until) VALUES (?,?,?,?,?,?,?,?,?)", erow)
        cur.execute("UPDATE sequences SET next_value = ? WHERE name = 'charge_number'", (next(numbers),))
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    factory.dispose()


_K = """
CREATE TEMP TABLE k AS
SELECT o.cid, o.v, c.access_status AS st, c.access_until AS au, c.no_block_until AS nbu, c.block_exempt AS ex,
       (SELECT max(n.notice_date) FROM notices n WHERE n.contract_id = o.cid) AS nd
FROM (SELECT contract_id AS cid, min(effective_due_date) AS v FROM charges
      WHERE status = 'aberta' AND effective_due_date < :on GROUP BY contract_id) o
JOIN contracts c ON c.id = o.cid
WHERE c.status = 'ativo'
"""
_VALID = "nd > v AND ex = 0 AND (nbu IS NULL OR nbu < :on) AND nd <= date(:on, '-15 day')"
_EVENT = ("INSERT INTO access_events (id, contract_id, on_date, at, from_status, to_status, cause, actor) "
          "SELECT lower(hex(randomblob(16))), cid, :on, :now, st, {to}, {cause}, 'piso' FROM k WHERE {where}")
_UPDATE = ("UPDATE contracts SET access_status = {to}, access_until = NULL, version = version + 1, "
           "updated_at = :now, updated_by = 'piso' WHERE id IN (SELECT cid FROM k WHERE {where})")
_OPEN = ("INSERT INTO suspension_periods (id, contract_id, start_date) "
         "SELECT lower(hex(randomblob(16))), cid, :on FROM k WHERE {where}")
_CLOSE = ("UPDATE suspension_periods SET end_date = date(:on, '-1 day') WHERE end_date IS NULL "
          "AND contract_id IN (SELECT cid FROM k WHERE {where})")

NOTICE = "v <= date(:on, '-1 day') AND (nd IS NULL OR nd <= v) AND ex = 0"
REDUCE = f"st = 'normal' AND {_VALID} AND v <= date(:on, '-16 day') AND v > date(:on, '-31 day')"
BLOCK = f"st IN ('normal', 'reduzido') AND {_VALID} AND v <= date(:on, '-31 day')"
EXPIRED = "st LIKE 'liberado%' AND au <= :on"
EXPIRED_TO = f"CASE WHEN {_VALID} AND v <= date(:on, '-31 day') THEN 'bloqueado' ELSE 'normal' END"
RESCIND = ("st = 'bloqueado' AND nd > v AND ex = 0 AND (SELECT sum(julianday(min(coalesce(date(end_date, '+1 day'), "
           ":on), :on)) - julianday(max(start_date, nd))) FROM suspension_periods sp WHERE sp.contract_id = cid) >= 60")


def floor_sql(conn: Connection, reason_id: str) -> dict[str, int]:
    """The same transitions as hand-written set-based SQL; returns the counts."""
    params = {"on": ON.isoformat(), "now": NOW.isoformat(sep=" ")}
    ex = conn.execute
    ex(text(_K), params)
    counts = {}
    counts["aviso"] = ex(text(
        "INSERT INTO notices (id, contract_id, charge_id, notice_date, amount, reference_month, suspension_date,"
        " rescission_date, text, created_at) "
        "SELECT lower(hex(randomblob(16))), cid,"
        " (SELECT id FROM charges WHERE contract_id = cid AND status = 'aberta'"
        "  AND effective_due_date = v LIMIT 1), :on,"
        " (SELECT sum(amount - paid_amount) FROM charges WHERE contract_id = cid AND status = 'aberta'"
        "  AND effective_due_date < :on), strftime('%m/%Y', v), max(date(v, '+16 day'), date(:on, '+15 day')),"
        " date(max(date(v, '+31 day'), date(:on, '+15 day')), '+60 day'),"
        " 'AVISO DE DÉBITO EM ATRASO — contrato ' || cid || ', vencido desde ' || strftime('%d/%m/%Y', v) ||"
        " '. Redução a partir de ' || strftime('%d/%m/%Y', max(date(v, '+16 day'), date(:on, '+15 day'))) ||"
        " ', bloqueio a partir de ' || strftime('%d/%m/%Y', max(date(v, '+31 day'), date(:on, '+15 day'))) ||"
        " '. Após a rescisão o débito poderá ser registrado em cadastros de proteção ao crédito.'"
        " || ' Após o pagamento, o serviço é restabelecido imediatamente, sem taxa de religação.', :now"
        f" FROM k WHERE {NOTICE}"), params).rowcount
    counts["reducao"] = ex(text(_EVENT.format(to="'reduzido'", cause="'reducao'", where=REDUCE)), params).rowcount
    ex(text(_UPDATE.format(to="'reduzido'", where=REDUCE)), params)
    counts["bloqueio"] = ex(text(_EVENT.format(to="'bloqueado'", cause="'bloqueio'", where=BLOCK)), params).rowcount
    ex(text(_OPEN.format(where=BLOCK)), params)
    ex(text(_UPDATE.format(to="'bloqueado'", where=BLOCK)), params)
    counts["fim_liberacao"] = ex(text(_EVENT.format(to=EXPIRED_TO, cause="'fim_liberacao'", where=EXPIRED)),
                                 params).rowcount
    ex(text(_OPEN.format(where=EXPIRED + f" AND {EXPIRED_TO} = 'bloqueado'")), params)
    ex(text(_UPDATE.format(to=f"(SELECT {EXPIRED_TO} FROM k WHERE k.cid = contracts.id)", where=EXPIRED)), params)
    counts["rescisao"] = ex(text(_EVENT.format(to="'bloqueado'", cause="'rescisao'", where=RESCIND)), params).rowcount
    ex(text(_CLOSE.format(where=RESCIND)), params)
    ex(text("UPDATE contracts SET status = 'cancelado', cancelled_on = :on, cancellation_origin = 'automatico',"
            " cancellation_reason_id = :rid, cancellation_note = 'Rescisão por inadimplência',"
            f" version = version + 1 WHERE id IN (SELECT cid FROM k WHERE {RESCIND})"), {**params, "rid": reason_id})
    counts["sem_debito"] = ex(text(
        "UPDATE contracts SET access_status = 'normal', access_until = NULL, version = version + 1"
        " WHERE status = 'ativo' AND access_status IN ('reduzido', 'bloqueado', 'liberado_confianca',"
        " 'liberado_temporario', 'liberado_manual') AND NOT EXISTS (SELECT 1 FROM charges ch"
        " WHERE ch.contract_id = contracts.id AND ch.status = 'aberta'"
        " AND ch.effective_due_date < :on)"), params).rowcount
    ex(text("DROP TABLE k"))
    return counts


def main() -> None:
    """Build, then time the floor and the routine."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-suspension"))
    parser.add_argument("--keep", action="store_true", help="reuse a database built before with the same size")
    parser.add_argument("--scenario", choices=("daily", "first"), default="daily",
                        help="daily: a normal day; first: the first run ever (no notice yet: every overdue "
                             "contract gets its notice)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the routine's peak Python heap (slower; for the memory check)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"suspension-{args.contracts}.sqlite3"
    if not (args.keep and path.exists()):
        path.unlink(missing_ok=True)
        t = time.perf_counter()
        build(path, args.contracts)
        print(f"base criada: {args.contracts} contratos em {time.perf_counter() - t:.1f} s", flush=True)
    copies = []
    for name in ("floor", "routine", "no-messages"):
        work = args.dir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        shutil.copyfile(path, work)
        copies.append(work)
        if args.scenario == "first":
            with sqlite3.connect(work) as db:
                db.executescript(
                    "DELETE FROM notices; DELETE FROM suspension_periods; DELETE FROM access_events;"
                    " UPDATE contracts SET access_status = 'normal', access_until = NULL;")

    factory = UnitOfWorkFactory.from_url(f"sqlite:///{copies[0]}", FixedClock(ON))
    with factory.engine.connect() as conn:
        reason = conn.scalar(select(CancellationReason.id).where(CancellationReason.code == "INADIMPLENCIA"))
        conn.rollback()
        t = time.perf_counter()
        trans = conn.begin()
        floor_counts = floor_sql(conn, reason.hex if reason else "")
        trans.commit()
        floor_s = time.perf_counter() - t
    factory.dispose()
    print(f"piso (SQL em conjunto): {floor_counts} em {floor_s:.2f} s", flush=True)

    factory = UnitOfWorkFactory.from_url(f"sqlite:///{copies[1]}", FixedClock(ON))
    rss_before = peak_rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    t = time.perf_counter()
    result = run_suspension(factory(Actor.system()), ON)
    routine_s = time.perf_counter() - t
    heap = ""
    if args.tracemalloc:
        heap = f"; pico do heap Python na rotina {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB"
        tracemalloc.stop()
    factory.dispose()
    counts = {k: v for k, v in result.counts.items() if k in floor_counts}
    ok = counts == floor_counts
    verdict = "ok" if routine_s <= TARGET_S else "ACIMA"
    ratio = routine_s / floor_s
    print(f"rotina run_suspension: {result.counts} ({result.examined} contratos analisados) em {routine_s:.2f} s "
          f"(meta ≤ {TARGET_S:.0f} s: {verdict}); razão ao piso {ratio:.2f}× (meta ≤ 2×: "
          f"{'ok' if ratio <= 2 else 'ACIMA'}); contagens iguais ao piso: {'sim' if ok else 'NÃO'}; "
          f"pico de memória {peak_rss_mb():.0f} MB (antes da rotina {rss_before:.0f} MB){heap}", flush=True)
    if result.failures:
        print("falhas:", result.failures[:5])
    if args.scenario == "first":
        # the same run with the notices' outbox rows left out: what the messages cost the routine
        import ispdesk.services.access as access_module

        real = access_module.enqueue_rows_in
        access_module.enqueue_rows_in = lambda uow, rows: None  # type: ignore[assignment]
        try:
            factory = UnitOfWorkFactory.from_url(f"sqlite:///{copies[2]}", FixedClock(ON))
            t = time.perf_counter()
            run_suspension(factory(Actor.system()), ON)
            bare_s = time.perf_counter() - t
            factory.dispose()
        finally:
            access_module.enqueue_rows_in = real
        share = routine_s / bare_s
        print(f"a mesma rotina sem gravar as mensagens: {bare_s:.2f} s; com as {counts.get('aviso', 0)} mensagens "
              f"na fila: {share:.2f}× (meta ≤ 1,2×: {'ok' if share <= 1.2 else 'ACIMA'})", flush=True)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
