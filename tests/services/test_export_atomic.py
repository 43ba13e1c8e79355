"""A failed export leaves no partial file and keeps an older one (issue 11, item 11)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services import database
from ispdesk.services.csv_io import write_csv, write_export, write_json
from tests.faults import cli, fill, small_disk

HEADER = ["codigo", "nome"]


def _rows(n: int, fail_at: int | None = None) -> Iterator[list[str]]:
    for i in range(n):
        if i == fail_at:
            raise RuntimeError("o banco caiu no meio da leitura")
        yield [str(i), f"Cliente {i} " + "x" * 50]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_that_fails_half_way_leaves_no_file(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"saida.{fmt}"
    with pytest.raises(RuntimeError):
        write_export(target, HEADER, _rows(10_000, fail_at=5_000), fmt)
    assert list(tmp_path.iterdir()) == []
    target.write_text("exportação de ontem", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write_export(target, HEADER, _rows(10_000, fail_at=5_000), fmt)
    assert target.read_text(encoding="utf-8") == "exportação de ontem"
    assert list(tmp_path.iterdir()) == [target]
    assert write_export(target, HEADER, _rows(10), fmt) == 10
    assert "Cliente 9" in target.read_text(encoding="utf-8-sig")


def test_the_written_file_gets_the_usual_permissions_and_devices_still_work(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_csv(tmp_path / "a.csv", HEADER, _rows(3))
    finally:
        os.umask(mask)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644
    assert write_csv(os.devnull, HEADER, _rows(3)) == 3 and write_json(os.devnull, HEADER, _rows(2)) == 2
    assert os.path.exists(os.devnull)


LIMITED = """
import sys
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.services.csv_io import write_export
rows = ([str(i), "Cliente " + "x" * 100] for i in range(100_000))
try:
    write_export(sys.argv[1], ["codigo", "nome"], rows, sys.argv[2])
except BusinessRuleError as exc:
    print(exc.message)
    sys.exit(2)
"""


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_file_size_limit_mid_export_leaves_no_partial_file(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"grande.{fmt}"
    result = subprocess.run([sys.executable, "-c", LIMITED, str(target), fmt], capture_output=True, text=True,
                            timeout=120, preexec_fn=_limit_file_size)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Não foi possível gravar" in result.stdout and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("what", ["contracts", "plans", "customers", "charges"])
def test_export_to_a_full_disk_leaves_no_partial_file(tmp_path: Path, what: str) -> None:
    url = f"sqlite:///{tmp_path / 'ispdesk.db'}"
    database.upgrade(url)
    with small_disk(tmp_path / "disco", "1m") as disk:
        filler = fill(disk)
        target = disk / f"{what}.csv"
        result = cli("--db", url, "export", what, "--output", str(target))
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert "Não foi possível gravar" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == [filler.name]


def test_a_refused_export_path_is_a_portuguese_error(tmp_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match="Não foi possível gravar"):
        write_export(tmp_path / "nao" / "existe.csv", HEADER, _rows(3))


LIMITED_PDF = """
import sys
from ispdesk.services.atomic_file import write_bytes_atomic
try:
    write_bytes_atomic(sys.argv[1], b"%PDF-1.4 novo " * 40_000)
except OSError:
    sys.exit(2)
"""


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE")
def test_a_pdf_that_cannot_be_written_whole_keeps_the_older_one(tmp_path: Path) -> None:
    """A contract or report PDF cut by a full disk never replaces the last good one with a broken file."""
    target = tmp_path / "contrato-5001.pdf"
    target.write_bytes(b"%PDF-1.4 ontem")
    result = subprocess.run([sys.executable, "-c", LIMITED_PDF, str(target)], capture_output=True, text=True,
                            timeout=120, preexec_fn=_limit_file_size)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert target.read_bytes() == b"%PDF-1.4 ontem"
    assert list(tmp_path.iterdir()) == [target]


def test_the_pdf_writers_go_through_the_atomic_write() -> None:
    """Every place that saves a PDF (contract, report, preview's Salvar) writes it whole or not at all."""
    root = Path(__file__).resolve().parents[2] / "ispdesk"
    for module in ("services/documents.py", "services/reports.py", "ui/dialogs/pdf_preview.py"):
        source = (root / module).read_text(encoding="utf-8")
        assert "write_bytes_atomic(" in source and ".write_bytes(" not in source, module
