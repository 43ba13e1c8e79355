"""The plan-change wizard ("Alteração wizard"): contract → change → review → confirm; writes once, in accept().

Pages only *preview* (`preview_plan_change`, read-only); `accept()` calls `apply_plan_change` with the
reviewed draft, in one transaction. Cancelling at any page writes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ispdesk.domain.contract_filter import ContractFilter
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import ContractStatus
from ispdesk.domain.wording import plural
from ispdesk.services import plan_changes
from ispdesk.services.plan_changes import PlanChangeDraft
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingWizard
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.fields import MoneyEdit
from ispdesk.ui.window_state import fit_to_screen

#: Contracts listed by the search on the first page.
SEARCH_LIMIT = 50


def _contract_columns(tr: Any) -> list[Column[Any]]:
    return [
        Column(tr("Contrato"), lambda r: str(r.number), lambda r: r.number, align_right=True),
        Column(tr("Cliente"), lambda r: r.customer_name),
        Column(tr("Plano"), lambda r: r.plan_code),
        Column(tr("Valor"), lambda r: format_brl(r.value), lambda r: r.value, align_right=True),
        Column(tr("Vencimento"), lambda r: str(r.due_day), lambda r: r.due_day, align_right=True),
        Column(tr("Fidelidade até"), lambda r: format_date(r.loyalty_expires_on), lambda r: r.loyalty_expires_on),
    ]


class ContractPage(QWizardPage):
    """Page 1: find and pick the (active) contract."""

    def __init__(self, wizard: PlanChangeWizard) -> None:
        super().__init__()
        self.setObjectName("contractPage")
        self.wiz = wizard
        self.setTitle(self.tr("Contrato"))
        self.setSubTitle(self.tr("Procure o contrato pelo número, pelo nome do cliente ou pelo CPF/CNPJ."))
        self.search = QLineEdit(self)
        self.search.setObjectName("contractSearch")
        self.search.setAccessibleName(self.tr("Procurar contrato"))
        self.search.setPlaceholderText(self.tr("Número do contrato, nome do cliente ou CPF/CNPJ"))
        self.search.setClearButtonEnabled(True)
        self.model: RowsTableModel[Any] = RowsTableModel(_contract_columns(self.tr), self)
        self.table = QTableView(self)
        self.table.setObjectName("contractTable")
        self.table.setAccessibleName(self.tr("Contratos encontrados"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.completeChanged.emit())
        self.table.doubleClicked.connect(lambda *_: self.wiz.next())
        self.status = QLabel(self)
        self.status.setObjectName("contractSearchStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.run_search)

    def run_search(self) -> None:
        """List the active contracts matching the search text."""
        from ispdesk.services.contract_list import list_contracts

        self._timer.stop()
        try:
            rows = list_contracts(self.wiz.context.uow(),
                                  ContractFilter(text=self.search.text().strip(), statuses=(ContractStatus.ATIVO,)),
                                  None, SEARCH_LIMIT)
        except BusinessRuleError as exc:
            self.status.setText(exc.message)
            rows = []
        else:
            self.status.setText(plural(len(rows), self.tr("contrato ativo"), self.tr("contratos ativos"))
                                if len(rows) < SEARCH_LIMIT else
                                self.tr("Mostrando os {n} primeiros; refine a busca.").format(n=SEARCH_LIMIT))
        self.model.set_rows(rows)
        if len(rows) == 1:
            self.table.selectRow(0)
        self.completeChanged.emit()

    def select_contract(self, contract_id: uuid.UUID) -> None:
        """Show and select one contract (wizard launched from a contract)."""
        from ispdesk.services.contracts import get_contract

        row = get_contract(self.wiz.context.uow(), contract_id)
        self.search.blockSignals(True)
        self.search.setText(str(row.number))
        self.search.blockSignals(False)
        self.model.set_rows([row])
        self.table.selectRow(0)
        self.completeChanged.emit()

    def selected(self) -> Any | None:
        """The selected contract row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.model.rowCount() == 0:
            self.run_search()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.selected() is not None

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        row = self.selected()
        if row is None:
            return False
        if row.status != ContractStatus.ATIVO:
            self.status.setText(self.tr("Só contratos ativos mudam de plano."))
            return False
        self.wiz.contract = row
        return True


