"""Template editor (Cadastros › Modelos de contrato), for administrators.

The text is edited in a `QTextEdit` that colours the template markup (variables, conditionals,
clause headings, bold); the variables of the catalogue are listed beside it and inserted with a
double click; the preview fills the text with a sample contract and opens the PDF; saving creates a
new version (the service validates it and names any unknown variable or forbidden code).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.dates import format_date
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.statuses import TemplateKind
from ispdesk.domain.template_engine import CATALOGUE, TemplateError
from ispdesk.services import templates as templates_service
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.window_state import fit_to_screen

_LINE = re.compile(r"Linha (\d+)")


class MarkupHighlighter(QSyntaxHighlighter):
    """Colours ``{{ variáveis }}``, ``{% se %}``, headings (``#``, ``##``, ``###``), items and ``**negrito**``."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)

        def fmt(color: str, bold: bool = False, background: str | None = None) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(color))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            if background:
                f.setBackground(QColor(background))
            return f

        self._rules = [
            (QRegularExpression(r"^#{1,3} .*$"), fmt("#124078", bold=True)),
            (QRegularExpression(r"^[+\->] "), fmt("#8a5a00", bold=True)),
            (QRegularExpression(r"\*\*[^*]+\*\*"), fmt("#1d1d1f", bold=True)),
            (QRegularExpression(r"\{\{[^{}]*\}\}"), fmt("#0b6e4f", background="#e3f5ee")),
            (QRegularExpression(r"\{%[^{}]*%\}"), fmt("#7a1fa2", bold=True, background="#f3e8f8")),
        ]

    def highlightBlock(self, text: str) -> None:
        for pattern, style in self._rules:
            it = pattern.globalMatch(text)
            while it.hasNext():
                match = it.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), style)


