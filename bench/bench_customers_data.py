"""Benchmark of the customers data layer (not a test): demo load, CSV import, search per key type.

Usage::

    python bench/bench_customers_data.py [--customers 1000000] [--import-rows 100000] [--dir /tmp/x]

On a fresh SQLite file it measures

* ``generate_demo`` (what ``ispdesk demo --customers N`` runs) — target ≤ 90 s for 1,000,000;
* ``import customers`` of a realistic CSV (``;``, Windows-1252, masks) into a fresh database and into
  the big one — target ≤ 30 s for 100,000 rows;
* ``search_customers`` per key type (p50/p95 over varied inputs) against the floor: the same SELECT
  run with the raw ``sqlite3`` driver on the same file; the ratio is service / floor.

Wall-clock and CPU seconds are both printed: on a shared machine the wall clock includes waiting.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.contact import mask_cep, mask_phone  # noqa: E402
from ispdesk.domain.documents import mask_document  # noqa: E402
from ispdesk.domain.permissions import Role  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.customer_io import import_customers  # noqa: E402
from ispdesk.services.customer_search import build_search_query  # noqa: E402
from ispdesk.services.customers import search_customers  # noqa: E402
from ispdesk.services.demo import demo_customer_values, generate_demo  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

ADMIN = Actor.for_role("bench", Role.ADMINISTRADOR)


def fresh(path: Path) -> UnitOfWorkFactory:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    return factory


def timed(label: str, fn: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return wall, cpu, result


def make_csv(path: Path, rows: int, seed: int, taken: set[str]) -> None:
    """A CSV as Excel-BR saves it: ``;``, Windows-1252, masked documents/phones/CEPs (no passwords)."""
    header = ["nome", "cpf_cnpj", "tipo_pessoa", "rg_ie", "data_nascimento", "email", "celular", "telefone", "cep",
              "endereco", "numero", "complemento", "bairro", "cidade", "uf", "hotsite_login", "observacao"]
    with open(path, "w", encoding="cp1252", errors="replace", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for r in demo_customer_values(rows, date.today(), seed=seed, taken=taken):
            writer.writerow([
                r["name"], mask_document(r["document"]), r["person_type"], r["rg_ie"] or "",
                r["birth_date"].strftime("%d/%m/%Y") if r["birth_date"] else "", r["email"], mask_phone(r["mobile"]),
                mask_phone(r["phone"] or ""), mask_cep(r["cep"]), r["street"], r["number"], r["complement"] or "",
                r["district"], r["city"], r["state"], r["portal_login"] or "", r["notes"] or "",
            ])


def search_inputs(path: Path, rng: random.Random, n: int) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    total = conn.execute("SELECT max(code) FROM customers").fetchone()[0]
    picks = [rng.randrange(1, total + 1) for _ in range(n)]
    rows = [conn.execute("SELECT name, document, mobile, email, code FROM customers WHERE code = ?", (c,)).fetchone()
            for c in picks]
    conn.close()
    return {
        "nome (prefixo 3-6 letras, acentos)": [r[0][: rng.randrange(3, 7)] for r in rows],
        "nome completo": [r[0] for r in rows],
        "CPF/CNPJ com máscara (prefixo)": [mask_document(r[1])[: rng.randrange(7, 15)] for r in rows],
        "CPF/CNPJ sem máscara (completo)": [r[1] for r in rows],
        "celular com máscara": [mask_phone(r[2]) for r in rows],
        "celular (prefixo 7 dígitos)": [r[2][:7] for r in rows],
        "e-mail": [r[3] for r in rows],
        "código": [str(r[4]) for r in rows],
        "dígito curto (\"1\")": ["1"] * len(rows),
        "vazio (primeira página)": [""] * len(rows),
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def bench_search(factory: UnitOfWorkFactory, path: Path, queries: int) -> None:
    inputs = search_inputs(path, random.Random(5), queries)
    raw = sqlite3.connect(path)
    print(f"\nBusca (search_customers, 200 linhas por página; {queries} consultas por tipo; ms)")
    print(f"{'tipo':40} {'p50':>7} {'p95':>7} {'piso p95':>9} {'razão':>6} {'linhas':>7}")
    for label, texts in inputs.items():
        service: list[float] = []
        floor: list[float] = []
        found = 0
        for text in texts:
            t = time.perf_counter()
            rows = search_customers(factory(ADMIN), text)
            service.append((time.perf_counter() - t) * 1000)
            found += len(rows)
            sql = str(build_search_query(text, None, 200).compile(dialect=factory.engine.dialect,
                                                                  compile_kwargs={"literal_binds": True}))
            t = time.perf_counter()
            raw.execute(sql).fetchall()
            floor.append((time.perf_counter() - t) * 1000)
        p95, f95 = pct(service, 0.95), pct(floor, 0.95)
        print(f"{label:40} {pct(service, 0.5):7.1f} {p95:7.1f} {f95:9.1f} {p95 / max(f95, 0.001):6.1f} "
              f"{found / len(texts):7.0f}", flush=True)
    raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="ispdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Arquivos em {work}")

    big = work / "customers.sqlite3"
    factory = fresh(big)
    timed(f"demo --customers {args.customers}", lambda: generate_demo(factory, args.customers, actor=ADMIN, seed=1))
    print(f"tamanho do banco: {big.stat().st_size / 2**20:.0f} MiB")

    csv_path = work / "import.csv"
    conn = sqlite3.connect(big)
    taken = {r[0] for r in conn.execute("SELECT document FROM customers")}
    conn.close()
    timed(f"gerar CSV de {args.import_rows} linhas (fora da medida)", lambda: make_csv(csv_path, args.import_rows, 9,
                                                                                      taken))
    small = fresh(work / "import-target.sqlite3")
    _, _, report = timed(f"import customers {args.import_rows} linhas (banco vazio)",
                         lambda: import_customers(small(ADMIN), csv_path))
    print("  " + report.summary.splitlines()[0])  # type: ignore[attr-defined]
    _, _, report = timed(f"import customers {args.import_rows} linhas (banco com {args.customers})",
                         lambda: import_customers(factory(ADMIN), csv_path))
    print("  " + report.summary.splitlines()[0])  # type: ignore[attr-defined]
    small.dispose()

    bench_search(factory, big, args.queries)
    factory.dispose()


if __name__ == "__main__":
    main()
