"""The contract form (objectName ``contractForm``): new contract or an existing one.

Every date of the contract is shown: activation (typed only on a new contract, read-only once set),
billing base date, paid-until (always read-only: computed from the payments), renewal and loyalty
expiration (changed by the Renovar action), cancellation. Plan, value and due day of an active
contract change through the plan-change wizard. The registered `CONTRACT_PANELS` (charges, access
history, documents …) appear as tabs next to "Dados" and "Histórico"; the buttons are Salvar,
Ativar… (pre-contracts only), Renovar…, the *frequent* registered `CONTRACT_ACTIONS` (objectName =
the spec's) and "Mais ações" (``contractFormMoreActions``) with every action; each is enabled by
permission and by the contract's state, a disabled one saying why in its tooltip. Rules live in
`ispdesk.services.contracts`; this form shows their messages next to the field at fault.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.documents import mask_document
from ispdesk.domain.errors import BusinessRuleError, ConflictError, ValidationError
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import catalogs, contracts, plans
from ispdesk.services.catalogs import CatalogKind
from ispdesk.services.contracts import ContractDraft, ContractRow
from ispdesk.services.customer_search import search_customers
from ispdesk.ui import contract_states, registry
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.audit_history import AuditHistoryWidget
from ispdesk.ui.widgets.contract_actions import ContractActions
from ispdesk.ui.widgets.fields import DateEdit, FieldWithError, MoneyEdit
from ispdesk.ui.window_state import fit_to_screen


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContractForm", text)


class CustomerPicker(QWidget):
    """Search a customer by name, CPF/CNPJ or code and pick one.

    objectNames: ``contractCustomerSearch`` (the text) and ``contractCustomer`` (the matches).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.search = QLineEdit(self)
        self.search.setObjectName("contractCustomerSearch")
        self.search.setPlaceholderText(self.tr("Nome, CPF/CNPJ ou código do cliente"))
        self.search.setAccessibleName(self.tr("Buscar cliente"))
        self.combo = QComboBox(self)
        self.combo.setObjectName("contractCustomer")
        self.combo.setAccessibleName(self.tr("Cliente"))
        self.combo.setMinimumContentsLength(24)
        self.search.setMinimumWidth(200)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.combo, 2)
        self.search.textChanged.connect(self.refresh)
        self.setFocusProxy(self.search)

    def refresh(self, text: str = "") -> None:
        """List the first 30 customers matching the typed text."""
        self.combo.clear()
        if not text.strip():
            return
        try:
            rows = search_customers(self.context.uow(), text, limit=30)
        except BusinessRuleError:
            return
        for r in rows:
            doc = mask_document(r.document) if r.document else self.tr("sem documento")
            suffix = "" if r.status == ContractStatus.ATIVO else f" — {r.status}"
            self.combo.addItem(f"{r.code} — {r.name} ({doc}){suffix}", r.id)

    def set_customer(self, customer_id: uuid.UUID, label: str) -> None:
        """Preselect a customer."""
        self.combo.clear()
        self.combo.addItem(label, customer_id)

    def customer_id(self) -> uuid.UUID | None:
        """The chosen customer, or None."""
        data = self.combo.currentData()
        return data if isinstance(data, uuid.UUID) else None


def _read_only(widget: QLineEdit) -> QLineEdit:
    widget.setReadOnly(True)
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return widget


