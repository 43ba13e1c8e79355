"""Configurações › Parâmetros › Parâmetros gerais: one tab per group, fields built from the registry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain import company as company_rules
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.parameters import Kind, ParameterSpec
from ispdesk.services import company as company_service
from ispdesk.services import parameters as params_service
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.company_fields import LogoField, uf_combo
from ispdesk.ui.widgets.fields import MoneyEdit
from ispdesk.ui.window_state import fit_to_screen

HELP_STYLE = "color: palette(placeholder-text);"
FLOOR_STYLE = "color: #7a4b00;"
ERROR_STYLE = "color: #b00020;"


def _editor(spec: ParameterSpec, parent: QWidget) -> QWidget:
    """The input widget for one parameter."""
    widget: QWidget
    if spec.kind is Kind.BOOL:
        widget = QCheckBox(parent.tr("Sim"), parent)
    elif spec.kind is Kind.INT:
        spin = QSpinBox(parent)
        spin.setRange(int(spec.minimum) if spec.minimum is not None else 0,
                      int(spec.maximum) if spec.maximum is not None else 9999)
        spin.setGroupSeparatorShown(True)
        spin.setMinimumWidth(90)
        widget = spin
    elif spec.kind is Kind.DECIMAL:
        money = MoneyEdit(parent)
        money.setMaximumWidth(130)
        widget = money
    elif spec.name == "empresa_uf":
        widget = uf_combo(parent)
    elif spec.kind is Kind.CHOICE:
        combo = QComboBox(parent)
        for value, label in spec.choices:
            combo.addItem(label, value)
        widget = combo
    else:
        line = QLineEdit(parent)
        if spec.secret:  # a password: typed, never shown
            line.setEchoMode(QLineEdit.EchoMode.Password)
        widget = line
    widget.setObjectName(f"param_{spec.name}")
    widget.setAccessibleName(spec.label)
    tip = spec.help
    if spec.legal_floor:
        tip = f"{tip}\n{spec.legal_floor}" if tip else spec.legal_floor
    widget.setToolTip(f"{tip}\n({spec.name})" if tip else spec.name)
    return widget


def _set(widget: QWidget, spec: ParameterSpec, value: Any) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, MoneyEdit):
        widget.set_value(Decimal(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QLineEdit):
        widget.setText(registry.display(spec.name, value) if spec.kind is Kind.DATE
                       else company_rules.display_field(spec.name, value))


def _get(widget: QWidget, spec: ParameterSpec) -> Any:
    """The typed value in `widget` (raises BusinessRuleError for a bad decimal)."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, MoneyEdit):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    assert isinstance(widget, QLineEdit)
    if spec.kind is Kind.DATE:
        return registry.parse_value(spec.name, widget.text())
    if spec.name in company_rules.FIELDS:
        return company_rules.normalize_field(spec.name, widget.text())
    return widget.text().strip()


