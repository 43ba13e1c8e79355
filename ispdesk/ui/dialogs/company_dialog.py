"""First run: the provider's data (razão social, CNPJ, address, contacts, logo) before the first contract."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain import company as company_rules
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services import company as company_service
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.company_fields import LogoField, uf_combo

ERROR_STYLE = "color: #b00020;"
PLACEHOLDERS = {"empresa_cnpj": "00.000.000/0000-00", "empresa_cep": "00000-000",
                "empresa_telefone": "(00) 0000-0000", "empresa_email": "atendimento@provedor.com.br",
                "empresa_endereco": "Rua, número — bairro"}


class CompanyDialog(RememberingDialog):
    """Dados da empresa: the same fields, checks and masks as Parâmetros › Empresa, saved at once.

    objectNames: ``companyDialog``, ``company_<parameter>`` (each field), ``company_<parameter>Error``,
    ``companyLogo``, ``companyMessage``, ``companyButtons``.

    Attributes:
        editors: parameter name → its input (QLineEdit; QComboBox for the UF).
        saved: the stored company after a successful save.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("companyDialog")
        self.setWindowTitle(self.tr("Dados da empresa"))
        self.saved: company_service.CompanyRow | None = None
        intro = QLabel(self.tr(
            "Informe os dados do provedor: eles saem no cabeçalho e nas assinaturas dos contratos, nos "
            "relatórios e nos avisos. Enquanto forem os do exemplo, os contratos em PDF não são gerados. "
            "Depois, altere-os em Configurações › Parâmetros › Empresa."), self)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        current = company_service.get_company(context.uow())
        for name in company_rules.FIELDS:
            spec = registry.BY_NAME[name]
            editor: QLineEdit | QComboBox
            if name == "empresa_uf":
                editor = uf_combo(self)
                editor.currentIndexChanged.connect(lambda _i, n=name: self._remask(n))
            else:
                editor = QLineEdit(self)
                editor.setPlaceholderText(PLACEHOLDERS.get(name, ""))
                editor.editingFinished.connect(lambda n=name: self._remask(n))
            editor.setObjectName(f"company_{name}")
            editor.setAccessibleName(spec.label)
            value = "" if current.example else current.values[name]
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            else:
                editor.setText(company_rules.display_field(name, value))
            error = QLabel(self)
            error.setObjectName(f"company_{name}Error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setMinimumHeight(error.fontMetrics().height())  # reserved: a message never moves the fields
            row = QWidget(self)
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(editor)
            column.addWidget(error)
            required = "" if name not in company_rules.REQUIRED else " *"
            label = QLabel(f"{spec.label}{required}:", self)
            label.setBuddy(editor)
            form.addRow(label, row)
            self.editors[name] = editor
            self.errors[name] = error
        self.logo = LogoField(self)
        self.logo.setObjectName("companyLogo")
        self.logo.set_png(current.logo_png)
        form.addRow(self.tr("Logotipo:"), self.logo)
        self.message = QLabel(self)
        self.message.setObjectName("companyMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.buttons.setObjectName("companyButtons")
        self.buttons.addButton(self.tr("&Salvar"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("&Agora não"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(680, 640)

    def _text(self, name: str) -> str:
        editor = self.editors[name]
        return str(editor.currentData() or "") if isinstance(editor, QComboBox) else editor.text()

    def _remask(self, name: str) -> None:
        editor = self.editors[name]
        try:
            value = company_rules.normalize_field(name, self._text(name))
        except BusinessRuleError as exc:
            self._set_error(name, exc.message if self._text(name).strip() else None)
            return
        self._set_error(name, None)
        if isinstance(editor, QLineEdit):
            editor.setText(company_rules.display_field(name, value))

    def _set_error(self, name: str, message: str | None) -> None:
        self.errors[name].setText(message or "")
        self.editors[name].setAccessibleDescription(message or "")

    def error_of(self, name: str) -> str:
        """The message shown under field `name` ("" when none)."""
        return self.errors[name].text()

    def save(self) -> bool:
        """Validate and store; True when saved (the dialog then closes)."""
        values = {name: self._text(name) for name in self.editors}
        try:
            self.saved = company_service.save_company(self.context.uow(), values,
                                                      logo_png=self.logo.png if self.logo.touched else
                                                      company_service.KEEP)
        except ValidationError as exc:
            for name in self.editors:
                self._set_error(name, exc.errors.get(name))
            other = [m for n, m in exc.errors.items() if n not in self.editors]
            self.message.setText("\n".join(other) or self.tr("Corrija os campos indicados em vermelho."))
            self.message.show()
            first = next((n for n in self.editors if n in exc.errors), None)
            if first is not None:
                self.editors[first].setFocus()
            return False
        self.message.hide()
        self.context.events.changed.emit("parameters")
        self.accept()
        return True


def ask_company_on_first_run(context: AppContext, parent: QWidget | None = None) -> bool:
    """Show `CompanyDialog` when the company is still the example one and the user may change it.

    Returns:
        True when the dialog was shown.
    """
    if not context.actor.can(Permission.PARAMS_EDIT) or not company_service.get_company(context.uow()).example:
        return False
    dialog = CompanyDialog(context, parent)
    dialog.exec()
    dialog.deleteLater()
    return True