class ContractForm(RememberingDialog):
    """New or existing contract; `saved` tells whether anything was written.

    Attributes:
        contract: the contract shown (None while new and unsaved).
        saved: True after a successful save or action.
    """

    def __init__(self, context: AppContext, contract_id: uuid.UUID | None = None,
                 parent: QWidget | None = None, customer_id: uuid.UUID | None = None,
                 customer_label: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("contractForm")
        self.context = context
        self.contract: ContractRow | None = None
        self.saved = False
        self.panels: list[QWidget] = []
        self.resize(940, 680)
        self._build()
        if contract_id is not None:
            self.load(contract_id)
        else:
            self._init_new(customer_id, customer_label)
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # ------------------------------------------------------------------------------- layout
    def _field(self, widget: QWidget, name: str, accessible: str) -> FieldWithError:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        wrapped = FieldWithError(widget, self)
        self.errors_by_field[name] = wrapped
        return wrapped

    def _build(self) -> None:
        self.errors_by_field: dict[str, FieldWithError] = {}
        self.header = QLabel(self)
        self.header.setObjectName("contractHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.header.setFont(font)
        self.subheader = QLabel(self)
        self.subheader.setObjectName("contractSubheader")
        self.subheader.setWordWrap(True)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("contractFormTabs")
        data = QWidget(self.tabs)
        data.setObjectName("contractDataTab")

        self.customer_picker = CustomerPicker(self.context, data)
        self.customer_label = QLabel(data)
        self.customer_label.setObjectName("contractCustomerLabel")
        self.customer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plan = QComboBox(data)
        self.value = MoneyEdit(data)
        self.due_day = QSpinBox(data)
        self.due_day.setRange(1, 28)
        self.payment_term = QComboBox(data)
        self.billing_type = QComboBox(data)
        self.inclusion_reason = QComboBox(data)
        self.loyalty_months = QSpinBox(data)
        self.loyalty_months.setRange(0, 60)
        self.loyalty_months.setSuffix(self.tr(" meses"))
        self.loyalty_benefit = MoneyEdit(data)
        self.notes = QPlainTextEdit(data)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.activated_on = DateEdit(data)
        self.billing_base_date = DateEdit(data)
        self.created_at = _read_only(QLineEdit(data))
        self.paid_until = _read_only(QLineEdit(data))
        self.renewed_on = _read_only(QLineEdit(data))
        self.loyalty_expires_on = _read_only(QLineEdit(data))
        self.cancelled_on = _read_only(QLineEdit(data))
        for widget, name, label in (
            (self.created_at, "contractCreatedAt", "Criado em"),
            (self.paid_until, "contractPaidUntil", "Pago até"),
            (self.renewed_on, "contractRenewedOn", "Data de renovação"),
            (self.loyalty_expires_on, "contractLoyaltyExpiresOn", "Expiração da fidelidade"),
            (self.cancelled_on, "contractCancelledOn", "Cancelamento"),
        ):
            widget.setObjectName(name)
            widget.setAccessibleName(self.tr(label))
        self.paid_until.setToolTip(self.tr("Calculado pelos pagamentos; não pode ser digitado."))

        left = QFormLayout()
        self._left_form = left
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(self.tr("Cliente"), self.customer_picker)
        self.customer_picker_error = self._field(QLabel(data), "contractCustomerField", self.tr("Cliente"))
        left.addRow("", self.customer_picker_error)
        left.addRow(self.tr("Titular"), self.customer_label)
        left.addRow(self.tr("Plano"), self._field(self.plan, "contractPlan", self.tr("Plano")))
        left.addRow(self.tr("Valor mensal (R$)"), self._field(self.value, "contractValue", self.tr("Valor mensal")))
        left.addRow(self.tr("Dia de vencimento"), self._field(self.due_day, "contractDueDay",
                                                               self.tr("Dia de vencimento")))
        left.addRow(self.tr("Condição de pagamento"), self._field(self.payment_term, "contractPaymentTerm",
                                                                   self.tr("Condição de pagamento")))
        left.addRow(self.tr("Tipo de cobrança"), self._field(self.billing_type, "contractBillingType",
                                                              self.tr("Tipo de cobrança")))
        left.addRow(self.tr("Motivo de inclusão"), self._field(self.inclusion_reason, "contractInclusionReason",
                                                                self.tr("Motivo de inclusão")))
        left.addRow(self.tr("Fidelidade"), self._field(self.loyalty_months, "contractLoyaltyMonths",
                                                        self.tr("Fidelidade em meses")))
        left.addRow(self.tr("Benefício da fidelidade (R$)"),
                    self._field(self.loyalty_benefit, "contractLoyaltyBenefit", self.tr("Benefício da fidelidade")))
        notes = self._field(self.notes, "contractNotes", self.tr("Observação"))
        notes.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        left.addRow(self.tr("Observação"), notes)

        dates_box = QGroupBox(self.tr("Datas"), data)
        dates_box.setObjectName("contractDatesBox")
        dates = QFormLayout(dates_box)
        dates.addRow(self.tr("Criado em"), self.created_at)
        dates.addRow(self.tr("Ativação"), self._field(self.activated_on, "contractActivatedOn",
                                                       self.tr("Data de ativação")))
        dates.addRow(self.tr("Data base financeira"), self._field(self.billing_base_date, "contractBillingBaseDate",
                                                                   self.tr("Data base financeira")))
        dates.addRow(self.tr("Pago até"), self.paid_until)
        dates.addRow(self.tr("Renovação"), self.renewed_on)
        dates.addRow(self.tr("Expiração da fidelidade"), self.loyalty_expires_on)
        dates.addRow(self.tr("Cancelamento"), self.cancelled_on)
        self.hint = QLabel(data)
        self.hint.setObjectName("contractHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")

        grid = QGridLayout(data)
        grid.addLayout(left, 0, 0, 2, 1)
        grid.addWidget(dates_box, 0, 1)
        grid.addWidget(self.hint, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.tabs.addTab(data, self.tr("Dados"))

        self.save_button = QPushButton(self.tr("&Salvar"), self)
        self.save_button.setObjectName("contractSave")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Salvar as alterações (Ctrl+S)"))
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.activate_button = QPushButton(self.tr("&Ativar…"), self)
        self.activate_button.setObjectName("contractActivate")
        self.renew_button = QPushButton(self.tr("&Renovar…"), self)
        self.renew_button.setObjectName("contractRenew")
        self.renew_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.contract_actions = ContractActions(self, self.context, self._run_action, lambda name: name,
                                                "contractForm")
        self.action_buttons: dict[str, QAction] = self.contract_actions.actions
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(4)
        for button in (self.activate_button, self.renew_button, *self.contract_actions.buttons.values(),
                       self.contract_actions.more_button):
            self.actions_row.addWidget(button)
        self.actions_row.addStretch(1)
        self.buttons = QDialogButtonBox(self)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Fechar"))
        close.setObjectName("contractClose")
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.activate_button.clicked.connect(self.activate)
        self.renew_button.clicked.connect(self.renew)
        self.plan.currentIndexChanged.connect(self._plan_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addLayout(self.actions_row, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------------------- data
    def _fill_catalogs(self, current: ContractRow | None) -> None:
        plan_rows = plans.list_plans(self.context.uow())
        lists = {k: catalogs.list_entries(self.context.uow(), k)
                 for k in (CatalogKind.PAYMENT_TERM, CatalogKind.BILLING_TYPE, CatalogKind.INCLUSION)}
        self._plans = {p.code: p for p in plan_rows}
        self.plan.blockSignals(True)
        self.plan.clear()
        for p in plan_rows:
            if p.active or (current is not None and current.plan_code == p.code):
                self.plan.addItem(p.label + ("" if p.active else self.tr(" (inativo)")), p.code)
        self.plan.setCurrentIndex(-1 if current is None else self.plan.findData(current.plan_code))
        self.plan.blockSignals(False)
        for combo, kind, code in (
            (self.payment_term, CatalogKind.PAYMENT_TERM, current.payment_term_code if current else "MENSAL"),
            (self.billing_type, CatalogKind.BILLING_TYPE, current.billing_type_code if current else None),
            (self.inclusion_reason, CatalogKind.INCLUSION, current.inclusion_reason_code if current else "NOVO"),
        ):
            combo.clear()
            combo.addItem(self.tr("— nenhum —"), None)
            for e in lists[kind]:
                if e.active or e.code == code:
                    combo.addItem(e.label, e.code)
            combo.setCurrentIndex(max(0, combo.findData(code)) if code else 0)

    def _init_new(self, customer_id: uuid.UUID | None, customer_label: str) -> None:
        self.setWindowTitle(self.tr("Novo contrato"))
        self.header.setText(self.tr("Novo contrato"))
        self.subheader.setText(self.tr("Sem data de ativação o contrato fica como pré-contrato até ser ativado "
                                       "(na instalação ou na assinatura)."))
        self._fill_catalogs(None)
        from ispdesk.services import parameters

        params = parameters.get_all(self.context.uow())
        self.due_day.setValue(int(params["dia_vencimento_padrao"]))
        self._left_form.setRowVisible(self.customer_label, False)
        if customer_id is not None:
            self.customer_picker.set_customer(customer_id, customer_label or str(customer_id))
        for w in (self.created_at, self.paid_until, self.renewed_on, self.loyalty_expires_on, self.cancelled_on):
            w.setText("—")
        self.activate_button.hide()
        self.renew_button.hide()
        self.contract_actions.hide_all()
        self.save_button.setEnabled(self.context.can(Permission.CONTRACTS_CREATE))
        self.hint.setText(self.tr("Plano, valor e fidelidade vêm do plano escolhido (ou dos parâmetros) e podem ser "
                                  "alterados. Pessoa física: fidelidade de no máximo 12 meses (Anatel)."))
        self.customer_picker.setFocus()

    def load(self, contract_id: uuid.UUID) -> None:
        """Show the contract `contract_id` (read again from the database)."""
        c = contracts.get_contract(self.context.uow(), contract_id)
        first_load = self.contract is None
        self.contract = c
        self._clear_errors()
        self.setWindowTitle(self.tr("Contrato {n}").format(n=c.number))
        self.header.setText(self.tr("Contrato {n} — {name}").format(n=c.number, name=c.customer_name))
        self.subheader.setText(self.tr("Situação: {s} · Acesso: {a} · Plano {p}").format(
            s=c.status_label, a=c.access_status_label, p=c.plan_code))
        self._left_form.setRowVisible(self.customer_picker, False)
        self._left_form.setRowVisible(self.customer_picker_error, False)
        doc = mask_document(c.customer_document) if c.customer_document else self.tr("sem documento")
        self.customer_label.setText(f"{c.customer_code} — {c.customer_name} ({doc})")
        self._fill_catalogs(c)
        self.value.set_value(c.value)
        self.due_day.setValue(c.due_day)
        self.loyalty_months.setValue(c.loyalty_months)
        self.loyalty_benefit.set_value(c.loyalty_benefit)
        self.notes.setPlainText(c.notes or "")
        self.activated_on.set_value(c.activated_on)
        self.billing_base_date.set_value(c.billing_base_date)
        self.created_at.setText(c.created_at.astimezone().strftime("%d/%m/%Y %H:%M"))
        self.paid_until.setText(format_date(c.paid_until) or "—")
        self.renewed_on.setText(format_date(c.renewed_on) or "—")
        self.loyalty_expires_on.setText(format_date(c.loyalty_expires_on) or self.tr("sem fidelidade"))
        cancel = format_date(c.cancelled_on)
        if cancel and c.cancellation_reason_code:
            cancel += f" ({c.cancellation_reason_code})"
        self.cancelled_on.setText(cancel or "—")
        self._apply_state()
        if first_load:
            self._add_panels(c.id)
        else:
            for panel in self.panels:
                reload = getattr(panel, "reload", None)
                if callable(reload):
                    reload()

    def _apply_state(self) -> None:
        c = self.contract
        assert c is not None
        can_edit = self.context.can(Permission.CONTRACTS_EDIT)
        closed = c.status in (ContractStatus.CANCELADO, ContractStatus.NEGATIVADO)
        active = c.status == ContractStatus.ATIVO
        self.activated_on.setEnabled(False)
        self.activated_on.setToolTip(self.tr("A data de ativação é definida uma única vez e nunca muda."))
        for w in (self.plan, self.value, self.due_day):
            w.setEnabled(can_edit and c.status == ContractStatus.PRE_CONTRATO)
        for w in (self.payment_term, self.billing_type, self.inclusion_reason, self.loyalty_months,
                  self.loyalty_benefit):
            w.setEnabled(can_edit and not closed)
        self.billing_base_date.setEnabled(can_edit and active)
        self.notes.setReadOnly(not can_edit)
        self.save_button.setEnabled(can_edit)
        self.activate_button.setVisible(c.status == ContractStatus.PRE_CONTRATO)
        self.activate_button.setEnabled(self.context.can(Permission.CONTRACTS_ACTIVATE))
        renew_reason = contract_states.renew(c) if self.context.can(Permission.CONTRACTS_RENEW) else self.tr(
            "seu perfil não tem permissão para renovar.")
        self.renew_button.setEnabled(renew_reason is None)
        self.renew_button.setToolTip(self.tr("Renovar a fidelidade (Ctrl+Shift+R)") + (
            "\n" + self.tr("Indisponível: {r}").format(r=renew_reason) if renew_reason else ""))
        self.activate_button.setToolTip(self.tr("Ativar o pré-contrato na data da instalação"))
        self.contract_actions.show_all()
        self.contract_actions.update([c])
        hints = []
        if active:
            hints.append(self.tr("Plano, valor e dia de vencimento de contrato ativo mudam pela Alteração de plano "
                                 "(wizard), que registra o tipo e a data da mudança."))
        if closed:
            hints.append(self.tr("Contrato encerrado: só a observação pode ser alterada."))
        hints.append(self.tr("“Pago até” é calculado pelos pagamentos. A renovação recomeça a fidelidade e mantém "
                             "a data de ativação."))
        self.hint.setText("\n".join(hints))

    def _add_panels(self, contract_id: uuid.UUID) -> None:
        for spec in sorted(registry.CONTRACT_PANELS, key=lambda s: (s.order, s.title)):
            if spec.permission is not None and not self.context.can(spec.permission):
                continue
            panel = spec.factory(self.context, contract_id, self.tabs)
            if not panel.objectName():
                panel.setObjectName(spec.object_name)
            self.panels.append(panel)
            self.tabs.addTab(panel, spec.title)
        if self.context.can(Permission.AUDIT_VIEW):
            self.history = AuditHistoryWidget(self.context, "contract", contract_id, self.tabs)
            self.panels.append(self.history)
            self.tabs.addTab(self.history, self.tr("Histórico"))

    def _plan_changed(self, _index: int) -> None:
        code = self.plan.currentData()
        plan = self._plans.get(code) if code else None
        if plan is None:
            return
        self.value.set_value(plan.price)
        if plan.loyalty_months > 0:
            self.loyalty_months.setValue(plan.loyalty_months)
            self.loyalty_benefit.set_value(plan.loyalty_benefit)
        elif self.contract is None:
            from ispdesk.services import parameters

            params = parameters.get_all(self.context.uow())
            self.loyalty_months.setValue(int(params["fidelidade_meses_padrao"]))
            self.loyalty_benefit.set_value(Decimal(params["beneficio_fidelidade_padrao"]))

    # ------------------------------------------------------------------------------- errors
    _FIELD_OF = {
        "cliente": "contractCustomerField", "plano": "contractPlan", "valor": "contractValue",
        "dia_vencimento": "contractDueDay", "condicao_pagamento": "contractPaymentTerm",
        "tipo_cobranca": "contractBillingType", "motivo_inclusao": "contractInclusionReason",
        "fidelidade_meses": "contractLoyaltyMonths", "beneficio_fidelidade": "contractLoyaltyBenefit",
        "observacao": "contractNotes", "data_ativacao": "contractActivatedOn",
        "data_base_financeira": "contractBillingBaseDate",
    }

    def _clear_errors(self) -> None:
        for wrapped in self.errors_by_field.values():
            wrapped.set_error(None)

    def show_error(self, exc: BusinessRuleError) -> None:
        """Put the message next to its field (or in a message box when it has none)."""
        errors = exc.errors if isinstance(exc, ValidationError) else {exc.field or "": exc.message}
        shown = False
        for name, message in errors.items():
            target = self.errors_by_field.get(self._FIELD_OF.get(name, ""))
            if target is not None:
                target.set_error(message)
                if not shown:
                    self.tabs.setCurrentIndex(0)
                    target.field.setFocus()
                shown = True
        if not shown:
            QMessageBox.warning(self, self.windowTitle(), exc.message)

    def _money(self, edit: MoneyEdit, field: str) -> Decimal:
        try:
            value = edit.value()
        except BusinessRuleError as exc:
            raise ValidationError({field: exc.message}) from None
        return value if value is not None else Decimal("0")

    def _date(self, edit: DateEdit, field: str) -> date | None:
        if edit.error():
            raise ValidationError({field: edit.error()})
        return edit.value()

    # ------------------------------------------------------------------------------- actions
    def save(self) -> bool:
        """Create or update; True when written."""
        self._clear_errors()
        try:
            if self.contract is None:
                customer_id = self.customer_picker.customer_id()
                if customer_id is None:
                    raise ValidationError({"cliente": self.tr("Escolha o cliente: digite o nome, o CPF/CNPJ ou o "
                                                              "código e selecione-o na lista.")})
                draft = ContractDraft(
                    customer_id=customer_id, plan_code=self.plan.currentData(),
                    value=self._money(self.value, "valor"),
                    activated_on=self._date(self.activated_on, "data_ativacao"),
                    billing_base_date=self._date(self.billing_base_date, "data_base_financeira"),
                    due_day=self.due_day.value(), payment_term=self.payment_term.currentData(),
                    billing_type=self.billing_type.currentData(),
                    inclusion_reason=self.inclusion_reason.currentData(),
                    loyalty_months=self.loyalty_months.value(),
                    loyalty_benefit=self._money(self.loyalty_benefit, "beneficio_fidelidade"),
                    notes=self.notes.toPlainText(),
                )
                row = contracts.create_contract(self.context.uow(), draft)
                self.saved = True
                self.context.events.changed.emit("contract")
                self.load(row.id)
                return True
            c = self.contract
            changes: dict[str, Any] = {
                "payment_term": self.payment_term.currentData(), "billing_type": self.billing_type.currentData(),
                "inclusion_reason": self.inclusion_reason.currentData(), "notes": self.notes.toPlainText(),
                "loyalty_months": self.loyalty_months.value(),
                "loyalty_benefit": self._money(self.loyalty_benefit, "beneficio_fidelidade"),
            }
            if c.status == ContractStatus.PRE_CONTRATO:
                changes.update(plan_code=self.plan.currentData(), value=self._money(self.value, "valor"),
                               due_day=self.due_day.value())
            if c.status == ContractStatus.ATIVO:
                changes["billing_base_date"] = self._date(self.billing_base_date, "data_base_financeira")
            if c.status in (ContractStatus.CANCELADO, ContractStatus.NEGATIVADO):
                changes = {"notes": changes["notes"]}
            current = {"payment_term": c.payment_term_code, "billing_type": c.billing_type_code,
                       "inclusion_reason": c.inclusion_reason_code, "notes": c.notes or "",
                       "loyalty_months": c.loyalty_months, "loyalty_benefit": c.loyalty_benefit,
                       "plan_code": c.plan_code, "value": c.value, "due_day": c.due_day,
                       "billing_base_date": c.billing_base_date}
            changes = {k: v for k, v in changes.items() if current.get(k) != v}
            if not changes:
                return True
            row = contracts.update_contract(self.context.uow(), c.id, changes, c.version)
        except ConflictError as exc:
            detail = "\n".join(exc.changes)
            QMessageBox.warning(self, self.windowTitle(), exc.message + (f"\n\n{detail}" if detail else ""))
            return False
        except BusinessRuleError as exc:
            self.show_error(exc)
            return False
        self.saved = True
        self.context.events.changed.emit("contract")
        self.load(row.id)
        return True

    def activate(self) -> bool:
        """Ask for the activation date and activate the pre-contract."""
        if self.contract is None:
            return False
        dialog = DateAskDialog(self.tr("Ativar contrato {n}").format(n=self.contract.number),
                               self.tr("Data da ativação (instalação). Ela é definitiva: nunca mais muda."),
                               "activateDialog", self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            contracts.activate_contract(self.context.uow(), self.contract.id, dialog.value())
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return False
        self.saved = True
        self.context.events.changed.emit("contract")
        self.load(self.contract.id)
        return True

    def renew(self) -> bool:
        """Open the renewal dialog (an explicit act of the customer)."""
        if self.contract is None:
            return False
        dialog = RenewDialog(self.contract, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            contracts.renew_contract(self.context.uow(), self.contract.id, dialog.date_edit.value(),
                                     dialog.months.value(), dialog.benefit.value())
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return False
        self.saved = True
        self.context.events.changed.emit("contract")
        self.load(self.contract.id)
        return True

    def _run_action(self, spec: registry.ContractActionSpec) -> None:
        if self.contract is None or not self.action_buttons[spec.object_name].isEnabled():
            return
        if spec.handler(self, self.context, [self.contract.id]):
            self.saved = True
            self.context.events.changed.emit("contract")
            self.load(self.contract.id)


class DateAskDialog(RememberingDialog):
    """Asks one date (default: today)."""

    def __init__(self, title: str, text: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName(object_name + "Date")
        self.date_edit.setAccessibleName(text)
        self.date_edit.set_value(date.today())
        label = QLabel(text, self)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Confirmar"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancelar"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.date_edit)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if self.date_edit.error() or self.date_edit.value() is None:
            QMessageBox.warning(self, self.windowTitle(), self.date_edit.error() or self.tr("Informe a data."))
            return
        self.accept()

    def value(self) -> date:
        """The date typed."""
        value = self.date_edit.value()
        assert value is not None
        return value


class RenewDialog(RememberingDialog):
    """Renewal: date (default today), loyalty months and benefit; shows the new expiration."""

    def __init__(self, contract: ContractRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renewDialog")
        self.setWindowTitle(self.tr("Renovar contrato {n}").format(n=contract.number))
        self.contract = contract
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName("renewDate")
        self.date_edit.setAccessibleName(self.tr("Data da renovação"))
        self.date_edit.set_value(date.today())
        self.months = QSpinBox(self)
        self.months.setObjectName("renewMonths")
        self.months.setRange(1, 60)
        self.months.setSuffix(self.tr(" meses"))
        self.months.setValue(contract.loyalty_months or 12)
        self.benefit = MoneyEdit(self)
        self.benefit.setObjectName("renewBenefit")
        self.benefit.set_value(contract.loyalty_benefit)
        self.preview = QLabel(self)
        self.preview.setObjectName("renewPreview")
        self.preview.setWordWrap(True)
        info = QLabel(self.tr("A renovação é um ato do cliente (a Anatel proíbe renovar a fidelidade "
                              "automaticamente). A fidelidade recomeça na data da renovação; a data de ativação "
                              "({a}) não muda.").format(a=format_date(contract.activated_on)), self)
        info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Data da renovação"), self.date_edit)
        form.addRow(self.tr("Fidelidade"), self.months)
        form.addRow(self.tr("Benefício (R$)"), self.benefit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Renovar"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancelar"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.date_edit.valueChanged.connect(self._update)
        self.months.valueChanged.connect(self._update)
        self._update()

    def _update(self, *_args: Any) -> None:
        from ispdesk.domain.loyalty import loyalty_end

        day = self.date_edit.value()
        if day is None:
            self.preview.setText(self.tr("Informe a data da renovação (dd/mm/aaaa)."))
            return
        end = loyalty_end(day, self.months.value())
        self.preview.setText(self.tr("Nova fidelidade: de {a} até {b} (hoje expira em {c}). Benefício: {v}.").format(
            a=format_date(day), b=format_date(end), c=format_date(self.contract.loyalty_expires_on) or "—",
            v=format_brl(self.benefit.value() or Decimal("0")) if not self.benefit.error() else "?"))


def open_contract_form(context: AppContext, parent: QWidget | None = None, contract_id: uuid.UUID | None = None,
                       customer_id: uuid.UUID | None = None, customer_label: str = "") -> ContractForm:
    """Open the contract form modally (new when `contract_id` is None); return it after it closes."""
    form = ContractForm(context, contract_id, parent, customer_id=customer_id, customer_label=customer_label)
    form.exec()
    return form
