"""General parameters: read (typed, defaults filled in) and change (administrators, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ispdesk.db.models import Customer, Parameter
from ispdesk.domain import company as company_rules
from ispdesk.domain import parameters as registry
from ispdesk.domain.errors import ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.domain.vocabulary import field_label
from ispdesk.domain.wording import plural
from ispdesk.services.uow import UnitOfWork


def load(session: Session) -> dict[str, Any]:
    """Every parameter with its typed value (stored value, else default)."""
    values = registry.defaults()
    for name, text in session.execute(select(Parameter.name, Parameter.value)):
        if name in registry.BY_NAME:
            values[name] = registry.from_storage(name, text)
    return values


DUPLICATES = "aceitar_cpf_cnpj_duplicado"
FOUNDING = "data_fundacao_provedor"


def founding_date(session: Session) -> Any:
    """``data_fundacao_provedor`` (read once per session: imports ask it for every row)."""
    if FOUNDING not in session.info:
        session.info[FOUNDING] = load(session)[FOUNDING]
    return session.info[FOUNDING]


def duplicates_allowed(session: Session) -> bool:
    """The live ``aceitar_cpf_cnpj_duplicado``, read under a shared row lock on PostgreSQL.

    A save that reads "sim" holds the lock until it commits, so a switch to "não" (which locks the
    row for update) waits for it and then sees the duplicate it stored.
    """
    text = session.scalar(select(Parameter.value).where(Parameter.name == DUPLICATES).with_for_update(read=True))
    return bool(registry.BY_NAME[DUPLICATES].default if text is None else registry.from_storage(DUPLICATES, text))


def duplicated_documents(session: Session, limit: int = 20) -> tuple[int, list[str]]:
    """(how many CPF/CNPJ are held by more than one customer, the first `limit` of them, unmasked)."""
    held = select(Customer.document).where(Customer.document.is_not(None)).group_by(Customer.document) \
        .having(func.count() > 1)
    total = session.scalar(select(func.count()).select_from(held.subquery())) or 0
    return int(total), list(session.scalars(held.order_by(Customer.document).limit(limit)))


def _forbid_duplicates(session: Session) -> str | None:
    """Claim every stored document in `Customer.unique_document`; the refusal message when some repeat."""
    from ispdesk.domain.documents import mask_document

    def refusal() -> str | None:
        total, shown = duplicated_documents(session)
        if not total:
            return None
        more = f" e mais {total - len(shown)}" if total > len(shown) else ""
        return (f"Não é possível proibir CPF/CNPJ duplicado: {plural(total, 'documento está', 'documentos estão')}"
                f" em mais de um cadastro "
                f"({', '.join(mask_document(d) for d in shown)}{more}). Corrija o CPF/CNPJ dos cadastros "
                "repetidos (busque cada documento na aba Clientes) e tente de novo, ou mantenha o parâmetro em "
                "“sim”.")

    message = refusal()
    if message:
        return message
    try:
        session.execute(sql_update(Customer).where(Customer.document.is_not(None))
                        .values(unique_document=Customer.document)
                        .execution_options(synchronize_session=False))
    except IntegrityError:  # a duplicate committed between the check and the claim
        session.rollback()
        return refusal() or "Outro cadastro com CPF/CNPJ repetido foi gravado agora há pouco; tente de novo."
    return None


def get_all(uow: UnitOfWork) -> dict[str, Any]:
    """Every parameter with its typed value."""
    with uow:
        return load(uow.session)


def update(uow: UnitOfWork, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some parameters at once; validated together (floors, ladder order), audited.

    Args:
        changes: name → typed value (use `registry.parse_value` for text input).

    Returns:
        The full set of values after the change.

    Raises:
        PermissionDenied: the actor may not edit parameters.
        ValidationError: a value is below a legal floor or otherwise invalid.
    """
    uow.require(Permission.PARAMS_EDIT)
    with uow:
        proposed = update_in(uow, changes)
        uow.commit()
        return proposed


def update_in(uow: UnitOfWork, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Same as `update` inside an open unit of work (no commit, no permission check).

    Company fields (``empresa_*``) are validated like a customer's and stored unmasked; a change to
    them is copied onto the ``MATRIZ`` branch the contracts print.
    """
    from ispdesk.services import company

    for name in changes:
        registry.spec(name)
    changes, company_errors = company_rules.normalize(changes)
    if company_errors:
        raise ValidationError(company_errors)
    if DUPLICATES in changes:
        uow.session.scalar(select(Parameter.name).where(Parameter.name == DUPLICATES).with_for_update())
    current = load(uow.session)
    proposed = {**current, **changes}
    errors = registry.validate_values(proposed)
    relevant = {n: m for n, m in errors.items() if n in changes or n not in registry.validate_values(current)}
    if relevant:
        raise ValidationError(relevant)
    diff = {n: [current[n], v] for n, v in changes.items() if current[n] != v}
    if DUPLICATES in diff and not proposed[DUPLICATES]:
        refused = _forbid_duplicates(uow.session)
        if refused:
            raise ValidationError({DUPLICATES: refused})
    for name, (_, new) in diff.items():
        row = uow.session.get(Parameter, name)
        text = registry.to_storage(name, new)
        if row is None:
            uow.session.add(Parameter(name=name, value=text, updated_at=uow.now, updated_by=uow.actor.login))
        else:
            row.value, row.updated_at, row.updated_by = text, uow.now, uow.actor.login
    if diff:
        # a password (smtp_senha) is audited as changed, never with its value
        shown = {n: (["••••••", "••••••"] if registry.spec(n).secret else v) for n, v in diff.items()}
        uow.audit("parameters", None, "update", shown,
                  summary="Parâmetros gerais alterados: " + ", ".join(map(field_label, diff)))
    if any(n in company_rules.FIELDS for n in diff):
        company.sync_main_branch(uow.session, proposed)
    if "empresa_uf" in diff:  # the state's holidays move the charges' vencimento útil
        from ispdesk.services.business_days import refresh_effective_dates_in

        uow.session.flush()
        refresh_effective_dates_in(uow)
    return proposed
