"""Carteiras de cobrança: the catalogue, and the nosso número each charge's boleto gets.

A charge gets its nosso número the first time a boleto is printed for it (or it goes in a remessa):
one ``UPDATE carteiras SET next_nosso_numero = next_nosso_numero + 1 … RETURNING`` takes the number,
so two workstations printing at the same moment never get the same one (the row lock / SQLite write
lock serialises them; the unique (carteira, sequence) and charge keys back it up).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from ispdesk.db.models import BoletoTitle, Carteira, Charge
from ispdesk.domain import boleto
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.ids import uuid7
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import digits
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class CarteiraRow:
    """A carteira as the screens and the CLI show it."""

    id: uuid.UUID
    code: str
    bank: str
    agency: str
    account: str
    wallet: str
    agreement: str
    next_nosso_numero: int
    instructions: str
    active: bool

    @property
    def bank_name(self) -> str:
        """``001 Banco do Brasil``."""
        return f"{self.bank} {boleto.BANKS.get(self.bank, '')}".strip()

    @property
    def wallet_rule(self) -> boleto.Wallet:
        """What the boleto rules need."""
        return boleto.Wallet(self.bank, self.agency, self.account, self.wallet, self.agreement)


def _row(c: Carteira) -> CarteiraRow:
    return CarteiraRow(c.id, c.code, c.bank, c.agency, c.account, c.wallet, c.agreement, c.next_nosso_numero,
                       c.instructions, c.active)


def _clean(value: str, field: str, label: str, size: int) -> str:
    text = digits(value or "")
    if not text or len(text) > size:
        raise ValidationError({field: f"{label}: informe só os dígitos (até {size}), sem o dígito verificador."})
    return text


def add_carteira(uow: UnitOfWork, code: str, bank: str, agency: str, account: str, wallet: str, agreement: str,
                 next_nosso_numero: int = 1, instructions: str = "") -> CarteiraRow:
    """Register a carteira de cobrança.

    Raises:
        PermissionDenied: the actor may not manage catalogues.
        ValidationError / BusinessRuleError: a field the bank's boleto cannot carry, or a repeated code.
    """
    uow.require(Permission.CATALOGS_MANAGE)
    code = (code or "").strip().upper()
    if not code or len(code) > 30:
        raise ValidationError({"codigo": "Informe o código da carteira (até 30 caracteres), por exemplo BB1."})
    bank = _clean(bank, "banco", "Banco", 3).zfill(3)
    if bank not in boleto.BANKS:
        raise ValidationError({"banco": f"Banco {bank} ainda não emite boleto no ispdesk; use 001 (Banco do Brasil)"
                                        " ou 756 (Sicoob)."})
    if next_nosso_numero < 1:
        raise ValidationError({"proximo_nosso_numero": "O próximo nosso número deve ser 1 ou mais."})
    row = Carteira(id=uuid7(), code=code, bank=bank, agency=_clean(agency, "agencia", "Agência", 4),
                   account=_clean(account, "conta", "Conta", 12), wallet=_clean(wallet, "carteira", "Carteira", 3),
                   agreement=_clean(agreement, "convenio", "Convênio / código do beneficiário", 10),
                   next_nosso_numero=next_nosso_numero, instructions=(instructions or "").strip()[:2000],
                   active=True, created_at=uow.now)
    boleto.validate_wallet(_row(row).wallet_rule)
    boleto.nosso_numero_text(_row(row).wallet_rule, next_nosso_numero)
    with uow:
        if uow.session.scalar(select(Carteira.id).where(Carteira.code == code)) is not None:
            raise BusinessRuleError(f"Já existe a carteira {code}; escolha outro código.", field="codigo")
        uow.session.add(row)
        uow.session.flush()
        uow.audit("carteira", row.id, "create", {"banco": [None, bank], "agencia": [None, row.agency],
                                                 "conta": [None, row.account], "convenio": [None, row.agreement]},
                  summary=f"Carteira de cobrança {code} ({bank}) cadastrada")
        uow.commit()
        return _row(row)


def list_carteiras(uow: UnitOfWork) -> list[CarteiraRow]:
    """Every carteira, by code (open to every signed-in role)."""
    with uow:
        return [_row(c) for c in uow.session.scalars(select(Carteira).order_by(Carteira.code))]


def carteira_by_code(uow: UnitOfWork, code: str | None) -> Carteira:
    """The carteira `code`; with no code, the only active one.

    Raises:
        NotFound / BusinessRuleError: no such carteira, or several and none chosen.
    """
    if code:
        found = uow.session.scalar(select(Carteira).where(Carteira.code == code.strip().upper()))
        if found is None:
            raise NotFound(f"Carteira de cobrança {code.strip().upper()} não encontrada; veja `ispdesk carteiras "
                           "list`.")
        return found
    active = list(uow.session.scalars(select(Carteira).where(Carteira.active.is_(True)).limit(2)))
    if not active:
        raise BusinessRuleError("Nenhuma carteira de cobrança cadastrada: cadastre a do banco em "
                                "`ispdesk carteiras add` antes de emitir boletos.", field="carteira")
    if len(active) > 1:
        raise BusinessRuleError("Há mais de uma carteira de cobrança: informe qual usar (--carteira CODIGO).",
                                field="carteira")
    return active[0]


def title_of(uow: UnitOfWork, charge: Charge, carteira_code: str | None = None) -> tuple[BoletoTitle, Carteira]:
    """The charge's boleto title, taking the next nosso número of the carteira when it has none yet.

    The body of a use case (no permission check, no commit); a charge keeps its first number.
    """
    existing = uow.session.scalar(select(BoletoTitle).where(BoletoTitle.charge_id == charge.id))
    if existing is not None:
        carteira = uow.session.get(Carteira, existing.carteira_id)
        assert carteira is not None
        return existing, carteira
    carteira = carteira_by_code(uow, carteira_code)
    return take_numbers(uow, carteira, [charge.id])[0], carteira


def take_numbers(uow: UnitOfWork, carteira: Carteira, charge_ids: list[uuid.UUID]) -> list[BoletoTitle]:
    """Give each charge (none numbered yet) the next nosso número of `carteira`, in order, atomically."""
    if not charge_ids:
        return []
    after = uow.session.execute(
        update(Carteira).where(Carteira.id == carteira.id)
        .values(next_nosso_numero=Carteira.next_nosso_numero + len(charge_ids))
        .returning(Carteira.next_nosso_numero)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    first = int(after) - len(charge_ids)
    uow.session.refresh(carteira)
    rule = _row(carteira).wallet_rule
    titles = []
    for offset, charge_id in enumerate(charge_ids):
        seq = first + offset
        title = BoletoTitle(id=uuid7(), charge_id=charge_id, carteira_id=carteira.id, sequence=seq,
                            nosso_numero=boleto.nosso_numero_text(rule, seq), created_at=uow.now)
        uow.session.add(title)
        titles.append(title)
    uow.session.flush()
    return titles
