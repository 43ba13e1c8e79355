"""CNAB 240 (FEBRABAN layout 10.x, cobrança): the records a remessa writes and a retorno carries.

Each record is 240 characters; numeric fields are zero-padded on the left, text fields are upper-case
ASCII padded with spaces on the right. `FIELDS` gives every field the ispdesk writes or reads, as
1-based inclusive positions exactly as in the FEBRABAN tables, so a file can be built and read back
with the same description.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ispdesk.domain.errors import BusinessRuleError

LINE = 240
LAYOUT_FILE = "101"
LAYOUT_BATCH = "060"
LIQUIDACAO = "06"


@dataclass(frozen=True)
class Field:
    """One field: 1-based inclusive positions, numeric (``9``) or text (``X``)."""

    name: str
    start: int
    end: int
    kind: str = "X"

    @property
    def size(self) -> int:
        """Width in characters."""
        return self.end - self.start + 1


def _f(name: str, start: int, end: int, kind: str = "X") -> Field:
    return Field(name, start, end, kind)


_CONTROL = [_f("banco", 1, 3, "9"), _f("lote", 4, 7, "9"), _f("registro", 8, 8, "9")]
_ACCOUNT = ["agencia", "agencia_dv", "conta", "conta_dv"]

FIELDS: dict[str, list[Field]] = {
    "header_arquivo": _CONTROL + [
        _f("tipo_inscricao", 18, 18, "9"), _f("inscricao", 19, 32, "9"), _f("convenio", 33, 52),
        _f("agencia", 53, 57, "9"), _f("agencia_dv", 58, 58), _f("conta", 59, 70, "9"), _f("conta_dv", 71, 71),
        _f("empresa", 73, 102), _f("nome_banco", 103, 132), _f("codigo_arquivo", 143, 143, "9"),
        _f("data_geracao", 144, 151, "9"), _f("hora_geracao", 152, 157, "9"), _f("sequencia", 158, 163, "9"),
        _f("layout", 164, 166, "9"), _f("densidade", 167, 171, "9")],
    "header_lote": _CONTROL + [
        _f("operacao", 9, 9), _f("servico", 10, 11, "9"), _f("layout_lote", 14, 16, "9"),
        _f("tipo_inscricao", 18, 18, "9"), _f("inscricao", 19, 33, "9"), _f("convenio", 34, 53),
        _f("agencia", 54, 58, "9"), _f("agencia_dv", 59, 59), _f("conta", 60, 71, "9"), _f("conta_dv", 72, 72),
        _f("empresa", 74, 103), _f("mensagem", 104, 143), _f("numero_remessa", 184, 191, "9"),
        _f("data_gravacao", 192, 199, "9"), _f("data_credito", 200, 207, "9")],
    "P": _CONTROL + [
        _f("sequencial", 9, 13, "9"), _f("segmento", 14, 14), _f("movimento", 16, 17, "9"),
        _f("agencia", 18, 22, "9"), _f("agencia_dv", 23, 23), _f("conta", 24, 35, "9"), _f("conta_dv", 36, 36),
        _f("nosso_numero", 38, 57), _f("carteira", 58, 58, "9"), _f("cadastramento", 59, 59, "9"),
        _f("tipo_documento", 60, 60), _f("emissao", 61, 61, "9"), _f("distribuicao", 62, 62),
        _f("numero_documento", 63, 77), _f("vencimento", 78, 85, "9"), _f("valor", 86, 100, "9"),
        _f("agencia_cobradora", 101, 105, "9"), _f("especie", 107, 108, "9"), _f("aceite", 109, 109),
        _f("emissao_titulo", 110, 117, "9"), _f("codigo_juros", 118, 118, "9"), _f("data_juros", 119, 126, "9"),
        _f("juros", 127, 141, "9"), _f("codigo_desconto", 142, 142, "9"), _f("data_desconto", 143, 150, "9"),
        _f("desconto", 151, 165, "9"), _f("iof", 166, 180, "9"), _f("abatimento", 181, 195, "9"),
        _f("uso_empresa", 196, 220), _f("codigo_protesto", 221, 221, "9"), _f("prazo_protesto", 222, 223, "9"),
        _f("codigo_baixa", 224, 224, "9"), _f("prazo_baixa", 225, 227), _f("moeda", 228, 229, "9"),
        _f("contrato", 230, 239, "9")],
    "Q": _CONTROL + [
        _f("sequencial", 9, 13, "9"), _f("segmento", 14, 14), _f("movimento", 16, 17, "9"),
        _f("tipo_inscricao", 18, 18, "9"), _f("inscricao", 19, 33, "9"), _f("nome", 34, 73),
        _f("endereco", 74, 113), _f("bairro", 114, 128), _f("cep", 129, 133, "9"), _f("cep_sufixo", 134, 136, "9"),
        _f("cidade", 137, 151), _f("uf", 152, 153), _f("tipo_inscricao_sacador", 154, 154, "9"),
        _f("inscricao_sacador", 155, 169, "9"), _f("sacador", 170, 209), _f("banco_correspondente", 210, 212, "9")],
    "T": _CONTROL + [
        _f("sequencial", 9, 13, "9"), _f("segmento", 14, 14), _f("movimento", 16, 17, "9"),
        _f("agencia", 18, 22, "9"), _f("agencia_dv", 23, 23), _f("conta", 24, 35, "9"), _f("conta_dv", 36, 36),
        _f("nosso_numero", 38, 57), _f("carteira", 58, 58, "9"), _f("numero_documento", 59, 73),
        _f("vencimento", 74, 81, "9"), _f("valor", 82, 96, "9"), _f("banco_cobrador", 97, 99, "9"),
        _f("agencia_cobradora", 100, 104, "9"), _f("uso_empresa", 106, 130), _f("moeda", 131, 132, "9"),
        _f("tipo_inscricao", 133, 133, "9"), _f("inscricao", 134, 148, "9"), _f("nome", 149, 188),
        _f("tarifa", 199, 213, "9"), _f("motivos", 214, 223)],
    "U": _CONTROL + [
        _f("sequencial", 9, 13, "9"), _f("segmento", 14, 14), _f("movimento", 16, 17, "9"),
        _f("acrescimos", 18, 32, "9"), _f("desconto", 33, 47, "9"), _f("abatimento", 48, 62, "9"),
        _f("iof", 63, 77, "9"), _f("valor_pago", 78, 92, "9"), _f("valor_liquido", 93, 107, "9"),
        _f("outras_despesas", 108, 122, "9"), _f("outros_creditos", 123, 137, "9"),
        _f("data_ocorrencia", 138, 145, "9"), _f("data_credito", 146, 153, "9")],
    "trailer_lote": _CONTROL + [
        _f("registros", 18, 23, "9"), _f("titulos", 24, 29, "9"), _f("valor_total", 30, 46, "9")],
    "trailer_arquivo": _CONTROL + [
        _f("lotes", 18, 23, "9"), _f("registros", 24, 29, "9")],
}


def ascii_text(value: object) -> str:
    """Upper-case ASCII (accents dropped), as the banks accept."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    return "".join(c for c in text if c.isascii() and (c.isprintable())).upper()


