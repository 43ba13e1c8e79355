"""Access-control area: contract actions, the "Acesso" contract panel, Ferramentas › Bloqueios.

Actions: trust unlock, temporary and manual release, lifting the trust-unlock restriction and the
block protections ("não bloquear até", "isento de bloqueio automático").

Every action runs per contract in its own unit of work; on a multi-selection the result of each
contract is reported (what was done, or why it was refused).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.wording import plural
from ispdesk.services import access
from ispdesk.services import parameters as params_service
from ispdesk.services.uow import UnitOfWork
from ispdesk.ui import contract_states as states
from ispdesk.ui import registry
from ispdesk.ui.context import AppContext

Action = Callable[[UnitOfWork, uuid.UUID], access.AccessChange]


def _ids(values: Sequence[object]) -> list[uuid.UUID]:
    return [v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in values]


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """A Yes/No question (`accessConfirm`), No by default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("accessConfirm")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def report(parent: QWidget, title: str, done: list[str], refused: list[str]) -> None:
    """Tell what was done and what was refused, per contract (`accessResult`)."""
    lines = done + refused
    icon = QMessageBox.Icon.Information if not refused else QMessageBox.Icon.Warning
    if len(lines) == 1:
        text = lines[0]
    else:
        text = parent.tr("{ok}, {bad}.").format(
            ok=plural(len(done), parent.tr("contrato alterado"), parent.tr("contratos alterados")),
            bad=plural(len(refused), parent.tr("recusado"), parent.tr("recusados")))
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("accessResult")
    if len(lines) > 1:
        bullets = [f"• {line}" for line in lines]
        box.setInformativeText("\n".join(bullets[:15]) + ("\n…" if len(bullets) > 15 else ""))
        box.setDetailedText("\n".join(bullets))
    box.exec()


def apply_each(context: AppContext, ids: Sequence[uuid.UUID], action: Action) -> tuple[list[str], list[str]]:
    """Run `action` on every contract, each in its own transaction; (done, refused) messages."""
    done: list[str] = []
    refused: list[str] = []
    for cid in ids:
        try:
            done.append(action(context.uow(), cid).message)
        except BusinessRuleError as exc:
            refused.append(exc.message)
    return done, refused


def _run(parent: QWidget, context: AppContext, ids: Sequence[uuid.UUID], title: str, question: str,
         action: Action) -> bool:
    if not confirm(parent, title, question):
        return False
    done, refused = apply_each(context, ids, action)
    if done:
        context.events.changed.emit("contract")
    report(parent, title, done, refused)
    return bool(done)


def _days(context: AppContext, name: str) -> int:
    try:
        return int(params_service.get_all(context.uow())[name])
    except BusinessRuleError:
        return 0


def trust_unlock_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Desbloqueio de confiança for the selected contracts."""
    n = _days(context, "desbloqueio_confianca_dias")
    return _run(parent, context, _ids(ids), parent.tr("Desbloqueio de confiança"), parent.tr(
        "Liberar o acesso por {n} a pedido do cliente ({c})? O desbloqueio de confiança só pode "
        "ser usado de novo depois do intervalo definido nos parâmetros.").format(
            n=plural(n, parent.tr("dia"), parent.tr("dias")),
            c=plural(len(ids), parent.tr("contrato"), parent.tr("contratos"))),
        access.trust_unlock)


def temporary_release_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Liberação temporária for the selected contracts."""
    n = _days(context, "liberacao_temporaria_dias")
    return _run(parent, context, _ids(ids), parent.tr("Liberação temporária"), parent.tr(
        "Liberar temporariamente por {n} {c}? Há limite de liberações por bloqueio."
    ).format(n=plural(n, parent.tr("dia"), parent.tr("dias")),
              c=plural(len(ids), parent.tr("contrato"), parent.tr("contratos"))),
        lambda u, cid: access.release_temporary(u, cid))


