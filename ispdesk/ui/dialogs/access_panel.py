"""The "Acesso" panel of the contract form: access situation and history (changes and notices)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.access import cause_label, status_label
from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_brl
from ispdesk.domain.statuses import ContractStatus
from ispdesk.services import access
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.models.table import Column, RowsTableModel


def history_model(parent: QWidget | None = None) -> RowsTableModel[access.HistoryRow]:
    """Table model of a contract's access history."""
    columns: list[Column[access.HistoryRow]] = [
        Column("Data", lambda r: format_date(r.on_date), lambda r: (r.on_date, r.at)),
        Column("Evento", lambda r: "Aviso de inadimplência" if r.kind == "aviso" else cause_label(r.cause)),
        Column("De", lambda r: status_label(r.from_status) if r.from_status else ""),
        Column("Para", lambda r: status_label(r.to_status) if r.to_status else ""),
        Column("Até", lambda r: format_date(r.until), lambda r: r.until),
        Column("Usuário", lambda r: r.actor),
        Column("Observação", lambda r: r.note, tooltip=lambda r: r.note),
    ]
    return RowsTableModel(columns, parent)


class AccessPanel(QWidget):
    """Access situation of one contract and its history (`accessPanel`, table `accessHistoryTable`)."""

    def __init__(self, context: AppContext, contract_id: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accessPanel")
        self.context = context
        self.contract_id = contract_id if isinstance(contract_id, uuid.UUID) else uuid.UUID(str(contract_id))
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("Situação do acesso"), self)
        form = QFormLayout(box)
        self.labels: dict[str, QLabel] = {}
        for key, caption in (
            ("status", self.tr("Acesso:")),
            ("until", self.tr("Liberado até:")),
            ("protection", self.tr("Proteção:")),
            ("debt", self.tr("Débito vencido:")),
            ("ladder", self.tr("Régua:")),
            ("trust", self.tr("Desbloqueio de confiança:")),
            ("temporary", self.tr("Liberações temporárias:")),
        ):
            label = QLabel("", box)
            label.setObjectName(f"access_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(label.textInteractionFlags())
            form.addRow(caption, label)
            self.labels[key] = label
        layout.addWidget(box)
        self.model = history_model(self)
        self.table = QTableView(self)
        self.table.setObjectName("accessHistoryTable")
        self.table.setAccessibleName(self.tr("Histórico de acesso"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip(self.tr("Clique duas vezes num aviso para ler o texto enviado ao cliente."))
        self.table.doubleClicked.connect(self._open_row)
        layout.addWidget(self.table, 1)
        self.reload()

    def _open_row(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row.detail:
            self.show_notice(row)

    def show_notice(self, row: access.HistoryRow) -> QDialog:
        """Show the full text of a notice (`accessNoticeDialog`)."""
        dialog = RememberingDialog(self)
        dialog.setObjectName("accessNoticeDialog")
        dialog.setWindowTitle(self.tr("Aviso de inadimplência de {d}").format(d=format_date(row.on_date)))
        layout = QVBoxLayout(dialog)
        text = QPlainTextEdit(dialog)
        text.setObjectName("accessNoticeText")
        text.setReadOnly(True)
        text.setPlainText(row.detail)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(720, 520)
        dialog.show()
        return dialog

    def reload(self) -> None:
        """Read the situation and the history again."""
        try:
            info = access.access_info(self.context.uow(), self.contract_id)
            rows = access.access_history(self.context.uow(), self.contract_id)
        except BusinessRuleError as exc:
            self.labels["status"].setText(exc.message)
            self.model.set_rows([])
            return
        text = status_label(info.access_status)
        if info.status != ContractStatus.ATIVO:
            text += self.tr(" (contrato {status})").format(status=info.status)
        self.labels["status"].setText(text)
        self.labels["until"].setText(format_date(info.access_until) if info.access_until else "—")
        parts = []
        if info.block_exempt:
            parts.append(self.tr("isento de bloqueio automático"))
        if info.no_block_until:
            parts.append(self.tr("não bloquear até {d}").format(d=format_date(info.no_block_until)))
        self.labels["protection"].setText(", ".join(parts) or self.tr("nenhuma"))
        if info.overdue_since:
            self.labels["debt"].setText(self.tr("{amount}, vencido desde {d}").format(
                amount=format_brl(info.overdue_amount), d=format_date(info.overdue_since)))
        else:
            self.labels["debt"].setText(self.tr("nenhum"))
        if info.notice_hold:  # aviso_exige_envio: the notice has not reached the customer yet
            self.labels["ladder"].setText(info.notice_hold)
        elif info.schedule is not None:
            plan = info.schedule
            steps = [self.tr("aviso em {d}").format(d=format_date(info.notice_date or plan.notice))]
            if info.notice_sent_on is not None:
                steps[0] += self.tr(" (enviado em {d})").format(d=format_date(info.notice_sent_on))
            if plan.reduction:
                steps.append(self.tr("redução a partir de {d}").format(d=format_date(plan.reduction)))
            steps.append(self.tr("bloqueio a partir de {d}").format(d=format_date(plan.block)))
            steps.append(self.tr("rescisão a partir de {d}").format(d=format_date(plan.rescission)))
            self.labels["ladder"].setText("; ".join(steps))
        else:
            self.labels["ladder"].setText(self.tr("sem aviso pendente"))
        if info.last_trust_unlock is None:
            trust = self.tr("nunca usado")
        else:
            trust = self.tr("último uso em {d}; permitido de novo a partir de {a}").format(
                d=format_date(info.last_trust_unlock), a=format_date(info.trust_allowed_from))
        if info.trust_restriction_lifted:
            trust += self.tr(" (restrição liberada: um uso antecipado)")
        self.labels["trust"].setText(trust)
        self.labels["temporary"].setText(self.tr("{used} de {max} neste bloqueio").format(
            used=info.temporary_used, max=info.temporary_max))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