class ParametersDialog(RememberingDialog):
    """Parâmetros gerais: tabs in `registry.TAB_ORDER` ("Cadastros" first), one field per `SPECS` entry.

    objectNames: ``parametersDialog``, ``parametersTabs``, ``param_<name>`` (each field),
    ``param_<name>Error`` (its message), ``param_<name>Floor`` (the legal floor), ``parametersMessage``.
    Saving calls `services.parameters.update` with the changed values only.

    Attributes:
        editors: parameter name → input widget.
        saved: the full parameter values after a successful save.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("parametersDialog")
        self.setWindowTitle(self.tr("Parâmetros gerais"))
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.saved: dict[str, Any] | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("parametersTabs")
        self._tab_of: dict[str, int] = {}
        for tab_name in registry.TAB_ORDER:
            specs = [s for s in registry.SPECS if s.tab == tab_name]
            if specs:
                self._build_tab(tab_name, specs)
        self.message = QLabel(self)
        self.message.setObjectName("parametersMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("parametersButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Salvar"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr("Valores usados em todo o sistema. As alterações ficam registradas na auditoria."),
                       self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(780, 560)
        self.load()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def _build_tab(self, title: str, specs: list[ParameterSpec]) -> None:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in specs:
            editor = _editor(spec, page)
            row = QWidget(page)
            row_layout = QVBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 4)
            row_layout.setSpacing(1)
            line = QHBoxLayout()
            line.addWidget(editor, 0 if spec.kind is not Kind.TEXT or isinstance(editor, QComboBox) else 1)
            if spec.legal_floor:
                floor = QLabel(self.tr("Mínimo legal: {floor}").format(floor=spec.legal_floor)
                               if spec.minimum is not None and spec.maximum is None else spec.legal_floor, row)
                floor.setObjectName(f"param_{spec.name}Floor")
                floor.setStyleSheet(FLOOR_STYLE)
                floor.setWordWrap(True)
                line.addWidget(floor, 1)
            elif spec.kind is not Kind.TEXT or isinstance(editor, QComboBox):
                line.addStretch(1)
            row_layout.addLayout(line)
            error = QLabel(row)
            error.setObjectName(f"param_{spec.name}Error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            row_layout.addWidget(error)
            if spec.help:
                help_label = QLabel(spec.help, row)
                help_label.setWordWrap(True)
                help_label.setStyleSheet(HELP_STYLE)
                row_layout.addWidget(help_label)
            label = QLabel(spec.label + ":", page)
            label.setBuddy(editor)
            label.setToolTip(spec.name)
            form.addRow(label, row)
            self.editors[spec.name] = editor
            self.errors[spec.name] = error
            if spec.name in company_rules.FIELDS and isinstance(editor, QLineEdit):
                editor.editingFinished.connect(lambda n=spec.name: self._remask(n))
        if title == "Empresa":
            self.logo = LogoField(page)
            self.logo.setObjectName("param_empresa_logo")
            logo_label = QLabel(self.tr("&Logotipo:"), page)
            logo_label.setBuddy(self.logo.choose)
            form.insertRow(sum(1 for s in specs if s.name in company_rules.FIELDS), logo_label, self.logo)
        scroll = QScrollArea(self.tabs)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        scroll.setObjectName(f"parametersTab_{title}")
        self._tab_of.update({s.name: self.tabs.count() for s in specs})
        self.tabs.addTab(scroll, title)

    def _remask(self, name: str) -> None:
        """Show a company field masked (CNPJ, CEP, phone) once it is valid; else say what is wrong."""
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        try:
            value = company_rules.normalize_field(name, editor.text())
        except BusinessRuleError as exc:
            if editor.text().strip():
                self._set_error(name, exc.message)
            return
        self._set_error(name, None)
        editor.setText(company_rules.display_field(name, value))

    def load(self) -> None:
        """Show the stored values."""
        self.logo.set_png(company_service.get_company(self.context.uow()).logo_png)
        self.logo.touched = False
        self.values = params_service.get_all(self.context.uow())
        for name, editor in self.editors.items():
            _set(editor, registry.BY_NAME[name], self.values[name])
        self._show_errors({})

    def changes(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(changed values, errors found by the widgets themselves — a malformed decimal)."""
        changed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, editor in self.editors.items():
            spec = registry.BY_NAME[name]
            try:
                value = _get(editor, spec)
            except BusinessRuleError as exc:
                errors[name] = exc.message
                continue
            if value != self.values[name]:
                changed[name] = value
        return changed, errors

    def error_of(self, name: str) -> str:
        """The message shown under parameter `name`."""
        label = self.errors[name]
        return "" if label.isHidden() else label.text()

    def _set_error(self, name: str, message: str | None) -> None:
        label, editor = self.errors[name], self.editors[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        editor.setAccessibleDescription(message or "")
        if isinstance(editor, QLineEdit):
            editor.setStyleSheet("QLineEdit { border: 1px solid #b00020; border-radius: 2px; padding: 1px; }"
                                 if message else "")

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in self.errors:
            self._set_error(name, errors.get(name))
        other = [m for n, m in errors.items() if n not in self.errors]
        if errors:
            first = next(n for n in self.editors if n in errors) if any(n in self.editors for n in errors) else None
            if first is not None:
                self.tabs.setCurrentIndex(self._tab_of[first])
                self.editors[first].setFocus()
            text = "\n".join(other) if other else self.tr("Corrija os valores indicados em vermelho.")
            self.message.setText(text)
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.show()
        else:
            self.message.hide()

    def save(self) -> bool:
        """Validate and save the changed parameters; True when saved (the dialog then closes)."""
        changed, errors = self.changes()
        if errors:
            self._show_errors(errors)
            return False
        if changed or self.logo.touched:
            try:
                if self.logo.touched:
                    company_service.save_company(self.context.uow(), {}, logo_png=self.logo.png)
                    self.logo.touched = False
                self.saved = params_service.update(self.context.uow(), changed) if changed else dict(self.values)
            except ValidationError as exc:
                self._show_errors(exc.errors)
                return False
            except BusinessRuleError as exc:
                self._show_errors({"": exc.message})
                return False
            self.context.events.changed.emit("parameters")
        else:
            self.saved = dict(self.values)
        self.accept()
        return True


def open_parameters_dialog(window: QWidget) -> None:
    """Menu handler: open the dialog over the main window."""
    dialog = ParametersDialog(window.context, window)  # type: ignore[attr-defined]
    dialog.exec()
    dialog.deleteLater()
