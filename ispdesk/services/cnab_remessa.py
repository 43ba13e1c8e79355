"""``export cnab-remessa``: the CNAB 240 remessa of a carteira's titles not yet sent to the bank.

Open charges of the carteira without a nosso número get one first (same sequence as the boleto);
every open title with no ``sent_on`` goes in the file (segments P and Q), is marked sent on the
remessa date, and the carteira's ``next_remessa`` gives the file its sequence (NSA). The file is
written whole or not at all; the database is committed only after the file is in place, so a failed
write sends nothing and a later run sends the same titles again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, update

from ispdesk.db.models import BoletoTitle, Carteira, Charge, Contract, Customer
from ispdesk.domain import boleto, cnab240
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.money import to_cents
from ispdesk.domain.permissions import Permission
from ispdesk.domain.statuses import ChargeStatus
from ispdesk.domain.text import digits
from ispdesk.domain.wording import plural
from ispdesk.services import carteiras
from ispdesk.services.atomic_file import write_bytes_atomic
from ispdesk.services.company import company_of
from ispdesk.services.late_fees import rates_on
from ispdesk.services.uow import UnitOfWork

#: A lote numbers its records with 5 digits: at most 49,999 titles (P + Q) per lote, then a new lote.
MAX_TITLES_PER_BATCH = 49_999


@dataclass(frozen=True)
class RemessaResult:
    """What a remessa carried."""

    path: Path
    sequence: int
    titles: int
    total: Decimal


def _account(c: Carteira) -> dict[str, object]:
    return {"banco": c.bank, "agencia": c.agency, "conta": c.account}


def remessa_lines(uow: UnitOfWork, carteira: Carteira, on: date) -> tuple[list[str], int, Decimal, int]:
    """Build the remessa of `carteira` (numbers taken, titles marked sent); lines, titles, total, NSA.

    The body of `export_remessa` (no permission check, no commit).
    """
    open_ids = list(uow.session.scalars(
        select(Charge.id).outerjoin(BoletoTitle, BoletoTitle.charge_id == Charge.id)
        .where(Charge.status == ChargeStatus.ABERTA, BoletoTitle.id.is_(None))
        .order_by(Charge.due_date, Charge.number)))
    carteiras.take_numbers(uow, carteira, open_ids)
    rows = uow.session.execute(
        select(BoletoTitle, Charge, Customer)
        .join(Charge, Charge.id == BoletoTitle.charge_id)
        .join(Contract, Contract.id == Charge.contract_id).join(Customer, Customer.id == Contract.customer_id)
        .where(BoletoTitle.carteira_id == carteira.id, BoletoTitle.sent_on.is_(None),
               Charge.status == ChargeStatus.ABERTA)
        .order_by(BoletoTitle.sequence)).all()
    if not rows:
        raise BusinessRuleError(f"A carteira {carteira.code} não tem títulos em aberto a enviar: todos já foram "
                                "em remessas anteriores. Gere as cobranças do período antes.", field="carteira")
    nsa = int(uow.session.execute(
        update(Carteira).where(Carteira.id == carteira.id).values(next_remessa=Carteira.next_remessa + 1)
        .returning(Carteira.next_remessa).execution_options(synchronize_session=False)).scalar_one()) - 1
    company = company_of(uow.session).values
    cnpj = digits(str(company.get("empresa_cnpj") or ""))
    name = str(company.get("empresa_razao_social") or company.get("empresa_nome_fantasia") or "")
    rates = rates_on(uow.session)
    account = _account(carteira)
    head = {**account, "tipo_inscricao": 2 if len(cnpj) == 14 else 1, "inscricao": cnpj,
            "convenio": carteira.agreement, "empresa": name}
    lines = [cnab240.render("header_arquivo", {
        **head, "lote": 0, "registro": 0, "nome_banco": boleto.BANKS.get(carteira.bank, ""), "codigo_arquivo": 1,
        "data_geracao": cnab240.day(on), "hora_geracao": f"{uow.now:%H%M%S}", "sequencia": nsa,
        "layout": cnab240.LAYOUT_FILE, "densidade": "01600"})]
    total = Decimal(0)
    batches = [rows[i:i + MAX_TITLES_PER_BATCH] for i in range(0, len(rows), MAX_TITLES_PER_BATCH)]
    for batch_no, batch in enumerate(batches, start=1):
        lines.append(cnab240.render("header_lote", {
            **head, "lote": batch_no, "registro": 1, "operacao": "R", "servico": 1,
            "layout_lote": cnab240.LAYOUT_BATCH, "numero_remessa": nsa, "data_gravacao": cnab240.day(on)}))
        batch_total = Decimal(0)
        seq = 0
        for title, charge, customer in batch:
            amount = to_cents(charge.amount - charge.paid_amount + charge.fine_owed + charge.interest_owed)
            batch_total += amount
            per_day = to_cents(amount * rates.interest / 100 / 30)
            doc = digits(customer.document or "")
            seq += 1
            lines.append(cnab240.render("P", {
                **account, "lote": batch_no, "registro": 3, "sequencial": seq, "segmento": "P", "movimento": 1,
                "nosso_numero": title.nosso_numero, "carteira": carteira.wallet[-1:], "cadastramento": 1,
                "tipo_documento": "1", "emissao": 2, "distribuicao": "2", "numero_documento": str(charge.number),
                "vencimento": cnab240.day(charge.due_date), "valor": cnab240.cents(amount), "especie": 4,
                "aceite": "N", "emissao_titulo": cnab240.day(charge.created_at.date()),
                "codigo_juros": 1 if per_day > 0 else 3,
                "data_juros": cnab240.day(charge.effective_due_date + timedelta(days=1)) if per_day > 0 else None,
                "juros": cnab240.cents(per_day), "codigo_desconto": 0, "uso_empresa": f"ISPD{charge.number}",
                "codigo_protesto": 3, "prazo_protesto": 0, "codigo_baixa": 0, "prazo_baixa": "", "moeda": 9}))
            seq += 1
            street = ", ".join(p for p in (customer.street, customer.number, customer.complement) if p)
            cep = digits(customer.cep or "").ljust(8, "0")
            lines.append(cnab240.render("Q", {
                "banco": carteira.bank, "lote": batch_no, "registro": 3, "sequencial": seq, "segmento": "Q",
                "movimento": 1, "tipo_inscricao": 2 if len(doc) == 14 else 1, "inscricao": doc,
                "nome": customer.name, "endereco": street, "bairro": customer.district, "cep": cep[:5],
                "cep_sufixo": cep[5:], "cidade": customer.city, "uf": customer.state}))
            title.sent_on = on
        lines.append(cnab240.render("trailer_lote", {
            "banco": carteira.bank, "lote": batch_no, "registro": 5, "registros": seq + 2, "titulos": len(batch),
            "valor_total": cnab240.cents(batch_total)}))
        total += batch_total
    lines.append(cnab240.render("trailer_arquivo", {
        "banco": carteira.bank, "lote": 9999, "registro": 9, "lotes": len(batches), "registros": len(lines) + 1}))
    uow.session.flush()
    return lines, len(rows), total, nsa


def export_remessa(uow: UnitOfWork, carteira: str | None = None, on: date | None = None,
                   output: str | Path | None = None) -> RemessaResult:
    """Write the CNAB 240 remessa of carteira `carteira` to `output` (default ``remessa_CODIGO_NSA.rem``).

    Raises:
        PermissionDenied: the actor may not print boletos.
        NotFound / BusinessRuleError: no such carteira, nothing to send, the file cannot be written.
    """
    uow.require(Permission.DOCUMENTS_PRINT)
    with uow:
        found = carteiras.carteira_by_code(uow, carteira)
        day = on or uow.today
        lines, count, total, nsa = remessa_lines(uow, found, day)
        path = Path(output) if output is not None else Path(f"remessa_{found.code}_{nsa:06d}.rem")
        data = ("\r\n".join(lines) + "\r\n").encode("ascii")
        try:
            write_bytes_atomic(path, data)
        except OSError as exc:
            raise BusinessRuleError(f"Não foi possível gravar {path}: {exc.strerror or exc}. Escolha outra pasta "
                                    "(--out).", field="out") from None
        uow.audit("carteira", found.id, "remessa", {"remessa": [None, nsa], "titulos": [None, count]},
                  summary=f"Remessa CNAB 240 nº {nsa} da carteira {found.code}: {plural(count, 'título', 'títulos')}")
        uow.commit()
        return RemessaResult(path, nsa, count, total)
