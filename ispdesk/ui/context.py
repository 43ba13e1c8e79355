"""Shared context handed to every tab and dialog: database, logged-in user, data-changed signal."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory


class DataEvents(QObject):
    """App-wide notifications so views refresh when data changes elsewhere.

    Signals:
        changed(str): an entity kind changed (``customer``, ``contract``, ``charge``, ``plan`` …).
        status(str): what an action just did, in Portuguese, for the main window's status bar.
    """

    changed = Signal(str)
    status = Signal(str)


@dataclass
class AppContext:
    """What a tab needs: the unit-of-work factory, the actor and the data events.

    Attributes:
        factory: makes units of work on the app's database.
        actor: the logged-in user.
        events: emit ``events.changed.emit("contract")`` after a write.
    """

    factory: UnitOfWorkFactory
    actor: Actor
    events: DataEvents

    def uow(self) -> UnitOfWork:
        """A unit of work for the logged-in user."""
        return self.factory(self.actor)

    def can(self, permission: Permission) -> bool:
        """True when the logged-in user holds `permission`."""
        return self.actor.can(permission)
