"""The provider's own data: read, save (parameters ``empresa_*`` + the MATRIZ branch + logo), example check.

The contracts print the branch of the contract (the seeded ``MATRIZ`` mirrors the parameters), so a
save writes both in one transaction. The logo lives on the ``MATRIZ`` branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import Branch
from ispdesk.domain import company as rules
from ispdesk.domain.errors import ValidationError
from ispdesk.domain.permissions import Permission
from ispdesk.services.uow import UnitOfWork

MAIN_BRANCH = "MATRIZ"
MAX_LOGO_BYTES = 1_000_000
_PNG = b"\x89PNG\r\n\x1a\n"
KEEP: Any = object()  # `save_company(logo_png=KEEP)`: leave the stored logo as it is


@dataclass(frozen=True)
class CompanyRow:
    """The provider's data as stored (unmasked) and whether it is still the example one.

    Attributes:
        values: ``empresa_*`` parameter name → stored text.
        logo_png: the logo printed on contracts (PNG bytes) or None.
        example: True while razão social or CNPJ are still the example provider's.
    """

    values: dict[str, str]
    logo_png: bytes | None
    example: bool


def _main_branch(session: Session) -> Branch | None:
    return session.scalar(select(Branch).where(Branch.code == MAIN_BRANCH))


def sync_main_branch(session: Session, values: Mapping[str, Any]) -> None:
    """Copy the company parameters onto the ``MATRIZ`` branch the contracts print (no commit)."""
    branch = _main_branch(session)
    if branch is None:
        return
    branch.legal_name = str(values["empresa_razao_social"])
    branch.trade_name = str(values["empresa_nome_fantasia"])
    branch.cnpj = str(values["empresa_cnpj"])[:14]
    branch.address = str(values["empresa_endereco"])
    branch.city = str(values["empresa_cidade"])
    branch.state = str(values["empresa_uf"])[:2]
    branch.cep = str(values["empresa_cep"])[:8]
    branch.phone = str(values["empresa_telefone"])[:11]
    branch.email = str(values["empresa_email"])


def company_of(session: Session) -> CompanyRow:
    """The company data on an open session (read-only helper)."""
    from ispdesk.services import parameters

    params = parameters.load(session)
    values = {n: str(params[n]) for n in rules.FIELDS}
    branch = _main_branch(session)
    return CompanyRow(values, branch.logo_png if branch is not None else None,
                      rules.is_example(values["empresa_razao_social"], values["empresa_cnpj"]))


def get_company(uow: UnitOfWork) -> CompanyRow:
    """The provider's data (every signed-in role may read it: it is printed on every document)."""
    with uow:
        return company_of(uow.session)


def check_logo(logo_png: bytes | None) -> None:
    """Raise ValidationError unless `logo_png` is None or a PNG of at most 1 MB."""
    if logo_png is None:
        return
    if not logo_png.startswith(_PNG):
        raise ValidationError({"logo": "O logotipo deve ser uma imagem PNG ou JPEG. Escolha outro arquivo."})
    if len(logo_png) > MAX_LOGO_BYTES:
        raise ValidationError({"logo": f"O logotipo tem {len(logo_png) // 1000} kB; use uma imagem de até "
                                       "1 MB (por exemplo 600 × 200 pixels)."})


def save_company_in(uow: UnitOfWork, values: Mapping[str, Any], logo_png: Any = KEEP) -> CompanyRow:
    """Validate and store the company data (and the logo unless `KEEP`); no commit, no permission check.

    Raises:
        ValidationError: field name → what is wrong and how to fix it.
    """
    from ispdesk.services import parameters

    if logo_png is not KEEP:
        check_logo(logo_png)
    parameters.update_in(uow, {n: v for n, v in values.items() if n in rules.FIELDS})
    if logo_png is not KEEP:
        branch = _main_branch(uow.session)
        before = branch.logo_png if branch is not None else None
        if branch is not None and before != logo_png:
            branch.logo_png = logo_png
            uow.audit("branch", branch.id, "logo", {"logo": [before is not None, logo_png is not None]},
                      "Logotipo da empresa " + ("alterado" if logo_png else "removido"))
    uow.session.flush()
    return company_of(uow.session)


def save_company(uow: UnitOfWork, values: Mapping[str, Any], logo_png: Any = KEEP) -> CompanyRow:
    """Save the provider's data (first run, Parâmetros › Empresa); administrators; audited; commit."""
    uow.require(Permission.PARAMS_EDIT)
    with uow:
        row = save_company_in(uow, values, logo_png)
        uow.commit()
        return row
