"""The provider (company) registry (SPEC §3): RUT, legal and trade name, market, contact e-mail, and whether
the company answers complaints digitally (provider portal/API) or by letter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, or_, select
from sqlalchemy.orm import Session

from .. import rut
from ..errors import FieldError, FormInvalid, NotFound
from ..models import Provider, User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 160
MAX_MARKET = 60
MAX_QUERY = 100
PER_PAGE = 50
EDITABLE = ("legal_name", "trade_name", "market", "email", "digital")
LETTER_WITH_ACCOUNTS = (
    "La empresa tiene {accounts} cuenta(s) del portal de proveedores: mientras responda por carta no podrán "
    "ver ni responder reclamos."
)


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
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def display_rut(self) -> str:
        return rut.format_rut(self.rut)

    @property
    def name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def medium_label(self) -> str:
        """How the company answers, in the words of the pages."""
        return "mediación digital" if self.digital else "responde por carta"


@dataclass(frozen=True)
class ProviderPage:
    """One page of a registry search: the companies shown, how many match in all, and the page number."""

    items: list[ProviderView]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def _view(row: Provider) -> ProviderView:
    return ProviderView(
        row.rut,
        row.legal_name,
        row.trade_name,
        row.market,
        row.email,
        row.digital,
        row.created_at,
        row.updated_at,
        row.updated_by,
    )


def _clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _clean_email(value: Any) -> str | None:
    return _clean_text(value) or None


_MESSAGES = {
    "legal_name": f"La razón social debe tener entre 2 y {MAX_NAME} caracteres.",
    "trade_name": f"El nombre de fantasía no puede tener más de {MAX_NAME} caracteres.",
    "market": f"El mercado no puede tener más de {MAX_MARKET} caracteres.",
    "email": "Correo electrónico inválido.",
    "digital": "Indique si la empresa responde por el portal (mediación digital) o por carta.",
}


def _ok(field: str, value: Any) -> bool:
    if field == "legal_name":
        return 2 <= len(value) <= MAX_NAME
    if field == "trade_name":
        return len(value) <= MAX_NAME
    if field == "market":
        return len(value) <= MAX_MARKET
    if field == "email":
        return value is None or (len(value) <= MAX_NAME and bool(_EMAIL.match(value)))
    return isinstance(value, bool)  # digital


def _problems(values: Mapping[str, Any]) -> list[FieldError]:
    """The field errors of the (cleaned) values present: the same rules for adding and editing."""
    return [FieldError(field, _MESSAGES[field]) for field, value in values.items() if not _ok(field, value)]


def _cleaned(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Trimmed values of the editable fields present; unknown fields are refused."""
    values: dict[str, Any] = {}
    errors = [FieldError(k, "Campo no permitido.") for k in data if k not in EDITABLE]
    for field in EDITABLE:
        if field not in data:
            continue
        raw = data[field]
        if field == "email":
            values[field] = _clean_email(raw)
        elif field == "digital":
            values[field] = raw
        else:
            values[field] = _clean_text(raw)
    return values, errors + _problems(values)


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
    values, problems = _cleaned(
        {
            "legal_name": legal_name,
            "trade_name": trade_name,
            "market": market,
            "email": email,
            "digital": digital,
        }
    )
    if not rut.is_valid(rut_text):
        problems.insert(0, FieldError("rut", "RUT inválido: revise el dígito verificador."))
    elif s.get(Provider, rut.normalize(rut_text)) is not None:
        shown = rut.format_rut(rut_text)
        problems.insert(0, FieldError("rut", f"El proveedor {shown} ya está registrado."))
    if problems:
        raise FormInvalid(problems)
    row = Provider(rut=rut.normalize(rut_text), created_at=now, **values)
    s.add(row)
    s.flush()
    return _view(row)


def update_provider(
    s: Session, rut_text: str, changes: Mapping[str, Any], by: str, now: datetime
) -> ProviderView:
    """Change some of a company's fields (``EDITABLE``), checked as when adding: FormInvalid (422) with one
    error per field and nothing changed; ProviderNotFound for a RUT not in the registry. The RUT never
    changes: it is the company's identity, and cases and accounts refer to it."""
    row = _row(s, rut_text)
    values, problems = _cleaned(changes)
    if problems:
        raise FormInvalid(problems)
    for field, value in values.items():
        setattr(row, field, value)
    row.updated_at, row.updated_by = now, by[:80]
    s.flush()
    return _view(row)


