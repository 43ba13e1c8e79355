"""The audit history of one record (who, when, what, before → after), for any form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import format_number
from ispdesk.domain.vocabulary import field_label, value_label
from ispdesk.domain.wording import plural
from ispdesk.services import audit as audit_service
from ispdesk.services.audit import AuditRow
from ispdesk.ui.context import AppContext
from ispdesk.ui.models.table import Column, RowsTableModel

ACTION_LABELS = {
    "create": "Inclusão",
    "update": "Alteração",
    "delete": "Exclusão",
    "cancel": "Cancelamento",
    "activate": "Ativação",
    "renew": "Renovação",
    "import": "Importação",
    "apply": "Aplicação",
    "undo": "Desfeito",
    "block_exemption": "Proteção contra bloqueio",
    "lift_trust_restriction": "Restrição do desbloqueio liberada",
    "negativate": "Negativação",
    "payment": "Pagamento",
    "reverse_payment": "Estorno de pagamento",
    "plan_change": "Alteração de plano",
    "run": "Execução da rotina",
    "document": "Documento gerado",
    "sent_for_signature": "Enviado para assinatura",
    "signed": "Assinado",
    "trust_unlock": "Desbloqueio de confiança",
    "release_temporary": "Liberação temporária",
    "release_manual": "Liberação manual",
    "login_failed": "Login recusado",
    "login_locked": "Login bloqueado",
    "unlock": "Login desbloqueado",
}

_MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _tr(text: str) -> str:
    return QCoreApplication.translate("AuditHistoryWidget", text)


def format_datetime(value: datetime) -> str:
    """``27/11/2026 14:05`` in local time."""
    local = value.astimezone() if value.tzinfo is not None else value
    return local.strftime("%d/%m/%Y %H:%M")


def _catalog_codes(context: AppContext) -> dict[str, dict[str, str]]:
    """Code → description of each catalogue (empty when they cannot be read)."""
    from ispdesk.services import catalogs

    found: dict[str, dict[str, str]] = {}
    try:
        for kind in catalogs.CatalogKind:
            found[kind.value] = {e.code: e.description for e in catalogs.list_entries(context.uow(), kind)}
    except BusinessRuleError:
        return {}
    return found


def _action(row: AuditRow) -> str:
    return ACTION_LABELS.get(row.action, row.action)


def _shown(value: Any) -> str:
    """A stored value as people read it: 99.90 → 99,90; 2026-12-10 → 10/12/2026; True → sim."""
    if value is None or value == "":
        return "(vazio)"
    if isinstance(value, bool):
        return "sim" if value else "não"
    text = str(value)
    if _MONEY_TEXT.match(text):
        return format_number(Decimal(text))
    if _ISO_DATE.match(text):
        return format_date(date.fromisoformat(text))
    return text


#: Fields whose values are catalogue codes → the catalogue that describes them.
CATALOG_FIELDS = {"tipo_cobranca": "billing_type", "condicao_pagamento": "payment_term",
                  "motivo_inclusao": "inclusion", "motivo": "cancellation"}


def describe_changes(row: AuditRow, separator: str = "\n",
                     codes: Mapping[str, dict[str, str]] | None = None) -> str:
    """``Campo: antes → depois`` per changed field (``Campo: valor`` on an inclusion).

    With the labels people see: field labels, status labels, catalogue descriptions (`codes`: catalogue →
    code → description).
    """
    lines = []
    for name, value in row.changes.items():
        label = field_label(name)
        catalog = (codes or {}).get(CATALOG_FIELDS.get(name, ""))

        def shown(v: Any, catalog: dict[str, str] | None = catalog) -> str:
            return _shown(value_label(v, catalog))

        if isinstance(value, list) and len(value) == 2:
            before, after = value
            if row.action == "create" and before in (None, ""):
                lines.append(f"{label}: {shown(after)}")
            else:
                lines.append(f"{label}: {shown(before)} → {shown(after)}")
        else:
            lines.append(f"{label}: {shown(value)}")
    return separator.join(lines)


def audit_columns(codes: Mapping[str, dict[str, str]] | None = None) -> list[Column[AuditRow]]:
    """Columns of the history table: data, usuário, ação, resumo, antes → depois."""
    return [
        Column(_tr("Data"), lambda r: format_datetime(r.at), sort_value=lambda r: r.at),
        Column(_tr("Usuário"), lambda r: r.actor),
        Column(_tr("Ação"), _action),
        Column(_tr("Resumo"), lambda r: r.summary, tooltip=lambda r: r.summary),
        Column(_tr("Alterações (antes → depois)"), lambda r: describe_changes(r, "; ", codes),
               tooltip=lambda r: describe_changes(r, codes=codes)),
    ]


class AuditHistoryModel(RowsTableModel[AuditRow]):
    """Rows of the audit log of one record."""

    def __init__(self, parent: Any = None) -> None:
        #: catalogue → code → description, filled by the widget so codes show as their descriptions.
        self.codes: dict[str, dict[str, str]] = {}
        super().__init__(audit_columns(self.codes), parent)


class AuditHistoryWidget(QWidget):
    """Lists ``services.audit.history(entity, entity_id)``, newest first; `reload()` refreshes.

    objectNames: ``auditHistory`` (this widget), ``auditTable`` (the table), ``auditDetail`` (the
    changes of the selected entry, one field per line).

    Attributes:
        model: the `AuditHistoryModel`.
        table: the table view.
    """

    def __init__(self, context: AppContext, entity: str, entity_id: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditHistory")
        self.context = context
        self.entity = entity
        self.entity_id = entity_id
        self.model = AuditHistoryModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName(self.tr("Histórico de alterações"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.message = QLabel(self)
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("auditDetail")
        self.detail.setAccessibleName(self.tr("Detalhes da alteração selecionada"))
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr("Selecione um registro para ver cada campo antes → depois."))
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.reload()

    def reload(self) -> None:
        """Read the history again."""
        if self.entity_id is None:
            self.model.set_rows([])
            self.message.setText(self.tr("O histórico aparece depois que o registro for gravado."))
            return
        try:
            rows = audit_service.history(self.context.uow(), self.entity, self.entity_id)
        except BusinessRuleError as exc:
            self.model.set_rows([])
            self.message.setText(exc.message)
            return
        if not self.model.codes:
            self.model.codes.update(_catalog_codes(self.context))
        self.model.set_rows(rows)
        self.detail.clear()
        if rows:
            self.table.selectRow(0)
        self.message.setText(self.tr("{n} no histórico.").format(
            n=plural(len(rows), self.tr("registro"), self.tr("registros"))) if rows
                             else self.tr("Nenhuma alteração registrada."))
        self.table.resizeColumnsToContents()
        for column in (3, 4):
            if self.table.columnWidth(column) > 320:
                self.table.setColumnWidth(column, 320)

    def _show_detail(self, current: Any, _previous: Any = None) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        row = self.model.row_at(current.row())
        head = f"{format_datetime(row.at)} — {row.actor} — {_action(row)}\n{row.summary}\n\n"
        self.detail.setPlainText(head + describe_changes(row, codes=self.model.codes))
