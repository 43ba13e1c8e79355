"""Which contract actions apply in which contract state: the `available` predicates of the registry.

Each predicate takes the contract's row (anything with ``number`` and ``status``) and returns None
when the action applies, else a Portuguese sentence saying why not and what to do — shown as the
tooltip of the disabled action. They mirror the services' own refusals (the services still check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ispdesk.domain.statuses import ContractStatus

Predicate = Callable[[Any], str | None]

ACTIVE = (ContractStatus.ATIVO,)
OPEN = (ContractStatus.ATIVO, ContractStatus.PRE_CONTRATO)
PRE = (ContractStatus.PRE_CONTRATO,)


def _plural_label(status: ContractStatus) -> str:
    return {ContractStatus.ATIVO: "ativos", ContractStatus.PRE_CONTRATO: "pré-contratos",
            ContractStatus.CANCELADO: "cancelados", ContractStatus.NEGATIVADO: "negativados"}[status]


def only_when(statuses: tuple[ContractStatus, ...], what: str, hint: str = "") -> Predicate:
    """A predicate: `what` applies only to contracts in `statuses`; `hint` says what to do instead."""

    def available(contract: Any) -> str | None:
        if contract.status in statuses:
            return None
        state = ContractStatus.label_of(contract.status).lower()
        allowed = " ou ".join(_plural_label(s) for s in statuses)
        text = f"O contrato {contract.number} está {state}: {what} só se aplica a contratos {allowed}."
        return f"{text} {hint}".strip()

    return available


def reason_for(available: Predicate | None, contracts: list[Any]) -> str | None:
    """None when the action applies to at least one of `contracts`, else the first one's reason."""
    if available is None or not contracts:
        return None
    reasons = [available(c) for c in contracts]
    if any(r is None for r in reasons):
        return None
    if len(reasons) == 1:
        return reasons[0]
    return f"Não se aplica a nenhum dos {len(reasons)} contratos selecionados. {reasons[0]}"


cancel = only_when(OPEN, "o cancelamento", "Um contrato cancelado não pode ser cancelado de novo.")
plan_change = only_when(ACTIVE, "a alteração de plano", "Para um pré-contrato, mude o plano no próprio formulário.")
renew = only_when(ACTIVE, "a renovação")
access = only_when(ACTIVE, "esta ação de acesso", "Contrato encerrado fica bloqueado.")
trust_unlock = only_when(ACTIVE, "o desbloqueio de confiança", "Contrato encerrado fica bloqueado.")
release = only_when(ACTIVE, "a liberação", "Contrato encerrado fica bloqueado.")
mark_signed = only_when(PRE, "marcar como assinado", "Contratos ativos já foram assinados ou ativados.")
activate = only_when(PRE, "a ativação")
negativate = only_when((ContractStatus.CANCELADO,), "a negativação",
                     "Pela Anatel (RGC 765) só se negativa após a rescisão; cancele o contrato antes.")
