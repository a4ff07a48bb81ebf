"""The provider (company) registry (SPEC §3): RUT, legal and trade name, market, contact e-mail, and whether
the company answers complaints digitally (provider portal/API) or by letter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import rut
from ..errors import FieldError, FormInvalid, NotFound
from ..models import Provider

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 160
MAX_MARKET = 60


class ProviderNotFound(NotFound):
    type = "/problems/provider-not-found"
    title = "Proveedor no encontrado"


@dataclass(frozen=True)
class ProviderView:
    rut: str
    legal_name: str
    trade_name: str
    market: str
    email: str | None
    digital: bool

    @property
    def display_rut(self) -> str:
        return rut.format_rut(self.rut)

    @property
    def name(self) -> str:
        return self.trade_name or self.legal_name


def _view(row: Provider) -> ProviderView:
    return ProviderView(row.rut, row.legal_name, row.trade_name, row.market, row.email, row.digital)


def _problems(rut_text: str, legal_name: str, market: str, email: str | None) -> list[FieldError]:
    problems = []
    if not rut.is_valid(rut_text):
        problems.append(FieldError("rut", "RUT inválido: revise el dígito verificador."))
    if not 2 <= len(legal_name.strip()) <= MAX_NAME:
        problems.append(
            FieldError("legal_name", f"La razón social debe tener entre 2 y {MAX_NAME} caracteres.")
        )
    if len(market) > MAX_MARKET:
        problems.append(FieldError("market", f"El mercado no puede tener más de {MAX_MARKET} caracteres."))
    if email is not None and (len(email) > MAX_NAME or not _EMAIL.match(email)):
        problems.append(FieldError("email", "Correo electrónico inválido."))
    return problems


def add_provider(
    s: Session,
    rut_text: str,
    legal_name: str,
    now: datetime,
    trade_name: str = "",
    market: str = "",
    email: str | None = None,
    digital: bool = False,
) -> ProviderView:
    """Register a company; FormInvalid (422) for a bad RUT, name or e-mail, or a RUT already registered."""
    problems = _problems(rut_text, legal_name, market, email)
    if problems:
        raise FormInvalid(problems)
    canonical = rut.normalize(rut_text)
    if s.get(Provider, canonical) is not None:
        raise FormInvalid(
            [FieldError("rut", f"El proveedor {rut.format_rut(canonical)} ya está registrado.")]
        )
    row = Provider(
        rut=canonical,
        legal_name=legal_name.strip(),
        trade_name=trade_name.strip()[:MAX_NAME],
        market=market.strip(),
        email=email,
        digital=digital,
        created_at=now,
    )
    s.add(row)
    s.flush()
    return _view(row)


def list_providers(s: Session) -> list[ProviderView]:
    """Every registered company, by name."""
    rows = s.execute(select(Provider).order_by(Provider.legal_name, Provider.rut)).scalars()
    return [_view(row) for row in rows]


def get_provider(s: Session, rut_text: str) -> ProviderView:
    """One registered company by RUT (any common spelling); ProviderNotFound otherwise."""
    try:
        canonical = rut.normalize(rut_text)
    except ValueError:
        raise ProviderNotFound(f"no hay un proveedor registrado con RUT {rut_text}") from None
    row = s.get(Provider, canonical)
    if row is None:
        raise ProviderNotFound(f"no hay un proveedor registrado con RUT {rut_text}")
    return _view(row)
