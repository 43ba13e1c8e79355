"""Small helpers shared by the benchmarks: timing, percentiles, peak memory, a report line."""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """``with timed() as t: …`` then ``t["s"]`` holds the elapsed seconds."""
    result: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["s"] = time.perf_counter() - start


def repeat(fn: Callable[[], Any], times: int) -> list[float]:
    """Elapsed seconds of `times` calls of `fn`."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def median(samples: list[float]) -> float:
    """Median of the samples."""
    return statistics.median(samples)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def report(name: str, seconds: float, target: float | None = None, floor: float | None = None) -> str:
    """One line: value, target and ratio to the floor."""
    parts = [f"{name}: {seconds * 1000:.1f} ms"]
    if target is not None:
        parts.append(f"meta ≤ {target * 1000:.0f} ms ({'ok' if seconds <= target else 'ACIMA'})")
    if floor:
        parts.append(f"piso {floor * 1000:.1f} ms, razão {seconds / floor:.2f}×")
    line = " | ".join(parts)
    print(line, flush=True)
    return line


def seed_plans_and_customers(
    path: Any, plans: list[tuple[str, str]], contracts: int, now: Any
) -> tuple[Any, list[tuple[str, str, int]], list[Any]]:
    """A fresh SQLite benchmark base with `plans` and one customer per ten contracts.

    Returns:
        The unit-of-work factory, ``(plan id hex, code, price in centavos)`` per plan, the customer ids.
    """
    from decimal import Decimal

    from sqlalchemy import insert

    from ispdesk.db import migrate
    from ispdesk.db.models import Customer, Plan
    from ispdesk.domain.ids import uuid7
    from ispdesk.services.bootstrap import ensure_reference_data
    from ispdesk.services.customer_words import add_words
    from ispdesk.services.uow import Actor, UnitOfWorkFactory

    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}")
    migrate.upgrade(factory.engine, backup=False)
    ensure_reference_data(factory)
    with factory(Actor.system()) as uow:
        s = uow.session
        rows = [Plan(code=c, name=c, price=Decimal(p), download_mbps=100, upload_mbps=50, created_at=now,
                     created_by="bench") for c, p in plans]
        s.add_all(rows)
        s.flush()
        plan_rows = [(p.id.hex, p.code, int(Decimal(p.price) * 100)) for p in rows]
        n_customers = max(1, contracts // 10)
        customer_ids = [uuid7() for _ in range(n_customers)]
        for start in range(0, n_customers, 50000):
            s.execute(insert(Customer), [
                dict(id=cid, code=start + k + 1, person_type="F", name=f"Cliente {start + k}",
                     name_folded=f"cliente {start + k}", status="ativo", created_at=now, created_by="bench")
                for k, cid in enumerate(customer_ids[start:start + 50000])])
        add_words(s, [(cid, f"cliente {k}") for k, cid in enumerate(customer_ids)])
        uow.commit()
    return factory, plan_rows, customer_ids


#: A provider's data for the benchmarks that print contracts (PDFs are refused for the example company).
BENCH_COMPANY: dict[str, str] = {
    "empresa_razao_social": "Rede Vale Telecomunicações Ltda.", "empresa_nome_fantasia": "Rede Vale",
    "empresa_cnpj": "27865757000102", "empresa_endereco": "Av. Brasil, 1500 — Centro",
    "empresa_cidade": "Campinas", "empresa_uf": "SP", "empresa_cep": "13015000",
    "empresa_telefone": "1932321000", "empresa_email": "atendimento@redevale.com.br",
    "empresa_site": "www.redevale.com.br",
}


def set_bench_company(factory: Any, actor: Any) -> None:
    """Store `BENCH_COMPANY` through the service (as an administrator would on the first run)."""
    from ispdesk.services.company import save_company

    save_company(factory(actor), BENCH_COMPANY)
