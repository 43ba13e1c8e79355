"""Benchmark: sending 10,000 e-mails to a local SMTP server (aiosmtpd on loopback) on SQLite.

Builds a database with N customers and one pending outbox e-mail each (the rows the ladder
writes), starts a real SMTP server, and times `messages.send_due` end to end: claims, one SMTP
connection per batch, one short transaction recording each result. Target: ≥ 100 e-mails per second.

    python bench/bench_messages.py [--messages 10000] [--dir /tmp/bench-messages]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, seed_plans_and_customers  # noqa: E402
from sqlalchemy import select  # noqa: E402

from ispdesk.db.models import Customer  # noqa: E402
from ispdesk.domain.clock import FixedClock  # noqa: E402
from ispdesk.domain.messages import MessageEvent  # noqa: E402
from ispdesk.services import messages  # noqa: E402
from ispdesk.services import parameters as params_service  # noqa: E402
from ispdesk.services.uow import Actor, UnitOfWorkFactory  # noqa: E402
from tests.smtp_server import smtp_server  # noqa: E402

NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)
TARGET_PER_S = 100.0


def main() -> None:
    """Build, then time the sending."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-messages"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / "messages.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    seeded, _, _ = seed_plans_and_customers(path, [("F100", "79.90")], args.messages * 10, NOW)
    seeded.dispose()
    factory = UnitOfWorkFactory.from_url(f"sqlite:///{path}", FixedClock(date(2026, 12, 1)))
    uow = factory(Actor.system())
    with uow:
        customers = uow.session.execute(select(Customer.id).limit(args.messages)).scalars().all()
        rows = [messages.message_row(MessageEvent.COBRANCA_VENCENDO, None, cid, f"bench:{n}", f"c{n}@example.com",
                                     "Sua fatura vence em 3 dias", "Olá! Sua fatura vence em 3 dias. " * 10, NOW)
                for n, cid in enumerate(customers)]
        messages.enqueue_rows_in(uow, rows)
        uow.commit()
    with smtp_server() as (inbox, port):
        params_service.update(factory(Actor.system()), {
            "smtp_servidor": "127.0.0.1", "smtp_porta": port, "smtp_seguranca": "nenhuma",
            "email_remetente": "financeiro@provedor.example"})
        at = datetime(2026, 12, 1, 10, 0).astimezone()
        start = time.perf_counter()
        result = messages.send_due(factory(Actor.system()), at)
        elapsed = time.perf_counter() - start
        received = len(inbox.messages)
    factory.dispose()
    rate = result.sent / elapsed if elapsed else 0.0
    verdict = "ok" if rate >= TARGET_PER_S else "ABAIXO"
    assert result.sent == received == len(customers), (result.sent, received, len(customers))
    print(f"{result.sent} e-mails enviados em {elapsed:.2f} s: {rate:.0f} por segundo (meta ≥ {TARGET_PER_S:.0f}: "
          f"{verdict}); {result.last_line()}; pico de memória {peak_rss_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    main()
