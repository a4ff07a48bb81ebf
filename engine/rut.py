"""Chilean RUT (Rol Único Tributario): validation and canonical forms, on top of python-stdnum."""

from __future__ import annotations

from stdnum.cl import rut as _stdnum_rut
from stdnum.exceptions import InvalidChecksum, ValidationError

CHECK_DIGIT_MESSAGE = "RUT inválido: el dígito verificador no corresponde"
FORMAT_MESSAGE = "RUT inválido: formato incorrecto"


def _compact(value: str) -> str:
    """Digits and check digit only: no dots, dash, spaces or ``CL`` prefix; leading zeros dropped."""
    return _stdnum_rut.compact(value).lstrip("0")


def normalize(value: str) -> str:
    """The canonical RUT ``12345678-5`` (no dots, uppercase K); raises ValueError in Spanish."""
    number = _compact(value)
    try:
        _stdnum_rut.validate(number)
    except InvalidChecksum:
        raise ValueError(CHECK_DIGIT_MESSAGE) from None
    except ValidationError:
        raise ValueError(FORMAT_MESSAGE) from None
    return f"{number[:-1]}-{number[-1]}"


def is_valid(value: str) -> bool:
    """Whether the value is a well-formed RUT whose check digit is correct."""
    if not isinstance(value, str):
        return False
    try:
        normalize(value)
    except ValueError:
        return False
    return True


def format_rut(value: str) -> str:
    """The RUT as people write it, ``12.345.678-5``; raises ValueError in Spanish when invalid."""
    return _stdnum_rut.format(normalize(value))
