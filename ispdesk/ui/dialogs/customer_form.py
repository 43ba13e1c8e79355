"""The customer form (Designer form ``ui/customer_form.ui``): masks, inline validation, history.

Every check is the service's (`customers.check_draft`): the form calls it when a field loses focus
and shows each message under its field; saving runs the same checks again in the service.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError, ConflictError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import CustomerStatus
from ispdesk.services import customers as customer_service
from ispdesk.services.customers import CustomerDraft, CustomerRow, SaveResult
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.forms.loader import load_form
from ispdesk.ui.widgets.audit_history import AuditHistoryWidget, format_datetime
from ispdesk.ui.widgets.customer_contracts import CustomerContractsPanel
from ispdesk.ui.widgets.fields import DateEdit, FieldWithError, MaskedLineEdit
from ispdesk.ui.widgets.message_panels import CustomerMessagesPanel
from ispdesk.ui.window_state import fit_to_screen, screen_of

Ui_CustomerForm = load_form("customer_form", "Ui_CustomerForm")

#: Error-field key of the service → objectName of the widget in the form.
FIELD_WIDGETS: dict[str, str] = {
    "nome": "nameEdit",
    "cpf_cnpj": "documentEdit",
    "tipo_pessoa": "personTypeCombo",
    "rg_ie": "rgIeEdit",
    "data_nascimento": "birthDateEdit",
    "email": "emailEdit",
    "email_secundario": "secondaryEmailEdit",
    "celular": "mobileEdit",
    "telefone": "phoneEdit",
    "cep": "cepEdit",
    "endereco": "streetEdit",
    "numero": "numberEdit",
    "complemento": "complementEdit",
    "bairro": "districtEdit",
    "cidade": "cityEdit",
    "uf": "stateCombo",
    "hotsite_login": "portalLoginEdit",
    "hotsite_senha": "portalPasswordEdit",
    "status": "statusCombo",
    "observacao": "notesEdit",
}

UF_LIST = sorted(customer_service.UFS)
WARNING_STYLE = "background: #fff4ce; color: #5c4400; border: 1px solid #e0c36a; padding: 4px;"
CONFLICT_STYLE = "background: #fde7e9; color: #8a0010; border: 1px solid #d9a0a6; padding: 4px;"


class CustomerForm(RememberingDialog):
    """Create or edit a customer.

    objectName ``customerForm``; fields as in `FIELD_WIDGETS`; each error label is
    ``<field objectName>Error``; ``warningLabel`` (duplicates allowed by the parameters),
    ``conflictLabel`` + ``reloadButton`` (someone else saved meanwhile), ``buttonBox``,
    ``auditHistory`` in the Histórico tab.

    Attributes:
        customer: the loaded customer (None for a new one); after saving, the saved row.
        save_result: the `SaveResult` after a successful save (warnings included).
    """

    CHECK_DELAY_MS = 250

    def __init__(self, context: AppContext, customer_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ui = Ui_CustomerForm()
        self.ui.setupUi(self)
        self.setObjectName("customerForm")
        self.customer: CustomerRow | None = None
        self.save_result: SaveResult | None = None
        self._touched: set[str] = set()
        self._filling = False
        self._shown_all = False
        self._boxes: dict[str, FieldWithError] = {}
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(self.CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self._setup_widgets()
        self.history = AuditHistoryWidget(context, "customer", None, self.ui.historyTab)
        self.ui.historyLayout.addWidget(self.history)
        self.contracts_panel = CustomerContractsPanel(context, self.ui.formTabs)
        self.contracts_tab_index = self.ui.formTabs.addTab(self.contracts_panel, self.tr("Con&tratos e cobranças"))
        self.messages_panel = CustomerMessagesPanel(context, self.ui.formTabs)  # delivery log (issue 14)
        self.messages_tab_index = self.ui.formTabs.addTab(self.messages_panel, self.tr("Mensagens"))
        self.ui.formTabs.setTabEnabled(self.messages_tab_index, False)
        if customer_id is not None:
            self.load(customer_id)
        else:
            self._set_header()
        (self.ui.documentEdit if customer_id is None else self.ui.nameEdit).setFocus()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # ------------------------------------------------------------------------------- set-up
    def _setup_widgets(self) -> None:
        ui = self.ui
        ui.personTypeCombo.addItem(self.tr("Automático (pelo documento)"), None)
        ui.personTypeCombo.addItem(self.tr("Pessoa física (CPF)"), "F")
        ui.personTypeCombo.addItem(self.tr("Pessoa jurídica (CNPJ)"), "J")
        ui.statusCombo.addItem(self.tr("Ativo"), CustomerStatus.ATIVO)
        ui.statusCombo.addItem(self.tr("Inativo"), CustomerStatus.INATIVO)
        ui.stateCombo.addItem("", "")
        for uf in UF_LIST:
            ui.stateCombo.addItem(uf, uf)
        ui.mobileEdit.setPlaceholderText("(00) 90000-0000")
        ui.emailEdit.setPlaceholderText(self.tr("nome@dominio.com.br"))
        ui.portalPasswordEdit.setPlaceholderText(self.tr("mínimo de 6 caracteres"))
        for key, name in FIELD_WIDGETS.items():
            widget = self.findChild(QWidget, name)
            assert widget is not None, name
            self._wrap(key, widget)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Salvar"))
        self.ui.buttonBox.accepted.connect(self.save)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.activated.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.warningLabel.setStyleSheet(WARNING_STYLE)
        self.ui.warningLabel.hide()
        self.ui.conflictLabel.setStyleSheet(CONFLICT_STYLE)
        self.ui.conflictLabel.hide()
        self.ui.reloadButton.hide()
        self.ui.reloadButton.clicked.connect(self._reload_after_conflict)
        self.ui.personTypeCombo.currentIndexChanged.connect(lambda _i: self._touch("tipo_pessoa"))
        self.ui.statusCombo.currentIndexChanged.connect(lambda _i: self._touch("status"))
        self.ui.stateCombo.currentIndexChanged.connect(lambda _i: self._touch("uf"))
        self.ui.documentEdit.textChanged.connect(self._document_typed)
        self.ui.dataGrid.setRowStretch(3, 1)
        self.resize(1000, 660)

    def _wrap(self, key: str, widget: QWidget) -> None:
        """Put `widget` inside a `FieldWithError` at the same place of its form layout."""
        form = self._form_holding(widget)
        if form is not None:
            position: Any = form.getWidgetPosition(widget)
            row, role = position
            form.removeWidget(widget)
            box = FieldWithError(widget)
            form.setWidget(row, role, box)
        else:  # the notes box sits in the grid
            grid = self.ui.dataGrid
            r, c, rs, cs = grid.getItemPosition(grid.indexOf(widget))
            grid.removeWidget(widget)
            box = FieldWithError(widget)
            grid.addWidget(box, r, c, rs, cs)
        self._boxes[key] = box
        if isinstance(widget, DateEdit | QLineEdit):
            widget.editingFinished.connect(lambda k=key: self._touch(k))
        # a message goes away as soon as the field is corrected (re-checked while typing, debounced)
        changed = getattr(widget, "valueChanged", None) if isinstance(widget, DateEdit) else \
            getattr(widget, "textChanged", None)
        if changed is not None:
            changed.connect(lambda *_a, k=key: self._recheck_shown(k))

    def _recheck_shown(self, key: str) -> None:
        if not self._filling and self._boxes[key].error():
            self._check_timer.start()

    def _form_holding(self, widget: QWidget) -> QFormLayout | None:
        for form in (self.ui.leftForm, self.ui.rightForm):
            position: Any = form.getWidgetPosition(widget)
            if position[0] >= 0:
                return form
        return None

    def _document_typed(self, text: str) -> None:
        hint = self.tr("CPF") if len(self.ui.documentEdit.value()) <= 11 and self.ui.documentEdit.value().isdigit() \
            else self.tr("CNPJ")
        self.ui.documentLabel.setText(self.tr("CPF/&CNPJ ({kind}):").format(kind=hint) if text else
                                      self.tr("CPF/&CNPJ:"))

    # -------------------------------------------------------------------------------- data
    def _set_header(self) -> None:
        c = self.customer
        if c is None:
            self.setWindowTitle(self.tr("Novo cliente"))
            self.ui.headerLabel.setText(self.tr("Novo cliente — o código é atribuído ao gravar."))
            self.ui.formTabs.setTabEnabled(1, False)
            self.ui.formTabs.setTabEnabled(self.contracts_tab_index, False)
            return
        self.setWindowTitle(self.tr("Cliente {code} — {name}").format(code=c.code, name=c.name))
        parts = [self.tr("Código {code}").format(code=c.code),
                 self.tr("cadastrado em {when} por {who}").format(when=format_datetime(c.created_at),
                                                                  who=c.created_by)]
        if c.updated_at is not None:
            parts.append(self.tr("alterado em {when} por {who}").format(when=format_datetime(c.updated_at),
                                                                        who=c.updated_by or ""))
        self.ui.headerLabel.setText(" · ".join(parts))
        self.ui.formTabs.setTabEnabled(1, True)
        self.ui.formTabs.setTabEnabled(self.contracts_tab_index, self.context.can(Permission.CONTRACTS_VIEW))

    def load(self, customer_id: uuid.UUID) -> None:
        """Read the customer and fill the form."""
        self.customer = customer_service.get_customer(self.context.uow(), customer_id)
        self.fill(self.customer.to_draft())
        if self.customer.has_portal_password:
            self.ui.portalPasswordEdit.setPlaceholderText(self.tr("senha definida — deixe em branco para manter"))
        self.history.entity_id = self.customer.id
        self.history.reload()
        if self.context.can(Permission.CONTRACTS_VIEW):
            self.contracts_panel.reload(self.customer.id)
            self.messages_panel.reload(self.customer.id)
            self.ui.formTabs.setTabEnabled(self.messages_tab_index, True)
        self._set_header()
        self._touched.clear()
        self._shown_all = False
        self._show_errors({}, [])
        can_edit = self.context.can(Permission.CUSTOMERS_EDIT)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save).setEnabled(can_edit)
        if not can_edit:
            self._make_read_only()

    def _make_read_only(self) -> None:
        """Users who may only view customers see the record without editable fields."""
        for box in self._boxes.values():
            field = box.field.line if isinstance(box.field, DateEdit) else box.field
            if isinstance(field, QLineEdit | QPlainTextEdit):
                field.setReadOnly(True)
            else:
                field.setEnabled(False)
        self.ui.birthDateEdit.button.setEnabled(False)
        self.ui.headerLabel.setText(self.ui.headerLabel.text() + " · " + self.tr("somente consulta"))

    def fill(self, draft: CustomerDraft) -> None:
        """Put `draft` in the fields (no validation is triggered)."""
        self._filling = True
        try:
            self._fill(draft)
        finally:
            self._filling = False

    def _fill(self, draft: CustomerDraft) -> None:
        ui = self.ui
        ui.personTypeCombo.setCurrentIndex(max(ui.personTypeCombo.findData(draft.person_type or None), 0))
        ui.documentEdit.set_value(draft.document)
        ui.nameEdit.setText(draft.name)
        ui.rgIeEdit.setText(draft.rg_ie)
        ui.birthDateEdit.set_value(draft.birth_date)
        ui.emailEdit.setText(draft.email)
        ui.secondaryEmailEdit.setText(draft.secondary_email)
        ui.mobileEdit.set_value(draft.mobile)
        ui.phoneEdit.set_value(draft.phone)
        ui.cepEdit.set_value(draft.cep)
        ui.streetEdit.setText(draft.street)
        ui.numberEdit.setText(draft.number)
        ui.complementEdit.setText(draft.complement)
        ui.districtEdit.setText(draft.district)
        ui.cityEdit.setText(draft.city)
        ui.stateCombo.setCurrentIndex(max(ui.stateCombo.findData(draft.state or ""), 0))
        ui.portalLoginEdit.setText(draft.portal_login)
        ui.portalPasswordEdit.clear()
        ui.statusCombo.setCurrentIndex(max(ui.statusCombo.findData(draft.status or CustomerStatus.ATIVO), 0))
        ui.notesEdit.setPlainText(draft.notes)

    def draft(self) -> tuple[CustomerDraft, dict[str, str]]:
        """The values typed, as a draft, plus the errors the widgets themselves found (a bad date)."""
        ui = self.ui
        local: dict[str, str] = {}
        try:
            birth = ui.birthDateEdit.value()
        except BusinessRuleError as exc:
            birth = None
            local["data_nascimento"] = exc.message
        draft = CustomerDraft(
            name=ui.nameEdit.text(),
            document=ui.documentEdit.text(),
            person_type=ui.personTypeCombo.currentData(),
            rg_ie=ui.rgIeEdit.text(),
            birth_date=birth,
            email=ui.emailEdit.text(),
            secondary_email=ui.secondaryEmailEdit.text(),
            mobile=ui.mobileEdit.text(),
            phone=ui.phoneEdit.text(),
            cep=ui.cepEdit.text(),
            street=ui.streetEdit.text(),
            number=ui.numberEdit.text(),
            complement=ui.complementEdit.text(),
            district=ui.districtEdit.text(),
            city=ui.cityEdit.text(),
            state=ui.stateCombo.currentData() or "",
            portal_login=ui.portalLoginEdit.text(),
            portal_password=ui.portalPasswordEdit.text() or None,
            status=ui.statusCombo.currentData() or CustomerStatus.ATIVO,
            notes=ui.notesEdit.toPlainText(),
        )
        return draft, local

    # -------------------------------------------------------------------------- validation
    def _touch(self, key: str) -> None:
        if self._filling:
            return
        self._touched.add(key)
        self._check_timer.start()

    def check(self) -> dict[str, str]:
        """Run the service's checks now; show the errors of the fields already visited (all after a save try).

        Returns:
            Every error found (shown or not), by field key.
        """
        self._check_timer.stop()
        draft, local = self.draft()
        try:
            errors, warnings = customer_service.check_draft(
                self.context.uow(), draft, self.customer.id if self.customer else None
            )
        except NotFound as exc:
            errors, warnings = {"nome": exc.message}, []
        errors = {**errors, **local}
        self._show_errors(errors, warnings)
        return errors

    def _show_errors(self, errors: dict[str, str], warnings: list[str] | tuple[str, ...]) -> None:
        for key, box in self._boxes.items():
            visible = self._shown_all or key in self._touched
            box.set_error(errors.get(key) if visible else None)
        unknown = [m for k, m in errors.items() if k not in self._boxes]
        lines = list(warnings) + unknown
        self.ui.warningLabel.setText("\n".join(lines))
        self.ui.warningLabel.setVisible(bool(lines))
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Make room for the messages (never shrinks, never beyond the screen)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        wanted = max(wanted, self.minimumSizeHint().height())
        where = screen_of(self)  # never self.screen(): see window_state.screen_of
        screen = where.availableGeometry().height() if where is not None else 900
        if wanted > self.height():
            self.resize(self.width(), min(wanted, screen - 40))

    def error_of(self, key: str) -> str:
        """The message shown under the field of `key` (``""`` when none)."""
        return self._boxes[key].error()

    def _focus_first_error(self, errors: dict[str, str]) -> None:
        for key in FIELD_WIDGETS:
            if key in errors:
                self._boxes[key].field.setFocus()
                if self.ui.formTabs.currentIndex() != 0:
                    self.ui.formTabs.setCurrentIndex(0)
                return

    # ------------------------------------------------------------------------------ saving
    def save(self) -> bool:
        """Check and save; on success emit ``changed("customer")`` and close. Returns True when saved."""
        self._shown_all = True
        self._check_timer.stop()
        draft, local = self.draft()
        if local:
            errors = self.check()
            self._focus_first_error(errors)
            return False
        try:
            if self.customer is None:
                result = customer_service.create_customer(self.context.uow(), draft)
            else:
                result = customer_service.update_customer(
                    self.context.uow(), self.customer.id, draft, self.customer.version
                )
        except ValidationError as exc:
            self._show_errors(exc.errors, [])
            self._focus_first_error(exc.errors)
            return False
        except ConflictError as exc:
            self.show_conflict(exc)
            return False
        except BusinessRuleError as exc:
            self.ui.warningLabel.setText(exc.message)
            self.ui.warningLabel.show()
            return False
        self.save_result = result
        self.customer = result.customer
        self.context.events.changed.emit("customer")
        self.accept()
        return True

    def done(self, result: int) -> None:
        """Close; no pending check may run after the dialog is gone."""
        self._check_timer.stop()
        super().done(result)

    def hideEvent(self, event: Any) -> None:
        self._check_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: Any) -> None:
        self._check_timer.stop()
        super().closeEvent(event)

    def show_conflict(self, exc: ConflictError) -> None:
        """Explain that someone else saved meanwhile, with what changed; offer to reload."""
        self.ui.conflictLabel.setText(exc.message)
        self.ui.conflictLabel.show()
        self.ui.reloadButton.show()
        self.ui.reloadButton.setFocus()

    def _reload_after_conflict(self) -> None:
        if self.customer is not None:
            self.load(self.customer.id)
        self.ui.conflictLabel.hide()
        self.ui.reloadButton.hide()

    def keyPressEvent(self, event: Any) -> None:
        """Enter in a one-line field moves on instead of saving by accident; Ctrl+Enter (or Ctrl+S) saves."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
                return
            focus = self.focusWidget()
            if isinstance(focus, QLineEdit | MaskedLineEdit | QComboBox):
                self.focusNextChild()
                return
            if isinstance(focus, QPlainTextEdit):
                return
        super().keyPressEvent(event)


def open_customer_form(context: AppContext, parent: QWidget | None, customer_id: uuid.UUID | None = None) -> bool:
    """Show the form modally; True when the customer was saved."""
    form = CustomerForm(context, customer_id, parent)
    saved = form.exec() == QDialog.DialogCode.Accepted
    form.deleteLater()
    return saved