class TemplateEditorDialog(RememberingDialog):
    """Edit contract and term templates; each save is a new version.

    Attributes:
        template_combo: which template (objectName ``templateCombo``).
        body: the text editor (``templateBody``).
        variables: the catalogue (``templateVariables``).
        error_label: the last validation error (``templateError``).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("templateEditor")
        self.setWindowTitle(self.tr("Modelos de contrato"))
        self.setAccessibleName(self.tr("Editor de modelos de contrato"))
        self._loaded_body = ""
        self._loading = False

        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.setAccessibleName(self.tr("Modelo"))
        self.template_combo.setMinimumContentsLength(28)
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        self.new_button = QPushButton(self.tr("&Novo modelo…"), self)
        self.new_button.setObjectName("templateNewButton")
        self.new_button.clicked.connect(self._new_template)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("templateName")
        self.name_edit.setAccessibleName(self.tr("Nome do modelo"))
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("templateKind")
        self.kind_combo.setAccessibleName(self.tr("Tipo do modelo"))
        for code, label in TemplateKind.choices():
            self.kind_combo.addItem(self.tr(label), code)
        self.version_label = QLabel(self)
        self.version_label.setObjectName("templateVersion")

        top = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.template_combo, 1)
        row.addWidget(self.new_button)
        template_label = QLabel(self.tr("&Modelo:"), self)
        template_label.setBuddy(self.template_combo)
        top.addRow(template_label, row)
        detail = QHBoxLayout()
        detail.addWidget(self.name_edit, 2)
        kind_label = QLabel(self.tr("&Tipo:"), self)
        kind_label.setBuddy(self.kind_combo)
        detail.addWidget(kind_label)
        detail.addWidget(self.kind_combo)
        detail.addWidget(self.version_label, 1)
        name_label = QLabel(self.tr("N&ome:"), self)
        name_label.setBuddy(self.name_edit)
        top.addRow(name_label, detail)

        self.body = QTextEdit(self)
        self.body.setObjectName("templateBody")
        self.body.setAccessibleName(self.tr("Texto do modelo"))
        self.body.setAcceptRichText(False)
        self.body.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.body.setTabChangesFocus(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.body.setFont(font)
        self.highlighter = MarkupHighlighter(self.body.document())

        toolbar = QToolBar(self)
        toolbar.setObjectName("templateToolbar")
        for text, name, tip, action in (
            (self.tr("Negrito"), "templateBold", self.tr("Marca o texto selecionado com **negrito**"), self._bold),
            (self.tr("Cláusula"), "templateClause", self.tr("Nova cláusula numerada (## Título)"),
             lambda: self._line_prefix("## ")),
            (self.tr("Item"), "templateItem", self.tr("Item numerado da cláusula (+ texto)"),
             lambda: self._line_prefix("+ ")),
            (self.tr("Subitem"), "templateSubitem", self.tr("Alínea a), b)… (- texto)"),
             lambda: self._line_prefix("- ")),
            (self.tr("Centralizado"), "templateCenter", self.tr("Linha centralizada (> texto)"),
             lambda: self._line_prefix("> ")),
            (self.tr("Condição"), "templateCondition",
             self.tr("Texto impresso só quando a variável tem valor: {% se variável %} … {% fim %}"),
             self._condition),
        ):
            act = toolbar.addAction(text, action)
            act.setObjectName(name)
            act.setToolTip(tip)

        self.variables = QTreeWidget(self)
        self.variables.setObjectName("templateVariables")
        self.variables.setAccessibleName(self.tr("Variáveis disponíveis"))
        self.variables.setHeaderLabels([self.tr("Variável"), self.tr("Descrição"), self.tr("Exemplo")])
        groups: dict[str, QTreeWidgetItem] = {}
        for var in CATALOGUE:
            group = groups.get(var.group)
            if group is None:
                group = QTreeWidgetItem(self.variables, [self.tr(var.group)])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[var.group] = group
            sample = var.sample if isinstance(var.sample, str) else ("sim" if var.sample else "não")
            item = QTreeWidgetItem(group, [var.name, var.description, sample])
            item.setData(0, Qt.ItemDataRole.UserRole, var.name)
            item.setToolTip(1, var.description)
            item.setToolTip(2, sample)
        self.variables.expandAll()
        self.variables.resizeColumnToContents(0)
        self.variables.setColumnWidth(1, 330)
        self.variables.itemDoubleClicked.connect(self._insert_item)
        self.insert_button = QPushButton(self.tr("&Inserir variável"), self)
        self.insert_button.setObjectName("templateInsertButton")
        self.insert_button.clicked.connect(self._insert_current)
        help_label = QLabel(self.tr(
            "Dê dois cliques numa variável para inseri-la no cursor. "
            "Use ## para cláusulas, + para itens, - para alíneas e **texto** para negrito."), self)
        help_label.setWordWrap(True)
        help_label.setObjectName("templateHelp")

        editor_box = QWidget(self)
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(toolbar)
        editor_layout.addWidget(self.body, 1)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        variables_label = QLabel(self.tr("&Variáveis:"), self)
        variables_label.setBuddy(self.variables)
        side_layout.addWidget(variables_label)
        side_layout.addWidget(self.variables, 1)
        side_layout.addWidget(self.insert_button)
        side_layout.addWidget(help_label)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("templateSplitter")
        splitter.addWidget(editor_box)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([680, 520])

        self.error_label = QLabel(self)
        self.error_label.setObjectName("templateError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("templateStatus")
        self.status_label.setStyleSheet("color: #0b6e4f;")
        self.status_label.hide()

        self.preview_button = QPushButton(self.tr("&Pré-visualizar"), self)
        self.preview_button.setObjectName("templatePreviewButton")
        self.preview_button.clicked.connect(self.preview)
        self.save_button = QPushButton(self.tr("&Salvar nova versão"), self)
        self.save_button.setObjectName("templateSaveButton")
        self.save_button.clicked.connect(self.save)
        buttons = QDialogButtonBox(self)
        buttons.setObjectName("templateButtons")
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("&Fechar"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.resize(1240, 780)
        self.reload()
        fit_to_screen(self)  # the stored geometry comes back at the first show (RememberingDialog)

    # --- loading ---------------------------------------------------------------------------
    def reload(self, select_code: str | None = None) -> None:
        """Read the templates in force and show `select_code` (or the current one)."""
        current = select_code or self.current_code()
        rows = templates_service.list_templates(self.context.uow())
        self._loading = True
        self.template_combo.clear()
        for row in rows:
            self.template_combo.addItem(f"{row.name} ({row.code})", row.code)
        self._loading = False
        index = max(0, self.template_combo.findData(current)) if current else 0
        self.template_combo.setCurrentIndex(index)
        self._template_chosen()

    def current_code(self) -> str | None:
        """The code of the template being edited."""
        data = self.template_combo.currentData()
        return str(data) if data else None

    def _template_chosen(self) -> None:
        if self._loading:
            return
        code = self.current_code()
        if not code:
            return
        row = templates_service.get_template(self.context.uow(), code)
        self._show(row.name, row.kind, row.body, self.tr("Versão {v} de {d}, por {who}").format(
            v=row.version_number, d=format_date(row.created_at.date()), who=row.created_by))

    def _show(self, name: str, kind: str, body: str, version_text: str) -> None:
        self.name_edit.setText(name)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.body.setPlainText(body)
        self._loaded_body = body
        self.version_label.setText(version_text)
        self.clear_error()
        self.status_label.hide()

    def _new_template(self) -> None:
        code, ok = QInputDialog.getText(self, self.tr("Novo modelo"), self.tr(
            "Código do novo modelo (letras, números, _ ou -), por exemplo contrato_empresarial:"))
        if not ok or not code.strip():
            return
        code = code.strip()
        self._loading = True
        self.template_combo.addItem(self.tr("{code} (novo, não salvo)").format(code=code), code)
        self.template_combo.setCurrentIndex(self.template_combo.count() - 1)
        self._loading = False
        self._show("", "contrato", "# Título do documento\n\n## Do objeto\n\n+ Texto da cláusula.\n",
                   self.tr("Novo: será salvo como versão 1"))
        self.name_edit.setFocus()

    # --- editing helpers -------------------------------------------------------------------
    def insert_variable(self, name: str) -> None:
        """Insert ``{{ name }}`` at the cursor."""
        self.body.textCursor().insertText("{{ " + name + " }}")
        self.body.setFocus()

    def _insert_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name:
            self.insert_variable(str(name))

    def _insert_current(self) -> None:
        item = self.variables.currentItem()
        if item is not None:
            self._insert_item(item)

    def _bold(self) -> None:
        cursor = self.body.textCursor()
        text = cursor.selectedText()
        cursor.insertText(f"**{text or self.tr('texto')}**")

    def _line_prefix(self, prefix: str) -> None:
        cursor = self.body.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        line = cursor.block().text()
        for old in ("### ", "## ", "# ", "+ ", "- ", "> "):
            if line.startswith(old):
                cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, len(old))
                break
        cursor.insertText(prefix)
        self.body.setFocus()

    def _condition(self) -> None:
        item = self.variables.currentItem()
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        name = name or "contrato.tem_fidelidade"
        cursor = self.body.textCursor()
        selected = cursor.selectedText() or self.tr("texto condicional")
        cursor.insertText(f"{{% se {name} %}}{selected}{{% fim %}}")

    # --- errors ----------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """Show a validation error and move the cursor to the first line it names."""
        self.status_label.hide()
        self.error_label.setText(message)
        self.error_label.show()
        match = _LINE.search(message)
        if match:
            block = self.body.document().findBlockByNumber(int(match.group(1)) - 1)
            if block.isValid():
                cursor = QTextCursor(block)
                cursor.select(QTextCursor.SelectionType.LineUnderCursor)
                self.body.setTextCursor(cursor)

    def clear_error(self) -> None:
        """Hide the error line."""
        self.error_label.clear()
        self.error_label.hide()

    # --- actions ---------------------------------------------------------------------------
    def preview(self) -> bool:
        """Fill the text with the sample contract and open the PDF preview."""
        from ispdesk.ui.dialogs.pdf_preview import PdfPreviewDialog

        code = self.current_code() or "modelo"
        try:
            pdf = templates_service.preview_pdf(self.body.toPlainText(), code, 0,
                                                self.name_edit.text() or code)
        except TemplateError as exc:
            self.show_error(exc.message)
            return False
        self.clear_error()
        dialog = PdfPreviewDialog(self, pdf, self.tr("Pré-visualização — {name}").format(name=self.name_edit.text()),
                                  f"{code}-exemplo.pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._preview = dialog
        return True

    def save(self) -> bool:
        """Save the text as a new version; errors are shown next to the editor."""
        code = self.current_code()
        if not code:
            return False
        try:
            row = templates_service.save_template(self.context.uow(), code, self.body.toPlainText(),
                                                  self.name_edit.text(), self.kind_combo.currentData())
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            return False
        self.context.events.changed.emit("contract_template")
        self.reload(code)
        self.status_label.setText(self.tr(
            "“{name}” salvo como versão {v}. Os próximos documentos usarão esta versão.").format(
                name=row.name, v=row.version_number))
        self.status_label.show()
        return True

    def has_changes(self) -> bool:
        """True when the text differs from the version loaded."""
        return self.body.toPlainText() != self._loaded_body

    def reject(self) -> None:
        if self.has_changes():
            answer = QMessageBox.question(self, self.tr("Modelos de contrato"), self.tr(
                "O texto foi alterado e não foi salvo. Fechar mesmo assim?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
