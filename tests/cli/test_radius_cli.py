"""``ispdesk radius schema|login|status|sync|nas`` as a user runs them (real processes, both databases)."""

from __future__ import annotations

import subprocess
import sys

from tests.factories import make_contract, make_plan


def run(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ispdesk", "--db", db_url, *args], capture_output=True, text=True,
                          timeout=120, input=stdin)


def test_radius_commands(db_url: str, uow) -> None:  # type: ignore[no-untyped-def]
    with uow() as u:
        number = make_contract(u.session, plan=make_plan(u.session, "FIBRA-100", download_mbps=100,
                                                         upload_mbps=50)).number
        u.commit()
    first = run(db_url, "radius", "schema")
    assert first.returncode == 0 and "Tabelas do FreeRADIUS criadas: radcheck" in first.stdout, first.stderr
    assert "já existem" in run(db_url, "radius", "schema").stdout
    bad = run(db_url, "radius", "login", str(number), "joão", "--senha", stdin="senha123\n")
    assert bad.returncode != 0 and "Login de rede inválido" in bad.stderr
    done = run(db_url, "radius", "login", str(number), "cli.cliente", "--senha", "--ip", "100.64.0.7",
               stdin="senha123\n")
    assert done.returncode == 0, done.stderr
    assert "login de rede cli.cliente, IP fixo 100.64.0.7" in done.stdout and "senha123" not in done.stdout
    status = run(db_url, "radius", "status", "cli.cliente")
    assert status.stdout.splitlines() == ["grupo: plano_FIBRA-100", "Cleartext-Password := senha123",
                                          "Framed-IP-Address := 100.64.0.7", "Mikrotik-Rate-Limit := 50M/100M"]
    sync = run(db_url, "radius", "sync")
    assert sync.returncode == 0 and sync.stdout.splitlines()[-1] == "radius: 1 usuários, 0 alterados"
    added = run(db_url, "radius", "nas", "add", "bng-centro", "10.1.1.1", "--porta-coa", "1700", stdin="segredo99\n")
    assert added.returncode == 0 and "CoA na porta 1700" in added.stdout, added.stderr
    listed = run(db_url, "radius", "nas", "list").stdout
    assert "bng-centro\t10.1.1.1\tmikrotik\tCoA 1700" in listed and "segredo99" not in listed
    assert run(db_url, "radius", "nas", "remove", "bng-centro").returncode == 0
    assert "Nenhum concentrador" in run(db_url, "radius", "nas", "list").stdout
    missing = run(db_url, "radius", "status", "ninguem")
    assert missing.returncode != 0 and "não está no FreeRADIUS" in missing.stderr
