"""Numbers as the guide writes them (snippets.render.numbers): each format pinned by examples,
and read back to the value it stands for, within the digits it promises.

Witness: `parse`, written here independently of the module, turns a TeX or text number back
into a float; a format that drops a digit it promised, or adds one, fails the round trip.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from snippets.render.numbers import (
    MINUS,
    THIN_TIMES,
    TIMES,
    byte_size,
    coordinates,
    decimal,
    exact,
    factor,
    fixed,
    matrix,
    minus,
    num,
    over,
    plain,
    plain_fraction,
    power_of_ten,
    rounded,
    scientific,
    shape_text,
    signed,
    significant,
    term,
    thousands,
    thousands_tex,
    vector,
)

# Reading a number back: what its last written digit may be off by, at most half a unit.
HALF_UNIT = 0.5
# Float slack on top of that half unit: the decimal string of a float is not the float.
FLOAT_RTOL = 1e-12

# Values as the guide shows them: losses, gradients, weights, from 1e-12 to 1e6, both signs.
magnitudes = st.floats(min_value=1e-12, max_value=1e6, allow_nan=False, allow_infinity=False)
values = st.one_of(st.just(0.0), magnitudes, magnitudes.map(lambda x: -x))
# Values in a table of decimals: |x| < 1e4, so that `digits` decimals stay within `num`'s
# ten significant digits.
table_values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=5)
significant_digits = st.integers(min_value=1, max_value=6)
counts = st.integers(min_value=0, max_value=10**15)

_SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse(written: str) -> float:
    """The value a number of the guide stands for: TeX (1.5 \\cdot 10^{-3}, \\tfrac{1}{9},
    34{,}944, (-0.5)) or text (−2, 1/9, 10⁻¹²)."""
    text = written.replace(MINUS, "-").replace("{,}", "").replace(r"\,", "").strip("()")
    if match := re.fullmatch(r"(-?)\\tfrac\{(\d+)\}\{(\d+)\}", text):
        sign, numerator, denominator = match.groups()
        return (-1 if sign else 1) * int(numerator) / int(denominator)
    if match := re.fullmatch(r"(-?[\d.]+) \\cdot 10\^\{(-?\d+)\}", text):
        return float(f"{match.group(1)}e{match.group(2)}")
    if match := re.fullmatch(r"10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text):
        return 10.0 ** int(match.group(1).translate(_SUPERSCRIPT_DIGITS))
    if "/" in text:
        return float(Fraction(text))
    return float(text)


def within(got: float, want: float, unit: float) -> bool:
    """`got` is `want` to within half a unit of the last digit shown (plus float slack)."""
    return abs(got - want) <= HALF_UNIT * unit + FLOAT_RTOL * max(abs(want), unit)


def last_significant_unit(value: float, digits: int) -> float:
    """The place value of the `digits`-th significant digit of `value` (0.0123, 3 -> 1e-4)."""
    return 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)


# --- num, signed: any number, no float noise -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.1000000000000003, "1.1"),
        (0.52, "0.52"),
        (-0.0, "0"),
        (3e-4, "0.0003"),
        (2e-5, r"2 \cdot 10^{-5}"),
        (Fraction(1, 9), r"\tfrac{1}{9}"),
        (Fraction(-1, 9), r"-\tfrac{1}{9}"),
        (Fraction(3, 1), "3"),
        (2, "2"),
    ],
)
def test_num_writes_numbers_as_the_exam_does(value, text):
    assert num(value) == text


def test_num_with_digits_writes_exactly_that_many_decimals():
    assert num(0.5, 3) == "0.500"
    assert num(2, 1) == "2.0"


@given(values)
def test_num_reads_back_to_the_value_within_ten_significant_digits(value):
    if value == 0:
        assert num(value) == "0"
    else:
        assert within(parse(num(value)), value, last_significant_unit(value, 10))


def test_signed_wraps_negative_factors():
    assert signed(-0.25) == "(-0.25)"
    assert signed(0.8) == "0.8"
    assert signed(Fraction(-1, 9)) == r"(-\tfrac{1}{9})"


@given(values)
def test_signed_is_num_with_parentheses_exactly_around_negatives(value):
    text = signed(value)
    assert text.startswith("(") == num(value).startswith("-")
    assert text.strip("()") == num(value)


# --- rounded, fixed: a fixed number of decimals ----------------------------------------------


def test_rounded_drops_trailing_zeros():
    assert rounded(0.905171, 4) == "0.9052"
    assert rounded(2.5, 4) == "2.5"
    assert rounded(-0.00001, 4) == "0"


@given(table_values, decimals)
@example(2.675, 2)  # a float just below a tie: Python's round is correctly rounded
def test_rounded_reads_back_to_the_value_within_its_decimals(value, digits):
    assert within(parse(rounded(value, digits)), value, 10.0**-digits)


def test_fixed_keeps_trailing_zeros_and_never_writes_minus_zero():
    assert fixed(0.5, 4) == "0.5000"
    assert fixed(-0.00001, 4) == "0.0000"
    assert fixed(-1.23456, 2) == "-1.23"


@given(table_values, st.integers(min_value=1, max_value=5))
def test_fixed_shows_exactly_its_decimals_and_reads_back_within_them(value, digits):
    text = fixed(value, digits)
    assert len(text.split(".")[1]) == digits
    assert not re.fullmatch(r"-0\.0*", text)
    assert within(parse(text), value, 10.0**-digits)


# --- significant, scientific: a number of significant digits ---------------------------------


def test_significant_rounds_to_significant_digits():
    assert significant(0.012345) == "0.0123"
    assert significant(1.5612e-21) == r"1.56 \cdot 10^{-21}"
    assert significant(91_738_472.0, 2) == "92000000"
    assert significant(0.0) == "0"


@given(magnitudes, significant_digits)
def test_significant_reads_back_within_its_last_significant_digit(value, digits):
    shown = parse(significant(value, digits))
    assert within(shown, value, last_significant_unit(value, digits))


def test_scientific_always_writes_a_power_of_ten():
    assert scientific(3e-4) == r"3 \cdot 10^{-4}"
    assert scientific(0.015) == r"1.5 \cdot 10^{-2}"
    assert scientific(7.63e-4, 2) == r"7.6 \cdot 10^{-4}"
    assert scientific(1.0) == r"1 \cdot 10^{0}"


@given(magnitudes, significant_digits)
def test_scientific_has_a_mantissa_from_one_to_ten_and_reads_back(value, digits):
    text = scientific(value, digits)
    mantissa = float(text.split(r" \cdot ")[0])
    assert 1 <= mantissa < 10
    assert within(parse(text), value, last_significant_unit(value, digits))


# --- decimal, factor, minus, term: the exam's table style ------------------------------------


@pytest.mark.parametrize(
    ("value", "text"), [(2.0, "2.0"), (-0.5, "-0.5"), (0.65, "0.65"), (-3, "-3.0"), (0, "0.0")]
)
def test_decimal_writes_at_least_one_decimal(value, text):
    assert decimal(value) == text


@given(values)
def test_decimal_is_num_with_a_decimal_point(value):
    text = decimal(value)
    assert "." in text or r"\cdot" in text
    assert parse(text) == parse(num(value))


def test_factor_minus_and_term_write_signs_as_the_exam_does():
    assert factor(2) == "2.0"
    assert factor(-0.5) == "(-0.5)"
    assert minus(0.5) == "- 0.5"
    assert minus(-1.5) == "- (-1.5)"
    assert term(0.5) == "+ 0.5"
    assert term(-0.5) == "- 0.5"


@given(values)
def test_term_reads_back_to_the_value(value):
    sign, magnitude = term(value).split(" ", 1)
    assert (-1 if sign == "-" else 1) * parse(magnitude) == parse(decimal(value))


# --- exact fractions ---------------------------------------------------------------------------


def test_exact_finds_the_small_fraction_a_float_stands_for():
    assert exact(1 / 9) == Fraction(1, 9)
    assert exact(-27 / 9) == -3
    with pytest.raises(ValueError, match=r"^value"):
        exact(math.pi)


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_exact_recovers_every_fraction_of_a_small_denominator(numerator, denominator):
    assert exact(numerator / denominator) == Fraction(numerator, denominator)


def test_over_writes_the_fraction_unreduced_with_its_sign_in_front():
    assert over(Fraction(27), 9) == r"\tfrac{27}{9}"
    assert over(Fraction(-27), 9) == r"-\tfrac{27}{9}"
    assert parse(over(Fraction(-27), 9)) == -3


# --- counts and sizes ----------------------------------------------------------------------


def test_thousands_groups_digits_in_threes():
    assert thousands(34_944) == "34,944"
    assert thousands(999) == "999"
    assert thousands_tex(34_944) == "34{,}944"
    assert thousands_tex(91_738_472, thin=True) == r"91\,738\,472"


@given(counts)
def test_thousands_reads_back_to_the_count(n):
    assert int(thousands(n).replace(",", "")) == n
    for text in (thousands_tex(n), thousands_tex(n, thin=True)):
        assert int(parse(text)) == n
    assert all(len(group) == 3 for group in thousands(n).split(",")[1:])


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 bytes"), (999, "999 bytes"), (1000, "1 kB"), (367_000_000, "367 MB"),
     (999_999, "1 MB"), (33_660_000_000_000_000, "33.7 PB")],
)  # fmt: skip
def test_byte_size_writes_si_units(n, text):
    assert byte_size(n) == text


@given(counts)
def test_byte_size_reads_back_within_three_significant_digits(n):
    amount, unit = byte_size(n).split(" ")
    scale = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15}[unit]
    assert 1 <= float(amount) < 1000 or unit in {"bytes", "PB"}  # no "1e+03 kB"
    if n:
        assert within(float(amount) * scale, n, last_significant_unit(n, 3))


def test_shape_text_joins_sizes_with_a_times_sign():
    assert shape_text((224, 224, 3)) == "224\u00a0×\u00a0224\u00a0×\u00a03"
    assert shape_text(("?", "?", 96), THIN_TIMES) == "?\u2009×\u2009?\u2009×\u200996"
    assert TIMES.strip() == THIN_TIMES.strip() == "×"


# --- several numbers in TeX ------------------------------------------------------------------


def test_vector_coordinates_and_matrix():
    assert vector([1.0, -0.5]) == r"[1, -0.5]^\top"
    assert coordinates(np.array([0.905171, 0.49049]), 4) == r"(0.9052,\ 0.4905)"
    assert matrix([[1, 2], [3, 4.5]]) == r"\begin{bmatrix}1 & 2 \\ 3 & 4.5\end{bmatrix}"
    assert matrix([0.12345, 1]) == r"\begin{bmatrix}0.12345 & 1\end{bmatrix}"  # 1-D: a row
    assert matrix(np.array([[0.12345], [2]]), 2) == r"\begin{bmatrix}0.12 \\ 2\end{bmatrix}"


@given(st.lists(table_values, min_size=1, max_size=4), decimals)
def test_matrix_entries_read_back_within_their_decimals(entries, digits):
    tex = matrix(entries, digits)
    body = tex.removeprefix(r"\begin{bmatrix}").removesuffix(r"\end{bmatrix}")
    shown = [parse(cell) for cell in body.split(" & ")]
    assert all(within(s, v, 10.0**-digits) for s, v in zip(shown, entries, strict=True))


# --- plain text for figures ------------------------------------------------------------------


def test_plain_writes_a_true_minus_sign_and_no_minus_zero():
    assert plain(-0.123456, 4) == f"{MINUS}0.1235"
    assert plain(-0.00001, 4) == f"{MINUS}1e{MINUS}05"
    assert plain(-1e-9, 1) == f"{MINUS}1e{MINUS}09"
    assert plain(-0.0, 4) == "0"
    assert "$" not in plain(-2.5, 4)


@given(magnitudes.map(lambda x: -x), significant_digits)
def test_plain_reads_back_within_its_significant_digits(value, digits):
    text = plain(value, digits)
    assert "-" not in text
    assert within(float(text.replace(MINUS, "-")), value, last_significant_unit(value, digits))


def test_plain_fraction_writes_small_fractions_else_decimals():
    assert plain_fraction(1 / 9) == "1/9"
    assert plain_fraction(-2.0) == f"{MINUS}2"
    assert plain_fraction(0.123456) == "0.123"
    assert plain_fraction(math.pi, 4) == "3.142"


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_plain_fraction_reads_back_to_every_small_fraction(numerator, denominator):
    assert parse(plain_fraction(numerator / denominator)) == numerator / denominator


def test_power_of_ten_writes_superscript_exponents():
    assert power_of_ten(1e-12) == "10⁻¹²"
    assert power_of_ten(1000.0) == "10³"
    assert power_of_ten(1.0) == "10⁰"
    assert power_of_ten(1.0, plain_one=True) == "1"


@given(st.integers(min_value=-30, max_value=30))
def test_power_of_ten_reads_back_to_its_tick(exponent):
    tick = 10.0**exponent
    assert math.isclose(parse(power_of_ten(tick)), tick, rel_tol=FLOAT_RTOL)