class ChangePage(QWizardPage):
    """Page 2: the new plan, value, due day and billing type."""

    def __init__(self, wizard: PlanChangeWizard) -> None:
        super().__init__()
        self.setObjectName("changePage")
        self.wiz = wizard
        self.setTitle(self.tr("Alteração"))
        self.setSubTitle(self.tr("Escolha o novo plano e, se for o caso, outro valor, dia de vencimento ou tipo de "
                                 "cobrança. O valor em branco usa o preço de tabela do plano."))
        self.current = QLabel(self)
        self.current.setObjectName("currentContractLabel")
        self.current.setWordWrap(True)
        self.plan_combo = QComboBox(self)
        self.plan_combo.setObjectName("newPlanCombo")
        self.plan_combo.setAccessibleName(self.tr("Novo plano"))
        self.value_edit = MoneyEdit(self, allow_empty=True)
        self.value_edit.setObjectName("newValueEdit")
        self.value_edit.setAccessibleName(self.tr("Novo valor mensal"))
        self.due_spin = QSpinBox(self)
        self.due_spin.setObjectName("newDueDaySpin")
        self.due_spin.setAccessibleName(self.tr("Dia de vencimento"))
        self.due_spin.setRange(1, 28)
        self.billing_combo = QComboBox(self)
        self.billing_combo.setObjectName("billingTypeCombo")
        self.billing_combo.setAccessibleName(self.tr("Tipo de cobrança"))
        self.error = QLabel(self)
        self.error.setObjectName("changeError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow(self.tr("&Novo plano:"), self.plan_combo)
        form.addRow(self.tr("Novo &valor mensal:"), self.value_edit)
        form.addRow(self.tr("&Dia de vencimento:"), self.due_spin)
        form.addRow(self.tr("&Tipo de cobrança:"), self.billing_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.plan_combo.currentIndexChanged.connect(self._plan_changed)
        self._loaded_for: uuid.UUID | None = None

    def _plan_changed(self) -> None:
        plan = self.plan_combo.currentData()
        if plan is not None:
            text = self.tr("{price} (preço de tabela)").format(price=format_brl(plan.price))
            self.value_edit.setPlaceholderText(text)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from ispdesk.services import catalogs, plans

        c = self.wiz.contract
        assert c is not None
        self.current.setText(self.tr(
            "Contrato {number} — {name}\nPlano atual: {plan} ({value}), vencimento dia {due}, cobrança: {billing}"
        ).format(number=c.number, name=c.customer_name, plan=c.plan_code, value=format_brl(c.value),
                 due=c.due_day, billing=c.billing_type_code or self.tr("não informado")))
        if self._loaded_for == c.id:
            return
        self._loaded_for = c.id
        self.error.clear()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        current_index = 0
        for plan in plans.list_plans(self.wiz.context.uow(), include_inactive=False):
            speed = f"{plan.download_mbps}/{plan.upload_mbps} Mbps"
            label = f"{plan.code} — {plan.name} — {speed} — {format_brl(plan.price)}"
            self.plan_combo.addItem(label, plan)
            if plan.code == c.plan_code:
                current_index = self.plan_combo.count() - 1
        self.plan_combo.blockSignals(False)
        self.plan_combo.setCurrentIndex(current_index)
        self._plan_changed()
        self.value_edit.clear()
        self.due_spin.setValue(c.due_day)
        self.billing_combo.clear()
        self.billing_combo.addItem(self.tr("(manter o atual)"), None)
        for entry in catalogs.list_entries(self.wiz.context.uow(), "billing_type", include_inactive=False):
            if entry.code != c.billing_type_code:
                self.billing_combo.addItem(f"{entry.code} — {entry.description}", entry.code)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        self.error.clear()
        try:
            value = self.value_edit.value() if self.value_edit.text().strip() else None
        except BusinessRuleError as exc:
            self.error.setText(exc.message)
            self.value_edit.setFocus()
            return False
        plan = self.plan_combo.currentData()
        self.wiz.choice = {
            "new_plan_code": plan.code if plan is not None else "",
            "new_value": value,
            "new_due_day": self.due_spin.value(),
            "new_billing_type": self.billing_combo.currentData(),
        }
        try:
            self.wiz.refresh_draft()
        except BusinessRuleError as exc:
            self.error.setText(exc.message)
            return False
        return True


class ReviewPage(QWizardPage):
    """Page 3: type code, pro-rata difference, new value and the loyalty effect (keep / restart)."""

    def __init__(self, wizard: PlanChangeWizard) -> None:
        super().__init__()
        self.setObjectName("reviewPage")
        self.wiz = wizard
        self.setTitle(self.tr("Revisão"))
        self.setSubTitle(self.tr("Confira o tipo da alteração, a diferença proporcional e a fidelidade."))
        self.type_label = QLabel(self)
        self.type_label.setObjectName("changeTypeLabel")
        self.plan_label = QLabel(self)
        self.plan_label.setObjectName("planLabel")
        self.value_label = QLabel(self)
        self.value_label.setObjectName("newValueLabel")
        self.due_label = QLabel(self)
        self.due_label.setObjectName("dueDayLabel")
        self.prorata_label = QLabel(self)
        self.prorata_label.setObjectName("prorataLabel")
        self.prorata_label.setWordWrap(True)
        for label in (self.type_label, self.plan_label, self.value_label, self.due_label, self.prorata_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(self.tr("Tipo:"), self.type_label)
        form.addRow(self.tr("Plano:"), self.plan_label)
        form.addRow(self.tr("Valor mensal:"), self.value_label)
        form.addRow(self.tr("Vencimento:"), self.due_label)
        form.addRow(self.tr("Proporcional:"), self.prorata_label)
        box = QGroupBox(self.tr("Fidelidade"), self)
        box.setObjectName("loyaltyBox")
        self.keep = QRadioButton(self.tr("&Manter a fidelidade atual"), box)
        self.keep.setObjectName("loyaltyKeep")
        self.restart = QRadioButton(self.tr("&Reiniciar na data da alteração, com novo benefício:"), box)
        self.restart.setObjectName("loyaltyRestart")
        self.keep.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep)
        group.addButton(self.restart)
        self.benefit_edit = MoneyEdit(box, allow_empty=True)
        self.benefit_edit.setObjectName("benefitEdit")
        self.benefit_edit.setAccessibleName(self.tr("Novo benefício da fidelidade"))
        self.benefit_edit.setEnabled(False)
        self.benefit_edit.setMaximumWidth(140)
        self.benefit_edit.setPlaceholderText(self.tr("do plano"))
        self.loyalty_label = QLabel(box)
        self.loyalty_label.setObjectName("loyaltyEffectLabel")
        self.loyalty_label.setWordWrap(True)
        restart_row = QHBoxLayout()
        restart_row.addWidget(self.restart)
        restart_row.addWidget(self.benefit_edit)
        restart_row.addStretch(1)
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.keep)
        box_layout.addLayout(restart_row)
        box_layout.addWidget(self.loyalty_label)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("reviewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a5300;")
        self.error = QLabel(self)
        self.error.setObjectName("reviewError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.keep.toggled.connect(self._loyalty_changed)
        self.benefit_edit.editingFinished.connect(self._loyalty_changed)

    def _loyalty_changed(self, *_: Any) -> None:
        self.benefit_edit.setEnabled(self.restart.isChecked())
        self.recompute()

    def recompute(self) -> None:
        """Preview again with the loyalty choice; show the result or the error."""
        self.error.clear()
        try:
            benefit = self.benefit_edit.value() if (self.restart.isChecked()
                                                    and self.benefit_edit.text().strip()) else None
            self.wiz.loyalty = ("reiniciar" if self.restart.isChecked() else "manter", benefit)
            self.wiz.refresh_draft()
        except BusinessRuleError as exc:
            self.wiz.draft = None
            self.error.setText(exc.message)
        self.show_draft()
        self.completeChanged.emit()

    def show_draft(self) -> None:
        """Fill the labels from the wizard's draft."""
        d = self.wiz.draft
        if d is None:
            return
        self.type_label.setText(f"<b>{d.change_type}</b> — {d.change_label}")
        self.plan_label.setText(f"{d.old_plan_code} → {d.new_plan_code} ({d.new_plan_name})")
        origin = self.tr("valor digitado") if d.value_typed else self.tr("preço de tabela do plano")
        self.value_label.setText(f"{format_brl(d.old_value)} → <b>{format_brl(d.new_value)}</b> ({origin})")
        self.due_label.setText(self.tr("dia {old} → dia {new}").format(old=d.old_due_day, new=d.new_due_day)
                               if d.new_due_day != d.old_due_day else self.tr("dia {day} (sem mudança)")
                               .format(day=d.old_due_day))
        sign = "+" if d.prorata.difference > 0 else ""
        self.prorata_label.setText(f"<b>{sign}{format_brl(d.prorata.difference)}</b> — {d.prorata_text}")
        if d.loyalty == "reiniciar":
            self.loyalty_label.setText(self.tr(
                "Nova fidelidade de {months} meses até {until}, benefício {benefit}. A data de ativação não muda."
            ).format(months=d.loyalty_months, until=format_date(d.loyalty_expires_on),
                     benefit=format_brl(d.loyalty_benefit)))
        elif d.loyalty_expires_on:
            self.loyalty_label.setText(self.tr("Fidelidade mantida até {until}.").format(
                until=format_date(d.loyalty_expires_on)))
        else:
            self.loyalty_label.setText(self.tr("O contrato não tem fidelidade."))
        self.warnings.setText("\n".join(d.warnings))

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.error.clear()
        self.show_draft()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.wiz.draft is not None and not self.error.text()


class ConfirmPage(QWizardPage):
    """Page 4: the summary; Concluir writes it."""

    def __init__(self, wizard: PlanChangeWizard) -> None:
        super().__init__()
        self.setObjectName("confirmPage")
        self.wiz = wizard
        self.setTitle(self.tr("Confirmar"))
        self.setSubTitle(self.tr("Ao concluir, a alteração é gravada de uma vez e registrada na auditoria."))
        self.summary = QLabel(self)
        self.summary.setObjectName("confirmSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        d = self.wiz.draft
        assert d is not None
        loyalty = (self.tr("reiniciada até {until}, benefício {benefit}").format(
            until=format_date(d.loyalty_expires_on), benefit=format_brl(d.loyalty_benefit))
            if d.loyalty == "reiniciar" else self.tr("mantida"))
        due = (self.tr("dia {old} → <b>dia {new}</b>").format(old=d.old_due_day, new=d.new_due_day)
               if d.new_due_day != d.old_due_day else self.tr("dia {day} (sem mudança)").format(day=d.old_due_day))
        self.summary.setText(self.tr(
            "<p>Contrato <b>{number}</b> — {name}</p>"
            "<p>Alteração <b>{code}</b> ({label}) em {day}:<br>"
            "plano {old_plan} → <b>{new_plan}</b><br>"
            "valor mensal {old_value} → <b>{new_value}</b><br>"
            "vencimento: {due}<br>"
            "proporcional: {prorata}<br>"
            "fidelidade: {loyalty}</p>"
            "<p>O preço de tabela do plano não muda.</p>"
        ).format(number=d.contract_number, name=d.customer_name, code=d.change_type, label=d.change_label,
                 day=format_date(d.on_date), old_plan=d.old_plan_code, new_plan=d.new_plan_code,
                 old_value=format_brl(d.old_value), new_value=format_brl(d.new_value), due=due,
                 prorata=d.prorata_text, loyalty=loyalty))


class PlanChangeWizard(RememberingWizard):
    """The plan-change wizard; nothing is written before `accept()`.

    Attributes:
        context: the app context (database, user, data events).
        contract: the picked contract row (after page 1).
        draft: the current preview (after page 2).
        written: the written change (after `accept()`).
    """

    def __init__(self, context: AppContext, contract_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planChangeWizard")
        self.setWindowTitle(self.tr("Alteração de plano"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Avançar >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Voltar"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Concluir"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancelar"))
        self.context = context
        self.contract: Any | None = None
        self.choice: dict[str, Any] = {}
        self.loyalty: tuple[str, Any] = ("manter", None)
        self.draft: PlanChangeDraft | None = None
        self.written: plan_changes.PlanChangeRow | None = None
        self.contract_page = ContractPage(self)
        self.change_page = ChangePage(self)
        self.review_page = ReviewPage(self)
        self.confirm_page = ConfirmPage(self)
        for page in (self.contract_page, self.change_page, self.review_page, self.confirm_page):
            self.addPage(page)
        self.resize(760, 520)
        if contract_id is not None:
            self.contract_page.select_contract(contract_id)
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def refresh_draft(self) -> None:
        """Preview the change with the current choices (read-only)."""
        assert self.contract is not None
        loyalty, benefit = self.loyalty
        self.draft = plan_changes.preview_plan_change(
            self.context.uow(), self.contract.id, loyalty=loyalty, new_benefit=benefit,  # type: ignore[arg-type]
            **self.choice)

    def accept(self) -> None:
        """Write the reviewed change in one transaction; stay open on a rule error."""
        if self.draft is None:
            return
        try:
            self.written = plan_changes.apply_plan_change(self.context.uow(), self.draft)
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.tr("Alteração de plano"), exc.message)
            return
        self.context.events.changed.emit("contract")
        self.context.events.changed.emit("plan_change")
        super().accept()
