"""Benchmark (not a test): ``import customers`` of rows WITH hotsite passwords, phase by phase.

    python bench/bench_import_passwords.py [--rows 100000] [--cost baixo|medio|alto] [--dir /tmp/x]

Every row has ``hotsite_login`` and ``hotsite_senha``. Prints the wall time of the whole import
(target: 100,000 rows ≤ 120 s on a 2-core machine at the default cost ``baixo``) and of its phases,
from the pipeline's progress callback: checking the rows, hashing the passwords (thread pool, no
transaction open) and writing (the only phase that holds SQLite's write lock).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ispdesk.db import migrate  # noqa: E402
from ispdesk.domain.contact import mask_phone  # noqa: E402
from ispdesk.domain.documents import mask_document  # noqa: E402
from ispdesk.domain.permissions import Role  # noqa: E402
from ispdesk.services import parameters as params_service  # noqa: E402
from ispdesk.services.bootstrap import ensure_reference_data  # noqa: E402
from ispdesk.services.customer_io import import_customers  # noqa: E402
from ispdesk.services.demo import demo_customer_values  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402

ADMIN = Actor.for_role("bench", Role.ADMINISTRADOR)
TARGET_S = 120.0


def make_csv(path: Path, rows: int) -> None:
    """Realistic customers, each with a unique hotsite login and a password."""
    header = ["nome", "cpf_cnpj", "email", "celular", "uf", "cidade", "hotsite_login", "hotsite_senha"]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for n, r in enumerate(demo_customer_values(rows, date.today(), seed=7, taken=set())):
            writer.writerow([r["name"], mask_document(r["document"]), r["email"], mask_phone(r["mobile"]),
                             r["state"], r["city"], f"assinante{n}", f"senha-{n:06d}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cost", default="baixo", choices=("baixo", "medio", "alto"))
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="ispdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "passwords.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{db}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    if args.cost != "baixo":
        params_service.update(factory(ADMIN), {"custo_senha_hotsite": args.cost})
    source = work / "clientes_com_senha.csv"
    make_csv(source, args.rows)

    marks: dict[str, float] = {}

    def progress(done: int, total: int, text: str) -> None:
        for phase in ("Preparando", "Gravando"):
            if text.startswith(phase) and phase not in marks:
                marks[phase] = time.perf_counter()

    start = time.perf_counter()
    report = import_customers(factory(ADMIN), source, progress=progress)
    end = time.perf_counter()
    check = marks.get("Preparando", end) - start
    hashing = marks.get("Gravando", end) - marks.get("Preparando", end)
    write = end - marks.get("Gravando", end)
    total = end - start
    print(f"{report.imported} de {report.total} clientes importados com senha (custo {args.cost})")
    print(f"  conferência das linhas: {check:.1f} s")
    print(f"  hash das senhas (argon2id, {args.cost}, fora da transação): {hashing:.1f} s")
    print(f"  gravação (única fase com o banco travado para escrita): {write:.1f} s")
    verdict = "ok" if total <= TARGET_S * args.rows / 100_000 else "ACIMA DA META"
    print(f"total: {total:.1f} s (meta para {args.rows} linhas: ≤ {TARGET_S * args.rows / 100_000:.1f} s) {verdict}")
    factory.dispose()


if __name__ == "__main__":
    main()
