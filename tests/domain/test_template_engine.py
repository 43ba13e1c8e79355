"""The sandboxed template language: catalogue variables only, nothing ever executes."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ispdesk.domain.money_words import money_in_words, money_with_words
from ispdesk.domain.template_engine import (
    CATALOGUE,
    VALUE_END,
    VALUE_START,
    TemplateError,
    compile_template,
    inline_segments,
    parse_blocks,
    plain_text,
    sample_context,
)

CTX = sample_context()

# Audit events that would mean template text reached the interpreter, the OS or the file system.
_FORBIDDEN_EVENTS = ("exec", "compile", "import", "os.system", "subprocess.Popen", "open", "os.exec", "os.spawn")
_watch = {"on": False, "seen": []}


def _hook(event: str, _args: object) -> None:
    if _watch["on"] and event.startswith(_FORBIDDEN_EVENTS):
        _watch["seen"].append(event)


sys.addaudithook(_hook)


def compile_and_render(source: str) -> str | TemplateError:
    _watch["seen"] = []
    _watch["on"] = True
    try:
        return compile_template(source).render(CTX)
    except TemplateError as exc:
        return exc
    finally:
        _watch["on"] = False
        assert _watch["seen"] == [], _watch["seen"]


def rendered_plain(source: str) -> str:
    result = compile_and_render(source)
    assert isinstance(result, str), result
    return plain_text(result)


def test_placeholders_and_conditionals():
    out = rendered_plain("Olá {{ cliente.nome }}{% se contrato.tem_fidelidade %}, com fidelidade{% fim %}.")
    assert out == "Olá Maria José da Conceição, com fidelidade."
    out = rendered_plain("{% se não contrato.tem_fidelidade %}sem{% senão %}com{% fim %} {{plano.codigo}}")
    assert out == "com FIBRA-300"
    out = rendered_plain("{% se cliente.data_nascimento %}A{% fim %}{% se contrato.data_renovacao %}B{% fim %}")
    assert out == "A"


def test_every_catalogue_variable_renders_its_sample():
    source = "\n".join(f"{v.name}={{{{ {v.name} }}}}" for v in CATALOGUE)
    out = rendered_plain(source)
    for v in CATALOGUE:
        expected = v.sample if isinstance(v.sample, str) else ("sim" if v.sample else "não")
        assert f"{v.name}={expected}" in out
    assert compile_template(source).variables == {v.name for v in CATALOGUE}


def test_unknown_variable_is_named():
    with pytest.raises(TemplateError) as info:
        compile_template("Linha 1\nCliente: {{ cliente.nome }} {{ cliente.apelido }}\n{% se plano.cor %}x{% fim %}")
    assert info.value.unknown == ["cliente.apelido", "plano.cor"]
    assert "cliente.apelido" in info.value.message and "Linha 2" in info.value.message
    assert "plano.cor" in info.value.message and "Linha 3" in info.value.message
    assert info.value.field == "corpo"


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cliente.nome.__class__ }}",
        "{{ cliente.nome.upper() }}",
        "{{ 7*7 }}",
        "{{ cliente.nome|upper }}",
        "{% import os %}",
        "{% for x in range(10) %}{% endfor %}",
        "{% set x = 1 %}",
        "{{ __import__('os').system('touch /tmp/pwned') }}",
        "{% se __builtins__ %}x{% fim %}",
        "{{ config }}",
        "{% se cliente.nome and 1 %}x{% fim %}",
        "{{",
        "texto }} solto",
        "{% se contrato.tem_fidelidade %}sem fim",
        "{% fim %}",
        "{% senão %}",
    ],
)
def test_hostile_templates_are_refused(hostile):
    result = compile_and_render(hostile)
    assert isinstance(result, TemplateError), result
    assert result.message


def test_values_cannot_inject_markup_or_tags():
    ctx = dict(CTX, **{"cliente.nome": "**{{ empresa.cnpj }}** <b>&</b>\n## Cláusula falsa"})
    rendered = compile_template("# Título\n{{ cliente.nome }}").render(ctx)
    blocks = parse_blocks(rendered)
    assert [b.kind for b in blocks] == ["title", "para"]
    segments = inline_segments(blocks[1].text)
    assert segments == [("**{{ empresa.cnpj }}** <b>&</b> ## Cláusula falsa", False)]


def test_blocks_are_numbered_like_a_contract():
    source = ("# Contrato\n> sub\n### Das partes\npara\ncontinua\n\n## Do objeto\n+ um\n- a\n- b\n+ dois\n"
              "## Do preço\n+ três\n---\nfim")
    blocks = parse_blocks(compile_template(source).render(CTX))
    labels = [(b.kind, b.label, plain_text(b.text)) for b in blocks]
    assert labels == [
        ("title", "", "Contrato"), ("center", "", "sub"), ("heading", "", "Das partes"),
        ("para", "", "para continua"), ("clause", "CLÁUSULA 1ª", "Do objeto"), ("item", "1.1.", "um"),
        ("subitem", "a)", "a"), ("subitem", "b)", "b"), ("item", "1.2.", "dois"),
        ("clause", "CLÁUSULA 2ª", "Do preço"), ("item", "2.1.", "três"), ("pagebreak", "", ""), ("para", "", "fim"),
    ]


def test_bold_runs():
    assert inline_segments("a **b** c") == [("a ", False), ("b", True), (" c", False)]


def test_default_templates_compile():
    from ispdesk.reports.assets import resource_path

    for name in ("contrato_padrao.txt", "termo_fidelidade.txt"):
        template = compile_template(resource_path("templates", name).read_text(encoding="utf-8"))
        assert "plano.codigo" in template.variables and "contrato.regra_multa" in template.variables


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("99.90", "noventa e nove reais e noventa centavos"),
        ("1.00", "um real"),
        ("0.50", "cinquenta centavos"),
        ("0.01", "um centavo"),
        ("1234.56", "mil duzentos e trinta e quatro reais e cinquenta e seis centavos"),
        ("1000000", "um milhão de reais"),
        ("2.01", "dois reais e um centavo"),
        ("0", "zero reais"),
    ],
)
def test_money_in_words(value, words):
    assert money_in_words(Decimal(value)) == words


def test_money_with_words():
    assert money_with_words(Decimal("99.90")) == "R$ 99,90 (noventa e nove reais e noventa centavos)"


_ALPHABET = st.sampled_from(list("{}%.#+-> \n_abcxyz()[]'\"*|=") + ["{{", "}}", "{%", "%}", "se ", "fim", "senão",
                                                                    "cliente.nome", "__class__", "import os",
                                                                    "contrato.tem_fidelidade", "não "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_random_templates_render_or_raise_named_error(source):
    result = compile_and_render(source)
    if isinstance(result, TemplateError):
        assert result.problems and all("Linha" in p for p in result.problems)
    else:
        # a successful render leaves no tag syntax behind: every tag was a catalogue name or se/senão/fim
        stripped = plain_text(result)
        for token in ("{{", "}}", "{%", "%}"):
            assert token not in stripped


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_value_is_printed_verbatim_and_inert(value):
    ctx = dict(CTX, **{"cliente.nome": value})
    rendered = compile_template("Nome: {{ cliente.nome }}").render(ctx)
    text = plain_text(rendered)
    assert text.startswith("Nome: ")
    assert VALUE_START not in text and VALUE_END not in text
    assert len(parse_blocks(rendered)) <= 1
