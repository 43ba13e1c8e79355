"""Issue 11 item 12: properties of the text, digit, amount and date rules in `ispdesk.domain`."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ispdesk.domain.contact import normalize_cep, normalize_mobile, normalize_phone
from ispdesk.domain.date_windows import (
    DEFAULT_FOUNDING,
    check_activation,
    check_base_date,
    check_birth,
    check_payment,
)
from ispdesk.domain.dates import format_date, parse_date
from ispdesk.domain.errors import BusinessRuleError, ValidationError
from ispdesk.domain.money import MAX_AMOUNT, check_cents, format_number, parse_money
from ispdesk.domain.text import BIDI_CONTROLS, check_ascii_digits, check_text, doubtful_character

TODAY = date(2026, 11, 27)

# printable text a person may type: letters, marks, digits, punctuation, symbols, spaces
_typed = st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), max_size=60)
_bad_chars = st.one_of(
    st.sampled_from(sorted(BIDI_CONTROLS)),
    st.characters(whitelist_categories=("Cc",)).filter(lambda c: c not in "\t\n\r"),
    st.just("\x00"),
)


@given(_typed)
def test_typed_text_passes_unchanged(text: str) -> None:
    assert check_text(text, "O nome", "nome") == text


@given(_typed, _bad_chars, _typed)
def test_any_control_or_bidi_character_is_refused_wherever_it_is(before: str, bad: str, after: str) -> None:
    with pytest.raises(BusinessRuleError) as info:
        check_text(before + bad + after, "A observação", "observacao", multiline=True)
    assert info.value.field == "observacao" and "não pode ser gravado" in info.value.message


@given(st.text(max_size=20), st.text(max_size=20))
def test_nul_is_refused_far_past_the_first_4kb(head: str, tail: str) -> None:
    text = "a" * 8192 + head + "\x00" + tail
    assert doubtful_character(text, multiline=True) is not None


def test_line_breaks_only_in_multiline_text() -> None:
    assert check_text("a\nb\tc", "A observação", "observacao", multiline=True)
    with pytest.raises(BusinessRuleError):
        check_text("a\nb", "O nome", "nome")


_foreign_digit = st.characters(whitelist_categories=("Nd", "No")).filter(
    lambda c: c.isdigit() and not "0" <= c <= "9")


@given(st.text("0123456789()- ", max_size=6), _foreign_digit, st.text("0123456789", max_size=6))
def test_non_ascii_digits_are_refused_with_the_digit_named(before: str, digit: str, after: str) -> None:
    text = before + digit + after
    with pytest.raises(BusinessRuleError) as info:
        check_ascii_digits(text, "O celular", "celular")
    assert f"U+{ord(digit):04X}" in info.value.message
    for normalize in (normalize_mobile, normalize_phone, normalize_cep):
        with pytest.raises(BusinessRuleError):  # never a ValueError, never stored
            normalize(text)


def test_arabic_indic_digits_equal_in_value_are_still_refused() -> None:
    with pytest.raises(BusinessRuleError, match="algarismo 0–9"):
        normalize_mobile("١١٩٨٧٦٥٤٣٢١")
    with pytest.raises(BusinessRuleError, match="algarismo 0–9"):
        normalize_cep("٠١٣١٠١٠٠")


# ------------------------------------------------------------------------------------------ amounts

_cents = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)


@given(_cents)
def test_two_decimal_amounts_round_trip_in_every_spelling(value: Decimal) -> None:
    shown = format_number(value)
    assert parse_money(shown) == value
    assert parse_money(f"R$ {shown}") == value if value >= 0 else True
    assert parse_money(f"{value:.2f}") == value


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.integers(min_value=1, max_value=9))
def test_a_third_decimal_is_refused_never_rounded(value: Decimal, extra: int) -> None:
    typed = format_number(value) + str(extra)
    with pytest.raises(BusinessRuleError, match="mais de duas casas decimais"):
        parse_money(typed)
    with pytest.raises(BusinessRuleError, match="mais de duas casas decimais"):
        check_cents(value + Decimal(extra) / 1000)


@given(_cents)
def test_trailing_third_decimal_zero_is_refused_in_typed_text(value: Decimal) -> None:
    with pytest.raises(BusinessRuleError):
        parse_money(format_number(value) + "0")  # 1.234,560: a digit too many is a typo too


def test_the_issue_example_and_foreign_digits() -> None:
    with pytest.raises(BusinessRuleError, match="1.234,567"):
        parse_money("1.234,567")
    with pytest.raises(BusinessRuleError):
        parse_money("١٢٣,٤٥")
    with pytest.raises(BusinessRuleError, match="grande demais"):
        parse_money("12345678901234567890")


@given(st.text(max_size=12))
def test_parse_money_either_returns_cents_or_refuses(text: str) -> None:
    try:
        value = parse_money(text)
    except BusinessRuleError:
        return
    assert value == value.quantize(Decimal("0.01")) and abs(value) <= MAX_AMOUNT


@given(st.text(max_size=12))
def test_parse_date_either_returns_a_date_or_refuses(text: str) -> None:
    try:
        parse_date(text)
    except BusinessRuleError:
        return


def test_parse_date_refuses_foreign_digits() -> None:
    with pytest.raises(BusinessRuleError):
        parse_date("٠١/٠١/٢٠٢٦")


def test_format_date_pads_the_year() -> None:
    assert format_date(date(1, 1, 1)) == "01/01/0001"


# -------------------------------------------------------------------------------------------- dates

_days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@given(_days)
def test_activation_window(day: date) -> None:
    inside = DEFAULT_FOUNDING <= day <= TODAY
    try:
        check_activation(day, TODAY)
    except ValidationError as exc:
        assert not inside and exc.field == "data_ativacao"
    else:
        assert inside


@given(_days, _days)
def test_payment_window(paid_on: date, period_start: date) -> None:
    try:
        check_payment(paid_on, TODAY, period_start)
    except ValidationError as exc:
        assert exc.field == "data_pagamento"
        assert paid_on > TODAY or paid_on < DEFAULT_FOUNDING or paid_on < period_start
    else:
        assert DEFAULT_FOUNDING <= paid_on <= TODAY and paid_on >= period_start - timedelta(days=31)


@given(_days)
def test_birth_window(day: date) -> None:
    try:
        check_birth(day, TODAY)
    except ValidationError:
        assert day < date(1900, 1, 1) or day > TODAY
    else:
        assert date(1900, 1, 1) <= day <= TODAY


@given(st.dates(min_value=DEFAULT_FOUNDING, max_value=TODAY), st.integers(min_value=0, max_value=800))
def test_base_date_at_most_a_year_ahead(activated: date, ahead: int) -> None:
    base = TODAY + timedelta(days=ahead)
    try:
        check_base_date(base, activated, TODAY)
    except ValidationError:
        assert ahead > 366
    else:
        assert ahead <= 366


def test_unicode_categories_used_are_known() -> None:
    assert unicodedata.category("\u202e") == "Cf"