def list_providers(s: Session) -> list[ProviderView]:
    """Every registered company, by name."""
    rows = s.execute(select(Provider).order_by(Provider.legal_name, Provider.rut)).scalars()
    return [_view(row) for row in rows]


def _matching(query: str) -> Any:
    """Companies whose RUT (with or without dots and dash) or legal or trade name contain the query."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return None
    conditions = [
        Provider.legal_name.icontains(text, autoescape=True),
        Provider.trade_name.icontains(text, autoescape=True),
    ]
    compact = re.sub(r"[.\s]", "", text).upper()
    if compact and re.fullmatch(r"\d[\dK-]*", compact):
        plain_rut = func.replace(Provider.rut, "-", "", type_=String)  # 76086428-5 → 760864285
        conditions.append(plain_rut.contains(compact.replace("-", ""), autoescape=True))
    return or_(*conditions)


def search_providers(s: Session, query: str = "", page: int = 1, per_page: int = PER_PAGE) -> ProviderPage:
    """One page of the registry by name, optionally only companies matching ``query`` (RUT or name)."""
    where = _matching(query)
    count = select(func.count()).select_from(Provider)
    rows = select(Provider).order_by(Provider.legal_name, Provider.rut)
    if where is not None:
        count, rows = count.where(where), rows.where(where)
    total = s.execute(count).scalar_one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    found = s.execute(rows.limit(per_page).offset((page - 1) * per_page)).scalars()
    return ProviderPage([_view(row) for row in found], total, page, per_page)


def known_markets(s: Session) -> list[str]:
    """The markets already used in the registry, for the form's suggestions."""
    rows = s.execute(select(Provider.market).where(Provider.market != "").distinct()).scalars()
    return sorted(rows)


def _row(s: Session, rut_text: str) -> Provider:
    try:
        canonical = rut.normalize(rut_text)
    except ValueError:
        raise ProviderNotFound(f"no hay un proveedor registrado con RUT {rut_text}") from None
    row = s.get(Provider, canonical)
    if row is None:
        raise ProviderNotFound(f"no hay un proveedor registrado con RUT {rut_text}")
    return row


def get_provider(s: Session, rut_text: str) -> ProviderView:
    """One registered company by RUT (any common spelling); ProviderNotFound otherwise."""
    return _view(_row(s, rut_text))


def find_provider(s: Session, rut_text: str | None) -> ProviderView | None:
    """The registered company with this RUT, or None (no RUT, a wrong one, or a company not registered:
    intake takes complaints about any company)."""
    if not rut_text or not rut.is_valid(rut_text):
        return None
    row = s.get(Provider, rut.normalize(rut_text))
    return _view(row) if row is not None else None


def portal_accounts(s: Session, rut_text: str) -> int:
    """How many active provider accounts answer for this company (they need it to be digital)."""
    canonical = rut.normalize(rut_text)
    return s.execute(
        select(func.count()).select_from(User).where(User.provider_rut == canonical, User.active.is_(True))
    ).scalar_one()


def registry_data(rut_text: str | None, entry: ProviderView | None) -> dict[str, Any]:
    """What forms and the case file see of a case's company in the registry (the ``proveedor`` name of the
    forms' ``x-prefill`` expressions): registered or not, digital or by letter, contact e-mail."""
    return {
        "registrado": entry is not None,
        "digital": bool(entry and entry.digital),
        "rut": entry.rut if entry else (rut_text or ""),
        "razon_social": entry.legal_name if entry else "",
        "nombre_fantasia": entry.trade_name if entry else "",
        "mercado": entry.market if entry else "",
        "correo": (entry.email or "") if entry else "",
    }


def registry_summary(entry: ProviderView | None) -> dict[str, Any] | None:
    """A case's company as the API and the case file show it from the registry; None when not registered."""
    if entry is None:
        return None
    return {
        "legal_name": entry.legal_name,
        "trade_name": entry.trade_name,
        "market": entry.market,
        "email": entry.email,
        "digital": entry.digital,
    }


def prefill_names(s: Session, rut_text: str | None) -> dict[str, Any]:
    """What a form's ``x-prefill`` expressions may read for a case whose company has this RUT."""
    return {"proveedor": registry_data(rut_text, find_provider(s, rut_text))}
