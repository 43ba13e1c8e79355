from ispdesk.config import load_settings
from ispdesk.ui.dialogs.database_dialog import DatabaseDialog


def test_choose_server_tests_and_saves(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("ISPDESK_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("ISPDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISPDESK_DB_URL", raising=False)
    dialog = DatabaseDialog(current_url=f"sqlite:///{tmp_path}/x.sqlite3")
    qtbot.addWidget(dialog)
    assert dialog.local.isChecked() and not dialog.server_box.isEnabled()
    assert dialog.test_connection()
    assert dialog.status.text() == "Conexão bem-sucedida."
    dialog.server.setChecked(True)
    dialog.host.setText("")
    dialog.save()
    assert "servidor" in dialog.status.text()
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(1)  # nothing listens there
    dialog.user.setText("ana")
    assert not dialog.test_connection()
    assert dialog.status.text().startswith("Não foi possível conectar")
    dialog.save()
    assert load_settings()["database_url"] == "postgresql+psycopg://ana@127.0.0.1:1/ispdesk"
