import pytest

from ispdesk.cli.main import main
from ispdesk.config import load_settings


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ISPDESK_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISPDESK_DB_URL", raising=False)
    return tmp_path


def test_use_saves_choice_and_show_reports_source(config_dir, capsys):
    assert main(["db", "show"]) == 0
    assert "padrão (SQLite local)" in capsys.readouterr().out
    assert main(["db", "use", "postgresql://ana:segredo@servidor/ispdesk"]) == 0
    out = capsys.readouterr().out
    assert "segredo" not in out and "***" in out
    assert load_settings()["database_url"] == "postgresql+psycopg://ana:segredo@servidor/ispdesk"
    assert main(["db", "show"]) == 0
    assert "escolha gravada" in capsys.readouterr().out


def test_env_and_option_take_precedence(config_dir, capsys, monkeypatch):
    main(["db", "use", "local"])
    monkeypatch.setenv("ISPDESK_DB_URL", "sqlite:////tmp/env.sqlite3")
    main(["db", "show"])
    assert "env.sqlite3" in capsys.readouterr().out
    main(["--db", "sqlite:////tmp/opt.sqlite3", "db", "show"])
    assert "opção --db" in capsys.readouterr().out


def test_bad_url_refused(config_dir, capsys):
    assert main(["db", "use", "mysql://x@y/z"]) == 2
    assert "SQLite" in capsys.readouterr().err
    assert main(["db", "use", "não é url"]) == 2


def test_db_upgrade_then_backup(config_dir, capsys):
    url = f"sqlite:///{config_dir / 'base.sqlite3'}"
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert "Banco atualizado para a versão" in capsys.readouterr().out
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert "Banco já está na versão mais recente" in capsys.readouterr().out
    assert main(["--db", url, "db", "backup", str(config_dir / "copia.bak")]) == 0
    assert "Cópia de segurança gravada em" in capsys.readouterr().out
    assert (config_dir / "copia.bak").stat().st_size > 0
