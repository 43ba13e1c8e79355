"""Cadastros › Planos (objectName ``plansDialog``): list, create and edit the plans (PLANS_MANAGE).

Fields: ``planCode`` (fixed once created: it is printed on contracts and charges), ``planName``,
``planPrice``, ``planDownload``, ``planUpload``, ``planLoyaltyMonths``, ``planLoyaltyBenefit``,
``planAdjustmentRule``, ``planActive``; table ``planTable``; buttons ``planNew``, ``planSave``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.money import format_brl
from ispdesk.domain.permissions import Permission
from ispdesk.services import plans
from ispdesk.services.plans import PlanDraft, PlanRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.models.table import Column, RowsTableModel
from ispdesk.ui.widgets.fields import FieldWithError, MoneyEdit
from ispdesk.ui.window_state import fit_to_screen


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlansDialog", text)


def plan_columns() -> list[Column[PlanRow]]:
    """Columns of the plans table."""
    return [
        Column(_tr("Código"), lambda p: p.code),
        Column(_tr("Nome"), lambda p: p.name),
        Column(_tr("Preço"), lambda p: format_brl(p.price), lambda p: p.price, align_right=True),
        Column(_tr("Download"), lambda p: f"{p.download_mbps} Mbps", lambda p: p.download_mbps, align_right=True),
        Column(_tr("Upload"), lambda p: f"{p.upload_mbps} Mbps", lambda p: p.upload_mbps, align_right=True),
        Column(_tr("Fidelidade"), lambda p: f"{p.loyalty_months} meses" if p.loyalty_months else "—",
               lambda p: p.loyalty_months, align_right=True),
        Column(_tr("Benefício"), lambda p: format_brl(p.loyalty_benefit), lambda p: p.loyalty_benefit,
               align_right=True),
        Column(_tr("Situação"), lambda p: _tr("Ativo") if p.active else _tr("Inativo")),
    ]


class PlansDialog(RememberingDialog):
    """The plans editor; read-only for users without PLANS_MANAGE."""

    _FIELDS = {"codigo": "planCode", "nome": "planName", "valor": "planPrice", "download_mbps": "planDownload",
               "upload_mbps": "planUpload", "fidelidade_meses": "planLoyaltyMonths",
               "beneficio_fidelidade": "planLoyaltyBenefit", "regra_reajuste": "planAdjustmentRule"}

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plansDialog")
        self.setWindowTitle(self.tr("Planos de venda"))
        self.context = context
        self.current: PlanRow | None = None
        self.can_manage = context.can(Permission.PLANS_MANAGE)
        self.resize(1000, 560)
        self.model: RowsTableModel[PlanRow] = RowsTableModel(plan_columns(), self)
        self.table = QTableView(self)
        self.table.setObjectName("planTable")
        self.table.setAccessibleName(self.tr("Planos"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.code = QLineEdit(self)
        self.name = QLineEdit(self)
        self.price = MoneyEdit(self)
        self.download = QSpinBox(self)
        self.upload = QSpinBox(self)
        for spin in (self.download, self.upload):
            spin.setRange(0, plans.MAX_SPEED_MBPS)
            spin.setSuffix(" Mbps")
        self.loyalty_months = QSpinBox(self)
        self.loyalty_months.setRange(0, 60)
        self.loyalty_months.setSuffix(self.tr(" meses"))
        self.loyalty_benefit = MoneyEdit(self)
        self.adjustment_rule = QLineEdit(self)
        self.adjustment_rule.setPlaceholderText(self.tr("Ex.: reajuste anual pelo IPCA (RGC 765, art. 21)"))
        self.active = QCheckBox(self.tr("Plano ativo (pode ser vendido)"), self)
        self.active.setObjectName("planActive")
        self.wrapped: dict[str, FieldWithError] = {}
        form = QFormLayout()
        for label, widget, name in (
            (self.tr("Código da oferta"), self.code, "planCode"),
            (self.tr("Nome"), self.name, "planName"),
            (self.tr("Preço de tabela (R$)"), self.price, "planPrice"),
            (self.tr("Download"), self.download, "planDownload"),
            (self.tr("Upload"), self.upload, "planUpload"),
            (self.tr("Fidelidade padrão"), self.loyalty_months, "planLoyaltyMonths"),
            (self.tr("Benefício da fidelidade (R$)"), self.loyalty_benefit, "planLoyaltyBenefit"),
            (self.tr("Regra de reajuste"), self.adjustment_rule, "planAdjustmentRule"),
        ):
            widget.setObjectName(name)
            widget.setAccessibleName(label)
            self.wrapped[name] = FieldWithError(widget, self)
            form.addRow(label, self.wrapped[name])
        form.addRow("", self.active)
        note = QLabel(self.tr("O preço de tabela não altera os contratos: cada contrato tem o seu valor. O código "
                              "não muda depois de criado (vai impresso no contrato e nas cobranças)."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form.addRow(note)
        self.new_button = QPushButton(self.tr("&Novo plano"), self)
        self.new_button.setObjectName("planNew")
        self.save_button = QPushButton(self.tr("&Salvar"), self)
        self.save_button.setObjectName("planSave")
        for b in (self.new_button, self.save_button):
            b.setEnabled(self.can_manage)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addLayout(row)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fechar"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.new_button.clicked.connect(self.new_plan)
        self.save_button.clicked.connect(self.save)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.reload()
        if not self.can_manage:
            for line in (self.code, self.name, self.adjustment_rule, self.price, self.loyalty_benefit):
                line.setReadOnly(True)
            for control in (self.download, self.upload, self.loyalty_months, self.active):
                control.setEnabled(False)
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    def reload(self, select_code: str | None = None) -> None:
        """Read the plans again."""
        rows = plans.list_plans(self.context.uow())
        self.model.set_rows(rows)
        target = next((i for i, p in enumerate(rows) if p.code == select_code), 0 if rows else -1)
        if target >= 0:
            self.table.selectRow(target)
            self._show(target)
        else:
            self.new_plan()

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        p = self.model.row_at(row)
        self.current = p
        self._clear_errors()
        self.code.setText(p.code)
        self.code.setReadOnly(True)
        self.name.setText(p.name)
        self.price.set_value(p.price)
        self.download.setValue(p.download_mbps)
        self.upload.setValue(p.upload_mbps)
        self.loyalty_months.setValue(p.loyalty_months)
        self.loyalty_benefit.set_value(p.loyalty_benefit)
        self.adjustment_rule.setText(p.adjustment_rule)
        self.active.setChecked(p.active)

    def new_plan(self) -> None:
        """Clear the form for a new plan."""
        self.current = None
        self.table.clearSelection()
        self._clear_errors()
        self.code.clear()
        self.code.setReadOnly(not self.can_manage)
        self.name.clear()
        self.price.clear()
        self.download.setValue(100)
        self.upload.setValue(50)
        self.loyalty_months.setValue(12)
        self.loyalty_benefit.set_value(Decimal("0"))
        self.adjustment_rule.clear()
        self.active.setChecked(True)
        self.code.setFocus()

    def _clear_errors(self) -> None:
        for w in self.wrapped.values():
            w.set_error(None)

    def save(self) -> bool:
        """Create or update the plan shown; True when written."""
        self._clear_errors()
        try:
            price_error, benefit_error = self.price.error(), self.loyalty_benefit.error()
            if price_error or benefit_error:
                raise ValidationError({k: v for k, v in (("valor", price_error),
                                                         ("beneficio_fidelidade", benefit_error)) if v})
            values: dict[str, Any] = dict(
                name=self.name.text(), price=self.price.value() or Decimal("0"), download_mbps=self.download.value(),
                upload_mbps=self.upload.value(), loyalty_months=self.loyalty_months.value(),
                loyalty_benefit=self.loyalty_benefit.value() or Decimal("0"),
                adjustment_rule=self.adjustment_rule.text(), active=self.active.isChecked())
            if self.current is None:
                row = plans.create_plan(self.context.uow(), PlanDraft(code=self.code.text(), **values))
            else:
                row = plans.update_plan(self.context.uow(), self.current.id, values, self.current.version)
        except ValidationError as exc:
            for name, message in exc.errors.items():
                target = self.wrapped.get(self._FIELDS.get(name, ""))
                if target is not None:
                    target.set_error(message)
                else:
                    QMessageBox.warning(self, self.windowTitle(), message)
            return False
        except BusinessRuleError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return False
        self.context.events.changed.emit("plan")
        self.reload(row.code)
        return True


def open_plans_dialog(context: AppContext, parent: QWidget | None = None) -> None:
    """Open the plans editor modally."""
    dialog = PlansDialog(context, parent)
    dialog.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
    dialog.exec()
    dialog.deleteLater()
