"""Issue 11 item 5: no personal data in a traceback or a log — CLI, GUI worker, logging, engine.

The error is a real one from the real database: a row whose key repeats carries a CPF, a name and
an e-mail (PostgreSQL's DETAIL repeats the key; SQLAlchemy would list the bound values).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ispdesk.cli.main import main
from ispdesk.services.bug_report import SafeFormatter, describe
from ispdesk.services.uow import UnitOfWorkFactory

CPF, NAME, EMAIL = "52998224725", "Joana Sigilosa", "joana.sigilosa@example.com"
SECRETS = (CPF, NAME, EMAIL, "529.982.247-25")


def real_db_error(factory: UnitOfWorkFactory) -> IntegrityError:
    """Insert the same key twice; the values are personal data."""
    statement = text("INSERT INTO sequences (name, next_value) VALUES (:name, :value)")
    key = f"{CPF} {NAME} {EMAIL}"[:40]
    with factory.engine.connect() as conn:
        conn.execute(statement, {"name": key, "value": 1})
        try:
            conn.execute(statement, {"name": key, "value": 2})
        except IntegrityError as exc:
            return exc
    raise AssertionError("the database accepted a repeated key")


def assert_clean(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output, output
    assert secret[:20] not in output


def test_the_engine_hides_bound_parameters(factory) -> None:
    exc = real_db_error(factory)
    assert "hidden" in str(exc) or "ocult" in str(exc)
    assert EMAIL not in str(exc).split("[SQL:")[-1]


def test_cli_bug_handler_prints_no_values(factory, db_url, tmp_path: Path, monkeypatch, capsys) -> None:
    exc = real_db_error(factory)
    from ispdesk.cli import customers as cli_customers

    def broken_import(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise exc

    monkeypatch.setattr(cli_customers, "import_customers", broken_import)
    source = tmp_path / "c.csv"
    source.write_text(f"nome;cpf_cnpj\n{NAME};{CPF}\n", encoding="utf-8")
    assert main(["--db", db_url, "import", "customers", str(source)]) == 3
    captured = capsys.readouterr()
    assert_clean(captured.out + captured.err)
    assert "IntegrityError" in captured.err and "sem dados pessoais" in captured.err
    assert "test_no_personal_data_in_errors.py" in captured.err  # still says where it happened


def test_cli_subprocess_bad_cells_no_traceback(db_url, tmp_path: Path) -> None:
    """The probe's CLI run: the bad cell is a reject (exit 1), no traceback, the value not echoed."""
    source = tmp_path / "c.csv"
    source.write_text(f"nome;cpf_cnpj;celular;email\n{NAME};{CPF};²¹987654321;{EMAIL}\n"
                      "Ana Lima;390.533.447-05;11987654321;ana@example.com\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, "import", "customers", str(source)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "1 importada, 1 rejeitada" in done.stdout
    assert "²¹987654321" not in done.stdout + done.stderr


def test_logging_formatter_and_describe_omit_values(factory, caplog) -> None:
    exc = real_db_error(factory)
    assert_clean(describe(exc))
    assert "IntegrityError" in describe(exc)
    record = logging.LogRecord("ispdesk", logging.ERROR, __file__, 1, "falhou", None, (type(exc), exc, None))
    assert_clean(SafeFormatter().format(record))


def test_gui_worker_reports_no_values(factory, qapp, caplog) -> None:
    from ispdesk.services.bug_report import configure_logging
    from ispdesk.ui.workers import Worker

    configure_logging()
    exc = real_db_error(factory)

    def job(progress):  # noqa: ANN001, ANN202
        raise exc

    worker = Worker(job)
    messages: list[str] = []
    worker.signals.failed.connect(messages.append)
    with caplog.at_level(logging.ERROR):
        worker.run()
    assert messages and "IntegrityError" in messages[0]
    assert_clean(messages[0])
    logged = "\n".join(r.getMessage() + (SafeFormatter().formatException(r.exc_info) if r.exc_info else "")
                       for r in caplog.records)
    assert logged and "IntegrityError" in logged
    assert_clean(logged)


@pytest.mark.parametrize("kind", [ValueError, KeyError])
def test_describe_never_prints_exception_text(kind: type[Exception]) -> None:
    try:
        int("x")
    except ValueError:
        try:
            raise kind(f"célula {CPF}")
        except kind as exc:
            caught = exc
    out = describe(caught)
    assert CPF not in out and "'x'" not in out
    assert kind.__name__ in out and "ValueError" in out