def _ordered(kind: str) -> list[Field]:
    fields = sorted(FIELDS[kind], key=lambda f: f.start)
    for a, b in zip(fields, fields[1:], strict=False):
        assert a.end < b.start, f"{kind}: {a.name} overlaps {b.name}"
    return fields


_ORDERED = {kind: _ordered(kind) for kind in FIELDS}


def render(kind: str, values: dict[str, object]) -> str:
    """The 240-character record `kind` with `values`; fields not given are zeros or spaces.

    Raises:
        BusinessRuleError: a numeric value does not fit its field.
    """
    parts: list[str] = []
    pos = 1
    for field in _ORDERED[kind]:
        value = values.get(field.name)
        size = field.end - field.start + 1
        if field.kind == "9":
            text = str(value) if value is not None else ""
            if not text.isdigit():
                text = "".join(ch for ch in text if ch.isdigit())
            if len(text) > size:
                raise BusinessRuleError(f"CNAB: o campo {field.name} ({text}) não cabe em {size} dígitos.")
            text = text.zfill(size)
        else:
            raw = "" if value is None else str(value)
            text = (raw.upper() if raw.isascii() else ascii_text(raw))[:size].ljust(size)
        parts.append(" " * (field.start - pos))
        parts.append(text)
        pos = field.end + 1
    parts.append(" " * (LINE + 1 - pos))
    return "".join(parts)


def parse(kind: str, line: str) -> dict[str, str]:
    """The fields of record `kind` in `line` (text stripped)."""
    return {f.name: line[f.start - 1:f.end].strip() for f in FIELDS[kind]}


def cents(amount: Decimal) -> str:
    """``99.90`` → ``9990`` (the 13,2 fields carry centavos without a separator)."""
    return str(int((amount * 100).to_integral_value()))


def money(text: str) -> Decimal:
    """``000000000009990`` → ``Decimal('99.90')``."""
    return (Decimal(int(text or "0")) / 100).quantize(Decimal("0.01"))


def day(value: date | None) -> str:
    """DDMMAAAA, or zeros."""
    return f"{value:%d%m%Y}" if value else "00000000"


def parse_day(text: str) -> date | None:
    """DDMMAAAA → date; zeros → None.

    Raises:
        ValueError: not a valid date.
    """
    if not text.strip("0 "):
        return None
    return date(int(text[4:8]), int(text[2:4]), int(text[0:2]))


def return_records(bank: str, seq: int, nosso_numero: str, movement: str, face: Decimal, paid: Decimal,
                   late: Decimal, paid_on: date | None, document: str = "") -> tuple[str, str]:
    """Segments T and U of one title of a retorno, as the bank writes them (tests, bench, simulations)."""
    t = render("T", {"banco": bank, "lote": 1, "registro": 3, "sequencial": seq, "segmento": "T",
                     "movimento": movement, "nosso_numero": nosso_numero, "numero_documento": document,
                     "valor": cents(face), "moeda": 9})
    u = render("U", {"banco": bank, "lote": 1, "registro": 3, "sequencial": seq + 1, "segmento": "U",
                     "movimento": movement, "acrescimos": cents(late), "valor_pago": cents(paid),
                     "valor_liquido": cents(paid), "data_ocorrencia": day(paid_on), "data_credito": day(paid_on)})
    return t, u


def return_file(bank: str, titles: list[tuple[str, str]], on: date, sequence: int = 1) -> str:
    """A whole CNAB 240 retorno (CRLF) around `titles` (pairs from `return_records`)."""
    lines = [render("header_arquivo", {"banco": bank, "registro": 0, "codigo_arquivo": 2, "data_geracao": day(on),
                                       "sequencia": sequence, "layout": LAYOUT_FILE}),
             render("header_lote", {"banco": bank, "lote": 1, "registro": 1, "operacao": "T", "servico": 1,
                                    "layout_lote": LAYOUT_BATCH, "numero_remessa": sequence})]
    for t, u in titles:
        lines += [t, u]
    lines.append(render("trailer_lote", {"banco": bank, "lote": 1, "registro": 5, "registros": len(lines)}))
    lines.append(render("trailer_arquivo", {"banco": bank, "lote": 9999, "registro": 9, "lotes": 1,
                                            "registros": len(lines) + 1}))
    return "\r\n".join(lines) + "\r\n"
