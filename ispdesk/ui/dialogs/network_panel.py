"""The contract form's Rede tab: network login, password, fixed IP / MAC, FreeRADIUS answer, session, CoA."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Permission
from ispdesk.services import network
from ispdesk.ui.context import AppContext


class NetworkPanel(QWidget):
    """Shows and edits the contract's network identity; the password only with ``network.password_view``."""

    def __init__(self, context: AppContext, contract_id: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkPanel")
        self.context, self.contract_id = context, contract_id
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.login = QLineEdit(self)
        self.login.setObjectName("networkLogin")
        self.login.setPlaceholderText(self.tr("ex.: joao.silva"))
        self.password = QLineEdit(self)
        self.password.setObjectName("networkPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("deixe vazio para manter a senha atual"))
        self.ip = QLineEdit(self)
        self.ip.setObjectName("networkIp")
        self.mac = QLineEdit(self)
        self.mac.setObjectName("networkMac")
        form.addRow(self.tr("Login PPPoE:"), self.login)
        form.addRow(self.tr("Senha de rede:"), self.password)
        form.addRow(self.tr("IP fixo:"), self.ip)
        form.addRow(self.tr("MAC:"), self.mac)
        self.session = QLabel(self)
        self.session.setObjectName("networkSession")
        self.session.setWordWrap(True)
        self.request = QLabel(self)
        self.request.setObjectName("networkLastRequest")
        self.request.setWordWrap(True)
        form.addRow(self.tr("Última sessão:"), self.session)
        form.addRow(self.tr("Último CoA:"), self.request)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Resposta do FreeRADIUS (status de rede):"), self))
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName("networkAnswer")
        self.answer.setReadOnly(True)
        layout.addWidget(self.answer, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save = QPushButton(self.tr("&Salvar rede"), self)
        self.save.setObjectName("networkSave")
        self.save.setEnabled(context.actor.can(Permission.NETWORK_EDIT))
        self.save.clicked.connect(self._save)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Read the identity and FreeRADIUS's answer again."""
        view = network.network_view(self.context.uow(), self.contract_id)  # type: ignore[arg-type]
        ident = view.identity
        self.login.setText(ident.login if ident else "")
        self.ip.setText(ident.fixed_ip or "" if ident else "")
        self.mac.setText(ident.mac or "" if ident else "")
        self.password.clear()
        if ident is not None and ident.password is not None:
            self.password.setEchoMode(QLineEdit.EchoMode.Normal)
            self.password.setPlaceholderText(ident.password)
        self.session.setText(view.last_session or self.tr("nenhuma sessão registrada em radacct"))
        self.request.setText(ident.last_request if ident and ident.last_request else self.tr("nenhum"))
        if not view.tables:
            self.answer.setPlainText(self.tr("As tabelas do FreeRADIUS não existem neste banco: peça ao "
                                             "administrador para rodar `ispdesk radius schema`."))
        else:
            self.answer.setPlainText("\n".join(view.answer) or self.tr("Sem login de rede."))

    def _save(self) -> None:
        try:
            from ispdesk.services.contracts import get_contract

            number = get_contract(self.context.uow(), self.contract_id).number  # type: ignore[arg-type]
            network.set_identity(self.context.uow(), number, self.login.text(), self.password.text() or None,
                                 fixed_ip=self.ip.text(), mac=self.mac.text())
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Rede"), exc.message)
            return
        self.context.events.changed.emit("contract")
        self.reload()