def manual_release_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Liberação manual (with an optional note) for the selected contracts."""
    from ispdesk.ui.dialogs.access_dialogs import NoteDialog

    dialog = NoteDialog(parent, parent.tr("Liberação manual"), parent.tr(
        "Liberar o acesso de {c}? Sem limite de uso; a rotina de um dia seguinte suspende de novo se "
        "o débito continuar.").format(c=plural(len(ids), parent.tr("contrato"), parent.tr("contratos"))),
        parent.tr("Observação (opcional):"), False,
        "accessManualReleaseDialog")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    note = dialog.note()
    done, refused = apply_each(context, _ids(ids), lambda u, cid: access.release_manual(u, cid, note))
    if done:
        context.events.changed.emit("contract")
    report(parent, parent.tr("Liberação manual"), done, refused)
    return bool(done)


def lift_restriction_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """Liberar a restrição do desbloqueio de confiança (mandatory reason)."""
    from ispdesk.ui.dialogs.access_dialogs import NoteDialog

    dialog = NoteDialog(parent, parent.tr("Liberar restrição do desbloqueio"), parent.tr(
        "Permite mais um desbloqueio de confiança antes do fim do intervalo, para {c}. O motivo é "
        "obrigatório e fica na auditoria.").format(c=plural(len(ids), parent.tr("contrato"), parent.tr("contratos"))),
        parent.tr("Motivo:"), True,
        "accessLiftRestrictionDialog")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    reason = dialog.note()
    done, refused = apply_each(context, _ids(ids), lambda u, cid: access.lift_trust_restriction(u, cid, reason))
    if done:
        context.events.changed.emit("contract")
    report(parent, parent.tr("Liberar restrição do desbloqueio"), done, refused)
    return bool(done)


def protection_action(parent: QWidget, context: AppContext, ids: list) -> bool:
    """"Não bloquear até" / "isento de bloqueio automático" for the selected contracts."""
    from ispdesk.ui.dialogs.access_dialogs import BlockProtectionDialog

    contract_ids = _ids(ids)
    until, exempt = None, False
    if len(contract_ids) == 1:
        try:
            info = access.access_info(context.uow(), contract_ids[0])
            until, exempt = info.no_block_until, info.block_exempt
        except BusinessRuleError:
            pass
    dialog = BlockProtectionDialog(parent, context.factory.clock.today(), len(contract_ids), until, exempt)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    until, exempt, note = dialog.values()
    done, refused = apply_each(
        context, contract_ids, lambda u, cid: access.set_block_exemption(u, cid, until, exempt, note))
    if done:
        context.events.changed.emit("contract")
    report(parent, parent.tr("Não bloquear até / isentar"), done, refused)
    return bool(done)


def _panel(context: AppContext, contract_id: object, parent: QWidget | None) -> QWidget:
    from ispdesk.ui.dialogs.access_panel import AccessPanel

    return AccessPanel(context, contract_id, parent)


def open_suspension_view(window: QWidget) -> None:
    """Ferramentas › Bloqueios: show the view as a tab of the main window (created once)."""
    from ispdesk.ui.dialogs.access_suspension import SuspensionView

    tabs = getattr(window, "tabs", None)
    if tabs is None:
        view = SuspensionView(window.context, None)  # type: ignore[attr-defined]
        view.setWindowTitle(window.tr("Bloqueios"))
        view.resize(1100, 700)
        view.show()
        return
    existing = window.find_tab("suspensionView")  # type: ignore[attr-defined]
    if existing is None:
        existing = SuspensionView(window.context, tabs)  # type: ignore[attr-defined]
        tabs.addTab(existing, window.tr("Bloqueios"))
    tabs.setCurrentWidget(existing)


registry.CONTRACT_ACTIONS.extend([
    registry.ContractActionSpec("Desbloqueio de &confiança…", "actionTrustUnlock", trust_unlock_action,
                                Permission.ACCESS_TRUST_UNLOCK, multi=True, order=40,
                                available=states.trust_unlock),
    registry.ContractActionSpec("Liberação temp&orária…", "actionReleaseTemporary", temporary_release_action,
                                Permission.ACCESS_RELEASE_TEMPORARY, multi=True, order=41, available=states.release),
    registry.ContractActionSpec("Liberação &manual…", "actionReleaseManual", manual_release_action,
                                Permission.ACCESS_RELEASE_MANUAL, multi=True, order=42, available=states.release),
    registry.ContractActionSpec("Liberar &restrição do desbloqueio…", "actionLiftTrustRestriction",
                                lift_restriction_action, Permission.ACCESS_LIFT_TRUST_RESTRICTION, multi=True,
                                order=43, available=states.trust_unlock),
    registry.ContractActionSpec("Não &bloquear até / isentar…", "actionBlockProtection", protection_action,
                                Permission.ACCESS_BLOCK_EXEMPTION, multi=True, order=44, available=states.access),
])
registry.CONTRACT_PANELS.append(
    registry.ContractPanelSpec("Acesso", "accessPanel", _panel, Permission.CONTRACTS_VIEW, order=30))
registry.MENU_ACTIONS.append(registry.MenuActionSpec(
    menu=("Ferramentas",), title="Bloqueios", object_name="actionSuspensionView", handler=open_suspension_view,
    permission=Permission.CONTRACTS_VIEW, order=20))
