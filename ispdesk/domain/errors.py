"""The two error families: rule errors for the user, everything else is a bug.

`BusinessRuleError` and its children carry a message in Portuguese that the GUI shows next to the
field (when `field` is set) or in a message box, and that the CLI prints before exiting non-zero.
"""

from __future__ import annotations


class BusinessRuleError(Exception):
    """A rule refused the operation; `message` is for the user, in Portuguese.

    Attributes:
        message: what is wrong and how to fix it.
        field: the name of the input field at fault, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(BusinessRuleError):
    """One or more fields are invalid; `errors` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first_field = next(iter(self.errors))
        joined = "\n".join(self.errors.values())
        super().__init__(joined, field=first_field)


class PermissionDenied(BusinessRuleError):
    """The actor lacks the permission the action needs."""


class NotFound(BusinessRuleError):
    """The record asked for does not exist."""


class ConflictError(BusinessRuleError):
    """Someone else saved the record meanwhile; `changes` lists what they changed."""

    def __init__(self, message: str, changes: list[str] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []


class TryAgainError(BusinessRuleError):
    """The database was busy (a lock held by another station timed out); nothing was saved."""
