"""Benchmark (not a test): ``offline prepare`` against a central PostgreSQL with N customers.

    python bench/bench_offline.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--customers 1000000]

Fills a fresh database ``bench_offline`` with N customers (every one with a CPF, a third with a hotsite
login), then times the snapshot. Targets: 1,000,000 customers ≤ 30 s and the store ≤ 100 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from ispdesk.services import offline_store  # noqa: E402
from ispdesk.services.bootstrap import open_database  # noqa: E402

TARGET_S, TARGET_MB = 30.0, 100.0


def central_url(admin_url: str, customers: int) -> str:
    """A fresh migrated database with `customers` rows."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_offline"))
        conn.execute(text("CREATE DATABASE bench_offline"))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + "/bench_offline"
    factory = open_database(url)
    with factory.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (id, code, person_type, name, name_folded, document, unique_document,"
            " portal_login, status, created_at, created_by, version)"
            " SELECT gen_random_uuid(), i, 'F', 'Cliente ' || i, 'cliente ' || i, lpad(i::text, 11, '0'),"
            " lpad(i::text, 11, '0'), CASE WHEN i % 3 = 0 THEN 'login' || i END, 'ativo', now(), 'bench', 1"
            " FROM generate_series(1, :n) AS i"), {"n": customers})
    factory.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", required=True, help="URL de um PostgreSQL de teste (banco de administração)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    url = central_url(args.pg, args.customers)
    print(f"central preenchido em {time.perf_counter() - t0:.1f} s ({args.customers} clientes)")
    central = open_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "offline.sqlite3"
        info = offline_store.prepare(central, store)
        again = offline_store.prepare(central, store)
    central.dispose()
    mb = info.size_bytes / 1_000_000
    ok = info.seconds <= TARGET_S and mb <= TARGET_MB
    print(f"offline prepare: {info.seconds:.1f} s (alvo ≤ {TARGET_S:.0f} s), base {mb:.1f} MB (alvo ≤ "
          f"{TARGET_MB:.0f} MB), {info.documents} CPF/CNPJ; de novo: {again.seconds:.1f} s — "
          f"{'OK' if ok else 'FORA DO ALVO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
