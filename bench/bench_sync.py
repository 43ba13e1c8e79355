"""Benchmark (not a test): ``ispdesk sync`` of 1,000 queued offline operations on a loopback PostgreSQL.

    python bench/bench_sync.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--ops 1000]

Half customers, half their pre-contracts, entered through ``--offline`` imports. Target: ≥ 100 ops/s
(1,000 operations ≤ 10 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from ispdesk.domain.documents import generate_cpf  # noqa: E402
from ispdesk.services import contract_io, customer_io, offline_store, offline_sync, plans  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402
from ispdesk.services.offline_journal import JournalFactory  # noqa: E402
from ispdesk.services.uow import Actor  # noqa: E402

TARGET_OPS = 100.0


def fresh(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_sync"))
        conn.execute(text("CREATE DATABASE bench_sync"))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/bench_sync"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", required=True, help="URL de um PostgreSQL de teste (banco de administração)")
    parser.add_argument("--ops", type=int, default=1000)
    args = parser.parse_args()
    url = fresh(args.pg)
    central = open_database(url)
    actor = Actor.system()
    plans.create_plan(central(actor), plans.PlanDraft(code="FIBRA-300", name="Fibra 300", price=Decimal("99.90"),
                                                       download_mbps=300, upload_mbps=150, loyalty_months=12))
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "offline.sqlite3"
        offline_store.prepare(central, store_path)
        half = args.ops // 2
        docs = [generate_cpf() for _ in range(half)]
        (Path(tmp) / "c.csv").write_text("nome;cpf_cnpj;email;celular\n" + "".join(
            f"Cliente {i};{d};c{i}@example.com;11987654321\n" for i, d in enumerate(docs)), encoding="utf-8")
        (Path(tmp) / "k.csv").write_text("cpf_cnpj;plano;fidelidade_meses;motivo_inclusao\n" + "".join(
            f"{d};FIBRA-300;12;NOVO\n" for d in docs), encoding="utf-8")
        store = offline_store.open_store(store_path, JournalFactory)
        customer_io.import_customers(store(actor), Path(tmp) / "c.csv")
        contract_io.import_contracts(store(actor), Path(tmp) / "k.csv")
        store.dispose()
        queued = offline_sync.status(store_path)
        t0 = time.perf_counter()
        report = offline_sync.sync(url, store_path)
        seconds = time.perf_counter() - t0
    central.dispose()
    rate = report.applied_now / seconds if seconds else 0.0
    ok = rate >= TARGET_OPS and report.counts.pending == 0
    print(f"fila: {queued.line}; sync: {report.counts.line} em {seconds:.1f} s = {rate:.0f} ops/s "
          f"(alvo ≥ {TARGET_OPS:.0f}) — {'OK' if ok else 'FORA DO ALVO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
