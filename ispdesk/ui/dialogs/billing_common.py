"""Base of the small billing dialogs: a form, an inline error label and Salvar/Cancelar buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.ui.context import AppContext
from ispdesk.ui.dialogs.base import RememberingDialog

ERROR_STYLE = "color: #b00020;"


class BillingFormDialog(RememberingDialog):
    """A dialog with `form` (QFormLayout), `error_label` and an accept button named `<name>SaveButton`.

    Subclasses fill the form and implement `save()`, which calls a service through `run()`.

    Attributes:
        result_value: what the service returned after a successful save.
    """

    def __init__(self, context: AppContext, name: str, title: str, accept_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result_value: Any = None
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.error_label = QLabel(self)
        self.error_label.setObjectName(f"{name}ErrorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(self)
        self.save_button: QPushButton = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName(f"{name}SaveButton")
        self.save_button.setDefault(True)
        cancel = self.buttons.addButton(self.tr("Cancelar"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName(f"{name}CancelButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget) -> None:
        """Add a labelled row; the label is the widget's buddy (Alt+letter) and accessible name."""
        text = QLabel(label, self)
        text.setBuddy(widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.form.addRow(text, widget)

    def show_error(self, message: str | None) -> None:
        """Show (or clear) the inline error."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def run(self, call: Callable[[], Any], changed: tuple[str, ...] = ("charge",)) -> bool:
        """Run a service call; on success emit the data events and accept, else show the message."""
        self.show_error(None)
        try:
            self.result_value = call()
        except ValidationError as exc:
            self.show_error("\n".join(exc.errors.values()))
            return False
        except BusinessRuleError as exc:
            self.show_error(exc.message)
            return False
        for kind in changed:
            self.context.events.changed.emit(kind)
        self.accept()
        return True

    def save(self) -> None:  # pragma: no cover - overridden
        """Call the service (subclasses)."""
        raise NotImplementedError
