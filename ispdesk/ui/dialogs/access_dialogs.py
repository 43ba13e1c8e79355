"""Small dialogs of the access actions: a note/reason dialog and the block-protection dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.wording import plural
from ispdesk.ui.dialogs.base import RememberingDialog
from ispdesk.ui.widgets.fields import DateEdit


class NoteDialog(RememberingDialog):
    """Asks for a note (optional) or a reason (mandatory) before an access action.

    Attributes:
        note_edit: the text field (`accessNoteEdit`).
        error_label: inline error (`accessNoteError`).
    """

    def __init__(self, parent: QWidget | None, title: str, intro: str, label: str, required: bool,
                 object_name: str) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.required = required
        layout = QVBoxLayout(self)
        text = QLabel(intro, self)
        text.setWordWrap(True)
        text.setObjectName("accessNoteIntro")
        layout.addWidget(text)
        caption = QLabel(label, self)
        layout.addWidget(caption)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("accessNoteEdit")
        self.note_edit.setAccessibleName(label)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(70)
        caption.setBuddy(self.note_edit)
        layout.addWidget(self.note_edit)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("accessNoteError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.setObjectName("accessNoteButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def note(self) -> str:
        """The text typed, stripped."""
        return self.note_edit.toPlainText().strip()

    def accept(self) -> None:
        if self.required and not self.note():
            self.error_label.setText(self.tr("Informe o motivo: ele é obrigatório e fica registrado na auditoria."))
            self.note_edit.setFocus()
            return
        super().accept()


class BlockProtectionDialog(RememberingDialog):
    """"Não bloquear até" date and "isento de bloqueio automático" flag (`accessProtectionDialog`)."""

    def __init__(self, parent: QWidget | None, today: date, count: int,
                 until: date | None = None, exempt: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("accessProtectionDialog")
        self.setWindowTitle(self.tr("Não bloquear até / isentar"))
        self.today = today
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Protege {n} da redução e do bloqueio automáticos. Um contrato reduzido ou bloqueado "
            "volta ao acesso normal na hora. Deixe a data em branco e desmarque a isenção para remover a "
            "proteção.").format(n=plural(count, self.tr("contrato"), self.tr("contratos"))), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.until_edit = DateEdit(self)
        self.until_edit.setObjectName("accessNoBlockUntil")
        self.until_edit.line.setAccessibleName(self.tr("Não bloquear até"))
        self.until_edit.set_value(until)
        form.addRow(self.tr("Não bloquear até:"), self.until_edit)
        self.exempt_check = QCheckBox(self.tr("Isento de bloqueio automático"), self)
        self.exempt_check.setObjectName("accessBlockExempt")
        self.exempt_check.setChecked(exempt)
        form.addRow("", self.exempt_check)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("accessProtectionNote")
        self.note_edit.setAccessibleName(self.tr("Observação"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(70)
        form.addRow(self.tr("Observação:"), self.note_edit)
        layout.addLayout(form)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("accessProtectionError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        self.until_edit.valueChanged.connect(lambda: self.error_label.setText(""))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def values(self) -> tuple[date | None, bool, str]:
        """(não bloquear até, isento, observação)."""
        return self.until_edit.value(), self.exempt_check.isChecked(), self.note_edit.toPlainText().strip()

    def accept(self) -> None:
        try:
            until = self.until_edit.value()
        except BusinessRuleError as exc:
            self.error_label.setText(exc.message)
            return
        if until is not None and until < self.today:
            self.error_label.setText(self.tr("A data “não bloquear até” já passou; informe hoje ou uma data futura."))
            return
        super().accept()
