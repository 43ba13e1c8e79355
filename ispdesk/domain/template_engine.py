"""The sandboxed template language of contract documents (modelos de contrato e termos).

A template is plain text in a small markup, with placeholders and conditionals:

* ``{{ cliente.nome }}`` — a variable of the fixed catalogue `CATALOGUE` (nothing else: no
  attribute access, no calls, no arithmetic, no filters). A name outside the catalogue is refused
  when the template is saved and the message names it.
* ``{% se contrato.tem_fidelidade %} … {% senão %} … {% fim %}`` — conditional text (also
  ``{% se não … %}``); a text variable is true when not empty.
* Lines: ``# Título`` (document title), ``## Do objeto`` (a clause, numbered automatically:
  "CLÁUSULA 1ª — DO OBJETO"), ``### Subtítulo`` (unnumbered heading), ``+ texto`` (a numbered item
  of the current clause: 1.1, 1.2 …), ``- texto`` (a lettered sub-item: a), b) …), ``> texto``
  (centred line), ``---`` (page break); other lines are paragraphs (consecutive lines join;
  a blank line ends a paragraph). ``**negrito**`` marks bold text.

Nothing in a template is ever evaluated as code: the text is split by one regular expression into
literal text, variable names (looked up in a plain dict) and the three conditional words. Values
are wrapped in `VALUE_START`/`VALUE_END` after rendering so that markup characters inside a
customer's data (``**``, ``#``, ``<``) are never interpreted.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ispdesk.domain.errors import BusinessRuleError

#: Markers around a substituted value in rendered text (never present in values: control chars are removed).
VALUE_START = "\x01"
VALUE_END = "\x02"

#: Longest template accepted (characters) and deepest nesting of conditionals.
MAX_TEMPLATE_CHARS = 200_000
MAX_DEPTH = 16

Value = str | bool


@dataclass(frozen=True)
class Variable:
    """One variable a template may use.

    Attributes:
        name: dotted name, e.g. ``cliente.nome``.
        description: what it prints, in Portuguese (shown in the editor's list).
        sample: the value used by the preview with a sample contract.
        group: the heading it is listed under (Empresa, Cliente, Contrato, Plano, Datas).
    """

    name: str
    description: str
    sample: Value
    group: str


def _v(name: str, description: str, sample: Value) -> Variable:
    groups = {"empresa": "Empresa", "cliente": "Cliente", "contrato": "Contrato", "plano": "Plano",
              "datas": "Datas", "cobranca": "Cobrança e inadimplência"}
    return Variable(name, description, sample, groups[name.split(".", 1)[0]])


CATALOGUE: tuple[Variable, ...] = (
    # Empresa / filial (the contracting ISP)
    _v("empresa.razao_social", "Razão social da empresa (filial do contrato ou parâmetros Empresa)",
       "Provedor Exemplo Ltda."),
    _v("empresa.nome_fantasia", "Nome fantasia", "Provedor Exemplo"),
    _v("empresa.cnpj", "CNPJ da empresa, com máscara", "11.222.333/0001-81"),
    _v("empresa.endereco", "Endereço da empresa (logradouro e número)", "Rua das Fibras, 100 — Centro"),
    _v("empresa.cidade", "Cidade da empresa", "São Paulo"),
    _v("empresa.uf", "UF da empresa", "SP"),
    _v("empresa.cep", "CEP da empresa, com máscara", "01310-100"),
    _v("empresa.endereco_completo", "Endereço completo da empresa (com cidade, UF e CEP)",
       "Rua das Fibras, 100 — Centro, São Paulo/SP, CEP 01310-100"),
    _v("empresa.telefone", "Telefone da central de atendimento, com máscara", "(11) 3333-4444"),
    _v("empresa.email", "E-mail de atendimento", "atendimento@provedor.example"),
    _v("empresa.site", "Site da empresa", "www.provedor.example"),
    # Cliente
    _v("cliente.nome", "Nome ou razão social do cliente", "Maria José da Conceição"),
    _v("cliente.codigo", "Código do cliente", "100123"),
    _v("cliente.tipo_pessoa", "“pessoa física” ou “pessoa jurídica”", "pessoa física"),
    _v("cliente.pessoa_juridica", "Verdadeiro quando o cliente é pessoa jurídica (para {% se %})", False),
    _v("cliente.documento_tipo", "“CPF” ou “CNPJ”", "CPF"),
    _v("cliente.documento", "CPF ou CNPJ do cliente, com máscara", "529.982.247-25"),
    _v("cliente.rg_ie_tipo", "“RG” ou “Inscrição Estadual”", "RG"),
    _v("cliente.rg_ie", "RG (pessoa física) ou inscrição estadual (pessoa jurídica)", "12.345.678-9"),
    _v("cliente.data_nascimento", "Data de nascimento (dd/mm/aaaa)", "15/03/1985"),
    _v("cliente.endereco", "Logradouro, número, complemento e bairro do cliente",
       "Av. Paulista, 1000, apto. 12 — Bela Vista"),
    _v("cliente.cidade", "Cidade do cliente", "São Paulo"),
    _v("cliente.uf", "UF do cliente", "SP"),
    _v("cliente.cep", "CEP do cliente, com máscara", "01310-100"),
    _v("cliente.endereco_completo", "Endereço completo do cliente (com cidade, UF e CEP)",
       "Av. Paulista, 1000, apto. 12 — Bela Vista, São Paulo/SP, CEP 01310-100"),
    _v("cliente.celular", "Celular, com máscara", "(11) 98765-4321"),
    _v("cliente.telefone", "Telefone fixo, com máscara", "(11) 3456-7890"),
    _v("cliente.telefones", "Telefones do cliente (celular e fixo), com máscara",
       "(11) 98765-4321 / (11) 3456-7890"),
    _v("cliente.telefones_rotulo", "\"telefone\" ou \"telefones\", conforme quantos o cliente tem",
       "telefones"),
    _v("cliente.email", "E-mail do cliente", "maria.conceicao@example.com"),
    # Contrato
    _v("contrato.numero", "Número do contrato", "5123"),
    _v("contrato.situacao", "Situação do contrato", "pré-contrato"),
    _v("contrato.data_ativacao", "Data de ativação (dd/mm/aaaa) ou “data da instalação”",
       "data da instalação"),
    _v("contrato.data_base", "Data base financeira (dd/mm/aaaa)", "data da instalação"),
    _v("contrato.data_renovacao", "Data da última renovação (dd/mm/aaaa), vazia quando não houve", ""),
    _v("contrato.valor", "Valor mensal em algarismos", "R$ 99,90"),
    _v("contrato.valor_extenso", "Valor mensal por extenso", "noventa e nove reais e noventa centavos"),
    _v("contrato.valor_completo", "Valor mensal em algarismos e por extenso",
       "R$ 99,90 (noventa e nove reais e noventa centavos)"),
    _v("contrato.dia_vencimento", "Dia do vencimento mensal", "10"),
    _v("contrato.condicao_pagamento", "Condição de pagamento", "Mensal pós-pago"),
    _v("contrato.tipo_cobranca", "Tipo de cobrança (boleto, PIX …)", "Boleto bancário"),
    _v("contrato.tem_fidelidade", "Verdadeiro quando há fidelidade (para {% se %})", True),
    _v("contrato.fidelidade_meses", "Prazo de fidelidade em meses", "12"),
    _v("contrato.fidelidade_meses_extenso", "Prazo de fidelidade por extenso", "doze"),
    _v("contrato.fidelidade_dias", "Prazo de fidelidade em dias (divisor da multa)", "365"),
    _v("contrato.beneficio", "Benefício total concedido pela fidelidade, em algarismos", "R$ 600,00"),
    _v("contrato.beneficio_completo", "Benefício em algarismos e por extenso",
       "R$ 600,00 (seiscentos reais)"),
    _v("contrato.data_expiracao", "Fim da fidelidade (dd/mm/aaaa) ou “12 meses após a ativação”",
       "12 meses após a ativação"),
    _v("contrato.regra_multa", "A regra da multa proporcional por rescisão antecipada",
       "benefício de R$ 600,00 × dias restantes da fidelidade ÷ 365 dias de fidelidade"),
    # Plano
    _v("plano.codigo", "Código da oferta (impresso no contrato e nas cobranças — RGC 765)", "FIBRA-300"),
    _v("plano.nome", "Nome do plano", "Fibra 300 Mega"),
    _v("plano.download", "Velocidade de download contratada", "300 Mbps"),
    _v("plano.upload", "Velocidade de upload contratada", "150 Mbps"),
    _v("plano.velocidades", "Velocidades contratadas (download e upload)",
       "300 Mbps de download e 150 Mbps de upload"),
    _v("plano.regra_reajuste", "Regra de reajuste da oferta", "IPCA acumulado em 12 meses"),
    _v("plano.valor_tabela", "Preço de tabela do plano", "R$ 99,90"),
    # Cobrança e inadimplência (parâmetros gerais)
    _v("cobranca.multa_atraso", "Multa por atraso (%)", "2 %"),
    _v("cobranca.juros_mes", "Juros de mora ao mês (%)", "1 %"),
    _v("cobranca.dias_rescisao", "Dias de suspensão total antes da rescisão (mínimo legal 60)", "60"),
    _v("cobranca.aviso_reajuste_dias", "Dias de aviso prévio do reajuste (mínimo 30)", "30"),
    # Datas
    _v("datas.hoje", "Data de emissão do documento (dd/mm/aaaa)", "27/11/2026"),
    _v("datas.hoje_extenso", "Data de emissão por extenso", "27 de novembro de 2026"),
    _v("datas.local_data", "Cidade da empresa e data de emissão por extenso",
       "São Paulo, 27 de novembro de 2026"),
)

BY_NAME: dict[str, Variable] = {v.name: v for v in CATALOGUE}


def sample_context() -> dict[str, Value]:
    """The sample values of every variable (the preview's sample contract)."""
    return {v.name: v.sample for v in CATALOGUE}


class TemplateError(BusinessRuleError):
    """A template that cannot be saved or rendered; the message names the offending text.

    Attributes:
        problems: one Portuguese line per problem.
        unknown: the unknown variable names, in order of appearance.
    """

    def __init__(self, problems: list[str], unknown: list[str] | None = None) -> None:
        self.problems = problems
        self.unknown = unknown or []
        if len(problems) == 1:
            message = problems[0]
        else:
            message = "O modelo tem problemas:\n" + "\n".join(f"• {p}" for p in problems)
        super().__init__(message, field="corpo")


# ---------------------------------------------------------------------------------------------
# Parsing

_TAG = re.compile(r"\{\{(?P<expr>[^{}\n]*)\}\}|\{%(?P<stmt>[^{}\n]*)%\}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Var:
    name: str


@dataclass
class _If:
    name: str
    negate: bool
    line: int
    then: list[_Node] = field(default_factory=list)
    otherwise: list[_Node] = field(default_factory=list)
    in_else: bool = False


_Node = _Text | _Var | _If


def _show(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass(frozen=True)
class Template:
    """A parsed, validated template; `render` fills it from a context of catalogue values.

    Attributes:
        source: the template text.
        variables: the catalogue names the template uses.
    """

    source: str
    variables: frozenset[str]
    _nodes: tuple[_Node, ...]

    def render(self, context: Mapping[str, Value]) -> str:
        """The rendered text, each value wrapped in `VALUE_START` … `VALUE_END`.

        Raises:
            KeyError: the context lacks a variable the template uses (a bug in the caller).
        """
        out: list[str] = []
        _render(self._nodes, context, out)
        return "".join(out)

    def render_plain(self, context: Mapping[str, Value]) -> str:
        """The rendered text with values as they are, no markers (message texts: line breaks kept)."""
        out: list[str] = []
        _render(self._nodes, context, out, _plain_value)
        return "".join(out)


def _truthy(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    return bool(value.strip())


def clean_value(value: Value) -> str:
    """The printable text of a value: booleans as sim/não, control characters removed."""
    if isinstance(value, bool):
        return "sim" if value else "não"
    return _CONTROL.sub(" ", str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def _plain_value(value: Value) -> str:
    """A value for plain text: booleans as sim/não, line breaks and tabs kept, other control chars removed."""
    if isinstance(value, bool):
        return "sim" if value else "não"
    return _PLAIN_CONTROL.sub(" ", str(value))


_PLAIN_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _marked_value(value: Value) -> str:
    return VALUE_START + clean_value(value) + VALUE_END


def _render(nodes: tuple[_Node, ...] | list[_Node], context: Mapping[str, Value], out: list[str],
            show: Callable[[Value], str] = _marked_value) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Var):
            out.append(show(context[node.name]))
        else:
            chosen = _truthy(context[node.name]) != node.negate
            _render(node.then if chosen else node.otherwise, context, out, show)


def _parse_statement(stmt: str) -> tuple[str, str, bool] | None:
    """``se x`` → ("se", "x", False); ``se não x`` → ("se", "x", True); ``senão``/``fim``; else None."""
    words = stmt.split()
    if not words:
        return None
    head = words[0].lower()
    if head in ("senão", "senao") and len(words) == 1:
        return ("senao", "", False)
    if head == "fim" and len(words) == 1:
        return ("fim", "", False)
    if head == "se" and len(words) == 2:
        return ("se", words[1], False)
    if head == "se" and len(words) == 3 and words[1].lower() in ("não", "nao"):
        return ("se", words[2], True)
    return None


def compile_template(source: str, catalogue: Mapping[str, Variable] | None = None) -> Template:
    """Parse and validate `source` (against `catalogue`, default the contract variables `BY_NAME`).

    Raises:
        TemplateError: unknown variables (named), expressions or commands that are not allowed,
            unbalanced conditionals or incomplete tags — every problem found, with its line.
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError([f"O modelo é grande demais ({len(source)} caracteres; máximo {MAX_TEMPLATE_CHARS})."])
    problems: list[str] = []
    unknown: list[str] = []
    used: set[str] = set()
    root: list[_Node] = []
    stack: list[_If] = []

    def current() -> list[_Node]:
        if not stack:
            return root
        top = stack[-1]
        return top.otherwise if top.in_else else top.then

    def check_name(raw: str, line: int) -> str | None:
        name = raw.strip()
        if not _NAME.fullmatch(name):
            problems.append(
                f"Linha {line}: expressão não permitida “{_show(raw)}”. Use apenas nomes de variáveis da "
                "lista, por exemplo {{ cliente.nome }}."
            )
            return None
        if name not in (BY_NAME if catalogue is None else catalogue):
            if name not in unknown:
                unknown.append(name)
            problems.append(f"Linha {line}: variável desconhecida “{name}”. Escolha uma variável da lista.")
            return None
        used.add(name)
        return name

    def literal(text: str, start_line: int) -> None:
        for offset, piece in enumerate(text.split("\n")):
            stray = _STRAY.search(piece)
            if stray:
                problems.append(
                    f"Linha {start_line + offset}: marcação incompleta “{_show(piece[stray.start():])}”. "
                    "Feche as variáveis com }} e os comandos com %}."
                )
        if text:
            current().append(_Text(text))

    pos = 0
    for match in _TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        literal(source[pos:match.start()], source.count("\n", 0, pos) + 1)
        pos = match.end()
        if match.group("expr") is not None:
            name = check_name(match.group("expr"), line)
            if name is not None:
                current().append(_Var(name))
            continue
        stmt = match.group("stmt")
        parsed = _parse_statement(stmt)
        if parsed is None:
            problems.append(
                f"Linha {line}: comando não permitido “{_show(stmt)}”. Use apenas {{% se variável %}}, "
                "{% senão %} e {% fim %}."
            )
            continue
        kind, raw_name, negate = parsed
        if kind == "se":
            if len(stack) >= MAX_DEPTH:
                problems.append(f"Linha {line}: condições aninhadas demais (máximo {MAX_DEPTH}).")
                continue
            name = check_name(raw_name, line) or ""
            node = _If(name=name, negate=negate, line=line)
            current().append(node)
            stack.append(node)
        elif kind == "senao":
            if not stack or stack[-1].in_else:
                problems.append(f"Linha {line}: {{% senão %}} sem um {{% se … %}} aberto antes.")
            else:
                stack[-1].in_else = True
        else:
            if not stack:
                problems.append(f"Linha {line}: {{% fim %}} sem um {{% se … %}} aberto antes.")
            else:
                stack.pop()
    literal(source[pos:], source.count("\n", 0, pos) + 1)
    for node in stack:
        problems.append(f"Linha {node.line}: o {{% se %}} aberto aqui não foi fechado com {{% fim %}}.")
    if problems:
        raise TemplateError(problems, unknown)
    return Template(source=source, variables=frozenset(used), _nodes=tuple(root))


# ---------------------------------------------------------------------------------------------
# Block markup of the rendered text

ORDINAL_SUFFIX = "ª"


@dataclass(frozen=True)
class Block:
    """One block of a rendered document.

    Attributes:
        kind: ``title``, ``heading``, ``clause``, ``item``, ``subitem``, ``center``, ``para``, ``pagebreak``.
        text: the inline text (values still wrapped in markers; ``**`` marks bold).
        label: the automatic numbering: ``CLÁUSULA 1ª``, ``1.2.``, ``a)`` — empty otherwise.
    """

    kind: str
    text: str
    label: str = ""


_LINE_KINDS = (("### ", "heading"), ("## ", "clause"), ("# ", "title"), ("+ ", "item"), ("- ", "subitem"),
               ("> ", "center"))


def _line_kind(line: str) -> tuple[str, str] | None:
    for prefix, kind in _LINE_KINDS:
        if line.startswith(prefix):
            return kind, line[len(prefix):].strip()
    return None


def parse_blocks(rendered: str) -> list[Block]:
    """Split rendered text into numbered blocks (markers are recognised only in template text)."""
    blocks: list[Block] = []
    clause = item = sub = 0
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    for raw in rendered.split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line == "---":
            flush()
            blocks.append(Block("pagebreak", ""))
            continue
        found = _line_kind(line)
        if found is None:
            para.append(line)
            continue
        flush()
        kind, text = found
        if kind == "clause":
            clause += 1
            item = sub = 0
            blocks.append(Block(kind, text, f"CLÁUSULA {clause}{ORDINAL_SUFFIX}"))
        elif kind == "item":
            item += 1
            sub = 0
            label = f"{clause}.{item}." if clause else f"{item}."
            blocks.append(Block(kind, text, label))
        elif kind == "subitem":
            sub += 1
            blocks.append(Block(kind, text, f"{_letter(sub)})"))
        else:
            blocks.append(Block(kind, text))
    flush()
    return blocks


def _letter(n: int) -> str:
    letters = string.ascii_lowercase
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = letters[r] + out
    return out


_INLINE = re.compile("(" + VALUE_START + "[^" + VALUE_END + "]*" + VALUE_END + r"|\*\*)")


def plain_text(text: str) -> str:
    """Inline text without value markers and bold marks (for previews and tests)."""
    return "".join(run for run, _bold in inline_segments(text))


def inline_segments(text: str) -> list[tuple[str, bool]]:
    """Split inline text into (text, bold) runs; ``**`` toggles bold only outside values."""
    runs: list[tuple[str, bool]] = []
    bold = False
    buf: list[str] = []
    for piece in _INLINE.split(text):
        if piece == "**":
            if buf:
                runs.append(("".join(buf), bold))
                buf = []
            bold = not bold
        elif piece.startswith(VALUE_START):
            buf.append(piece[1:-1])
        elif piece:
            buf.append(piece)
    if buf:
        runs.append(("".join(buf), bold))
    return runs
