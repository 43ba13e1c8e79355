"""Issue 11 item 2: ``adjust`` names the contracts someone else changed while the batch ran (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from ispdesk.cli.main import main
from ispdesk.db.models import Contract
from ispdesk.services import plan_changes as pc
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_contract, make_plan

UoW = Callable[..., UnitOfWork]


def test_adjust_prints_the_contracts_changed_meanwhile(db_url: str, uow: UoW, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("postgresql"):
        pytest.skip("no SQLite o lote trava o banco: nada muda durante o reajuste")
    with uow() as u:
        f300 = make_plan(u.session, "F300", "99.90")
        make_plan(u.session, "F500", "129.90", download_mbps=500)
        made = [make_contract(u.session, plan=f300, activated_on=date(2025, 3, 1)) for _ in range(3)]
        u.commit()
        target, number = made[1].id, made[1].number
    cli = threading.current_thread()
    reached, changed = threading.Event(), threading.Event()

    def hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.current_thread() is cli and statement.startswith("UPDATE contracts SET") \
                and "contract_adjustments" in statement and not reached.is_set():
            reached.set()
            changed.wait(10)  # the batch has read the contracts; a plan change commits now

    def change_plan() -> None:
        reached.wait(10)
        try:
            pc.apply_plan_change(uow(), pc.preview_plan_change(uow(), target, "F500"))
        finally:
            changed.set()

    thread = threading.Thread(target=change_plan)
    thread.start()
    event.listen(Engine, "before_cursor_execute", hold)
    try:
        code = main(["--db", db_url, "adjust", "--percent", "5", "--date", "27/11/2026", "--vigencia", "27/11/2026",
                     "--clientes-notificados", "-o", str(tmp_path / "avisos.csv")])
    finally:
        event.remove(Engine, "before_cursor_execute", hold)
        thread.join(10)
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert (f"Atenção: 1 contrato foi alterado por outra pessoa durante o reajuste e ficou como estava "
            f"(não reajustados): {number}.") in printed
    assert printed.strip().splitlines()[-1].startswith("2 contratos reajustados")
    with uow() as u:
        assert str(u.session.scalar(select(Contract.value).where(Contract.id == target))) == "129.90"
