"""Ferramentas › Modelos de mensagem: subject and body per event × channel, with a live preview.

The tree lists every event with its channels (``Padrão`` serves any channel without its own); the
editor colours the markup like the contract template editor, lists the event's variables (double
click inserts one) and shows, as you type, the message filled with a chosen contract (or sample
values). Saving validates (an unknown variable or a legal variable dropped is named) and audits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.message_templates import CHANNEL_LABELS, VARIABLES, parse_event
from ispdesk.domain.permissions import Permission
from ispdesk.services import message_preview
from ispdesk.services import message_templates as templates
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.dialogs.template_editor import MarkupHighlighter

_ORIGIN = {"proprio": "alterado", "padrao": "usa o Padrão alterado", "fabrica": "de fábrica"}
_ROLE = Qt.ItemDataRole.UserRole


class MessageTemplatesDialog(RememberingDialog):
    """Edit the message templates (objectName ``messageTemplatesDialog``).

    Attributes:
        tree: events × channels (``messageTemplatesTree``).
        subject: the subject (``messageTemplateSubject``); body: the body (``messageTemplateBody``).
        variables: the event's variables (``messageTemplateVariables``).
        contract: the contract number of the preview (``messageTemplateContract``; empty: sample values).
        preview: the filled message (``messageTemplatePreview``); error_label: the last problem.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("messageTemplatesDialog")
        self.setWindowTitle(self.tr("Modelos de mensagem"))
        self.setAccessibleName(self.tr("Modelos de mensagem aos clientes"))
        self._current: tuple[str, str] | None = None
        self._loaded: tuple[str, str] = ("", "")
        self._contract_values: dict[str, Any] | None = None
        self._contract_problem = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh_preview)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("messageTemplatesTree")
        self.tree.setAccessibleName(self.tr("Eventos e canais"))
        self.tree.setHeaderLabels([self.tr("Evento / canal"), self.tr("Texto")])
        self.tree.setColumnWidth(0, 230)
        self.tree.currentItemChanged.connect(self._chosen)

        self.title = QLabel(self)
        self.title.setObjectName("messageTemplateTitle")
        self.title.setWordWrap(True)
        self.subject = QLineEdit(self)
        self.subject.setObjectName("messageTemplateSubject")
        self.subject.setAccessibleName(self.tr("Assunto"))
        self.subject.textChanged.connect(self._edited)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("messageTemplateBody")
        self.body.setAccessibleName(self.tr("Corpo da mensagem"))
        self.body.textChanged.connect(self._edited)
        self._highlighter = MarkupHighlighter(self.body.document())
        self.variables = QListWidget(self)
        self.variables.setObjectName("messageTemplateVariables")
        self.variables.setAccessibleName(self.tr("Variáveis (duplo clique insere)"))
        self.variables.itemDoubleClicked.connect(self._insert)
        self.contract = QLineEdit(self)
        self.contract.setObjectName("messageTemplateContract")
        self.contract.setAccessibleName(self.tr("Contrato da pré-visualização"))
        self.contract.setPlaceholderText(self.tr("nº do contrato (vazio: exemplo)"))
        self.contract.editingFinished.connect(self._contract_chosen)
        self.preview = QTextEdit(self)
        self.preview.setObjectName("messageTemplatePreview")
        self.preview.setAccessibleName(self.tr("Pré-visualização"))
        self.preview.setReadOnly(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("messageTemplateError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        self.save_button = QPushButton(self.tr("&Salvar"), self)
        self.save_button.setObjectName("messageTemplateSave")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("&Voltar ao padrão"), self)
        self.reset_button.setObjectName("messageTemplateReset")
        self.reset_button.clicked.connect(self.reset)
        may_edit = context.actor.can(Permission.TEMPLATES_MANAGE)
        self.save_button.setEnabled(may_edit)
        self.reset_button.setEnabled(may_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ActionRole)

        form = QFormLayout()
        subject_label = QLabel(self.tr("&Assunto:"), self)
        subject_label.setBuddy(self.subject)
        form.addRow(subject_label, self.subject)
        editor = QWidget(self)
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.title)
        left.addLayout(form)
        body_label = QLabel(self.tr("&Corpo:"), self)
        body_label.setBuddy(self.body)
        left.addWidget(body_label)
        left.addWidget(self.body, 3)
        preview_row = QHBoxLayout()
        contract_label = QLabel(self.tr("Pré-visualizar com o c&ontrato:"), self)
        contract_label.setBuddy(self.contract)
        preview_row.addWidget(contract_label)
        preview_row.addWidget(self.contract, 1)
        left.addLayout(preview_row)
        left.addWidget(self.preview, 2)
        left.addWidget(self.error_label)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        variables_label = QLabel(self.tr("Va&riáveis (duplo clique insere):"), self)
        variables_label.setBuddy(self.variables)
        side_layout.addWidget(variables_label)
        side_layout.addWidget(self.variables)
        splitter = QSplitter(self)
        splitter.addWidget(self.tree)
        splitter.addWidget(editor)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([330, 560, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(1200, 660)
        self.reload()

    # --- loading ---------------------------------------------------------------------------

    def reload(self, keep: tuple[str, str] | None = None) -> None:
        """Read the templates in force again and select `keep` (or the first event)."""
        rows = templates.list_templates(self.context.uow())
        self.tree.blockSignals(True)
        self.tree.clear()
        parents: dict[str, QTreeWidgetItem] = {}
        chosen: QTreeWidgetItem | None = None
        for row in rows:
            parent = parents.get(row.event)
            if parent is None:
                parent = parents[row.event] = QTreeWidgetItem(self.tree, [row.event_label, row.event])
                parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                parent.setExpanded(False)
            item = QTreeWidgetItem(parent, [CHANNEL_LABELS[row.channel], _ORIGIN[row.source]])
            item.setData(0, _ROLE, (row.event, row.channel))
            if row.edited:
                font = item.font(1)
                font.setBold(True)
                item.setFont(1, font)
            if keep == (row.event, row.channel) or (keep is None and chosen is None):
                chosen = item
        self.tree.blockSignals(False)
        if chosen is not None:
            holder = chosen.parent()
            if holder is not None:
                holder.setExpanded(True)
            self.tree.setCurrentItem(chosen)

    def item_for(self, event: str, channel: str) -> QTreeWidgetItem | None:
        """The tree item of `event` on `channel`."""
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            children = [parent.child(j) for j in range(parent.childCount())] if parent is not None else []
            for child in children:
                if child is not None and child.data(0, _ROLE) == (event, channel):
                    return child
        return None

    def _chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        key = item.data(0, _ROLE) if item is not None else None
        if not key:
            return
        event, channel = key
        row = templates.get_template(self.context.uow(), event, channel)
        self._current = (event, channel)
        self._loaded = (row.subject, row.body)
        self.title.setText(self.tr("<b>{0}</b> — {1} ({2})").format(
            row.event_label, CHANNEL_LABELS[channel], _ORIGIN[row.source]))
        self.variables.clear()
        for variable in VARIABLES[parse_event(event)]:
            entry = QListWidgetItem("{{ " + variable.name + " }}", self.variables)
            entry.setToolTip(variable.description)
            entry.setData(_ROLE, variable.name)
        self.subject.blockSignals(True)
        self.body.blockSignals(True)
        self.subject.setText(row.subject)
        self.body.setPlainText(row.body)
        self.subject.blockSignals(False)
        self.body.blockSignals(False)
        self.reset_button.setEnabled(self.save_button.isEnabled() and row.edited)
        self._load_contract()
        self.refresh_preview()

    # --- editing and preview ---------------------------------------------------------------

    def _edited(self) -> None:
        self._timer.start()

    def _insert(self, item: QListWidgetItem) -> None:
        target = self.subject if self.subject.hasFocus() else None
        text = "{{ " + str(item.data(_ROLE)) + " }}"
        if target is not None:
            target.insert(text)
        else:
            self.body.insertPlainText(text)
            self.body.setFocus()

    def _contract_chosen(self) -> None:
        self._load_contract()
        self.refresh_preview()

    def _load_contract(self) -> None:
        self._contract_values, self._contract_problem = None, ""
        raw = self.contract.text().strip()
        if not raw or self._current is None:
            return
        if not raw.isdigit():
            self._contract_problem = self.tr("Número de contrato inválido: “{0}”. Use só algarismos.").format(raw)
            return
        try:
            self._contract_values = message_preview.preview_context(self.context.uow(), self._current[0], int(raw))
        except BusinessRuleError as exc:
            self._contract_problem = exc.message

    def refresh_preview(self) -> bool:
        """Fill the preview with the text being edited; False (problem shown) when it is not valid."""
        self._timer.stop()
        if self._current is None:
            return False
        try:
            subject, body = templates.render_draft(self._current[0], self.subject.text(), self.body.toPlainText(),
                                                   self._contract_values)
        except BusinessRuleError as exc:
            self._show_error(exc.message)
            return False
        note = "" if self._contract_values is not None or not self._contract_problem else \
            self.tr("{0} Mostrando valores de exemplo.").format(self._contract_problem)
        self.preview.setPlainText(self.tr("Assunto: {0}\n\n{1}").format(subject, body))
        self._show_error(note)
        return True

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --- saving ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the template being edited (validated, audited); False when refused (reason shown)."""
        if self._current is None:
            return False
        event, channel = self._current
        try:
            templates.set_template(self.context.uow(), event, channel, self.subject.text(), self.body.toPlainText())
        except BusinessRuleError as exc:
            self._show_error(exc.message)
            return False
        self.context.events.changed.emit("message_template")
        self.reload((event, channel))
        self._show_error("")
        return True

    def reset(self) -> bool:
        """Go back to the shipped (or Padrão) text for the selected event and channel."""
        if self._current is None:
            return False
        event, channel = self._current
        try:
            templates.reset_template(self.context.uow(), event, channel)
        except BusinessRuleError as exc:
            self._show_error(exc.message)
            return False
        self.context.events.changed.emit("message_template")
        self.reload((event, channel))
        return True

    def dirty(self) -> bool:
        """True when the subject or body differs from what was loaded."""
        return (self.subject.text(), self.body.toPlainText()) != self._loaded


def open_message_templates(window: QWidget) -> None:
    """Ferramentas › Modelos de mensagem."""
    dialog = MessageTemplatesDialog(window.context, window)  # type: ignore[attr-defined]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
