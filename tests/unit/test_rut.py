"""RUT validation and canonical forms; valid RUTs are computed with python-stdnum, never guessed."""

from __future__ import annotations

import pytest
from stdnum.cl import rut as stdnum_rut

from engine import rut


def _with_digit(body: str) -> str:
    return f"{body}-{stdnum_rut.calc_check_digit(body)}"


def _wrong_digit(body: str) -> str:
    right = stdnum_rut.calc_check_digit(body)
    return f"{body}-{'1' if right != '1' else '2'}"


def _body_with_k() -> str:
    return next(str(n) for n in range(10_000_000, 10_001_000) if stdnum_rut.calc_check_digit(str(n)) == "K")


@pytest.mark.parametrize("body", ["11111111", "12345678", "7654321", "76086428"])
def test_normalize_gives_canonical_form_from_any_way_of_writing_it(body: str) -> None:
    canonical = _with_digit(body)
    dotted = stdnum_rut.format(canonical)
    for written in (canonical, dotted, f"  {dotted} ", canonical.replace("-", ""), f"0{dotted}"):
        assert rut.normalize(written) == canonical
    assert rut.is_valid(dotted)


def test_check_digit_k_is_uppercase_in_canonical_form() -> None:
    body = _body_with_k()
    assert rut.normalize(f"{body}-k") == f"{body}-K"
    assert rut.format_rut(f"{body}k").endswith("-K")


def test_format_rut_adds_thousands_dots() -> None:
    assert rut.format_rut(_with_digit("12345678")) == stdnum_rut.format(_with_digit("12345678"))
    assert rut.format_rut("123456785") == "12.345.678-5"


@pytest.mark.parametrize("body", ["11111111", "12345678", "7654321"])
def test_a_wrong_check_digit_is_refused(body: str) -> None:
    assert not rut.is_valid(_wrong_digit(body))
    with pytest.raises(ValueError, match=r"^RUT inválido: el dígito verificador no corresponde$"):
        rut.normalize(_wrong_digit(body))
    with pytest.raises(ValueError, match="dígito verificador"):
        rut.format_rut(_wrong_digit(body))


@pytest.mark.parametrize("value", ["", "abc", "12.345.67A-5", "1-9", "123456789012-3"])
def test_a_malformed_rut_is_refused(value: str) -> None:
    assert not rut.is_valid(value)
    with pytest.raises(ValueError, match=r"^RUT inválido: formato incorrecto$"):
        rut.normalize(value)
