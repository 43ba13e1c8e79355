"""The first start says what it is doing: installing, creating the database, opening."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ispdesk.app import start_message

ROOT = Path(__file__).resolve().parents[2]


def test_start_says_creating_then_opening(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ISPDESK_START_MESSAGES", "1")
    url = f"sqlite:///{tmp_path / 'novo.sqlite3'}"
    assert start_message(url).startswith("criando o banco de dados em ")
    (tmp_path / "novo.sqlite3").write_bytes(b"")
    assert start_message(url) == "abrindo o banco de dados (SQLite local)…"
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("ispdesk: criando o banco de dados") and err[1].startswith("ispdesk: abrindo")
    monkeypatch.delenv("ISPDESK_START_MESSAGES")
    start_message(url)
    assert capsys.readouterr().err == ""


def test_venv_script_says_it_is_installing_without_pip_warnings(tmp_path):
    """A fake Python stands in for the real one, so the script's own words are checked in seconds."""
    (tmp_path / "scripts").mkdir()
    for name in ("venv.sh",):
        (tmp_path / "scripts" / name).write_text((ROOT / "scripts" / name).read_text())
    (tmp_path / "pyproject.toml").write_text("")
    fake = tmp_path / "fakepy"
    fake.write_text("#!/bin/sh\nif [ \"$2\" = venv ]; then mkdir -p \"$3/bin\"; cp \"$0\" \"$3/bin/python\"; fi\n"
                    "echo \"$@\" >> \"$(dirname \"$0\")/calls\"\n")
    fake.chmod(0o755)
    proc = subprocess.run(["bash", "scripts/venv.sh"], cwd=tmp_path, env={"PATH": "/usr/bin:/bin",
                          "ISPDESK_PYTHON": str(fake)}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "ispdesk: criando o ambiente Python" in proc.stderr
    assert "ispdesk: instalando o ispdesk e as bibliotecas" in proc.stderr
    assert "ispdesk: instalação concluída." in proc.stderr
    calls = (tmp_path / ".venv" / "bin" / "calls").read_text()
    assert "--root-user-action=ignore" in calls and "--disable-pip-version-check" in calls
