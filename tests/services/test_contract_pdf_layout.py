"""Contract PDF layout: the real creation date in the metadata, signatures never alone on a page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from ispdesk.domain.template_engine import Block
from ispdesk.reports.contract_pdf import ContractPdf, Signatory, render_contract_pdf
from ispdesk.services.documents import generate_contract_pdf
from tests import factories

SIGNERS = (Signatory("ASSINANTE", "Maria da Silva", "CPF 529.982.247-25"),
           Signatory("PRESTADORA", "Rede Vale Ltda.", "CNPJ 27.865.757/0001-02"))
FILLER = "Texto de preenchimento da cláusula que ocupa uma linha inteira do contrato impresso. " * 3


def _pdf(blocks: tuple[Block, ...], created: datetime | None = None) -> bytes:
    return render_contract_pdf(ContractPdf("t", blocks, "Rede Vale Ltda.", "CNPJ", None, "ref", "0000", SIGNERS,
                                           created_at=created))


@pytest.mark.parametrize("ending", ["item", "clause", "para"])
def test_signatures_never_sit_alone_on_the_last_page(ending):
    for fill in range(4, 40):
        body = [Block("title", "Contrato")] + [Block("para", f"{n}. {FILLER}") for n in range(fill)]
        if ending == "item":
            body += [Block("clause", "Do foro", "CLÁUSULA 9ª"), Block("item", "ÚLTIMO ITEM do contrato.", "9.1")]
        elif ending == "clause":
            body += [Block("clause", "ÚLTIMA CLÁUSULA", "CLÁUSULA 9ª")]
        else:
            body += [Block("para", "ÚLTIMO PARÁGRAFO do contrato.")]
        pages = PdfReader(io.BytesIO(_pdf(tuple(body)))).pages
        last = pages[-1].extract_text()
        assert "Maria da Silva" in last
        assert "ÚLTIM" in last, f"{fill} parágrafos: assinaturas sozinhas na página {len(pages)}"


def test_metadata_creation_date_is_the_real_one(uow, real_company, tmp_path):
    with uow() as u:
        contract = factories.make_contract(u.session)
        u.commit()
    result = generate_contract_pdf(uow(), contract.id)
    meta = PdfReader(io.BytesIO(result.pdf)).metadata
    assert meta.creation_date == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the test clock's now
    assert meta.modification_date == meta.creation_date
    if shutil.which("pdfinfo"):
        path = tmp_path / "c.pdf"
        path.write_bytes(result.pdf)
        info = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True)
        assert "2026-11-27T12:00:00Z" in info.stdout.split("CreationDate:")[1].splitlines()[0]
    again = generate_contract_pdf(uow(), contract.id)
    assert again.pdf == result.pdf  # same input, same instant: same bytes
