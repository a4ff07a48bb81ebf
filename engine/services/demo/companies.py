"""The demo's companies in the provider registry, and an account for each one that answers digitally."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ... import rut
from ...access import Actor
from ...models import Agency, User
from ...models import Provider as ProviderRow
from .. import agencies, providers, users
from .content import PROVIDERS, Provider
from .staff import PASSWORD, staff_accounts

if TYPE_CHECKING:  # the composition root (it wires these services); typing only
    from ...system import System


def username_of(company: Provider) -> str:
    """The company's demo account: its e-mail's name without ``reclamos.`` (e.g. telefonia-ejemplo)."""
    return company.email.split("@")[0].removeprefix("reclamos.")


def company_actor(company: Provider) -> Actor:
    """How a digital company acts: through the provider portal/API, bound to its RUT."""
    return Actor(username_of(company), "proveedor", channel="web", provider_rut=rut.normalize(company.rut))


def _trade_name(name: str) -> str:
    for suffix in (" S.A.", " SpA", " Ltda."):
        name = name.removesuffix(suffix)
    return name


def ensure_companies(system: System, now: datetime) -> None:
    """Register the missing demo companies, and an account for each digital one (idempotent)."""
    with system.db.writing() as s:
        known = set(s.execute(select(ProviderRow.rut)).scalars())
        have = set(s.execute(select(User.username)).scalars())
        for company in PROVIDERS:
            if rut.normalize(company.rut) not in known:
                providers.add_provider(
                    s,
                    company.rut,
                    company.name,
                    now,
                    trade_name=_trade_name(company.name),
                    market=company.market,
                    email=company.email,
                    digital=company.digital,
                )
            if company.digital and username_of(company) not in have:
                users.add_user(
                    s,
                    username_of(company),
                    PASSWORD,
                    "proveedor",
                    now,
                    full_name=company.name,
                    provider=company.rut,
                )


def accounts() -> list[tuple[str, str, str]]:
    """Every demo account to print: (username, role, where it works or which company it answers for)."""
    out = []
    for username, role, platform, region in staff_accounts():
        where = f"plataforma {platform}" if platform else f"región {region}" if region else "todo el país"
        out.append((username, role, where))
    out += [(username_of(c), "proveedor", c.name) for c in PROVIDERS if c.digital]
    return out


def ensure_agencies(system: System) -> None:
    """Give each seeded agency that has no way to receive an oficio address (fictitious, ``.invalid``), so
    the demo can derive; in development those e-mails land in the mail catcher (/correo)."""
    with system.db.writing() as s:
        for agency in s.execute(select(Agency)).scalars():
            if not agencies.can_receive(agency):
                agency.channel, agency.contact_email = "oficio", f"oficios.{agency.code.lower()}@demo.invalid"
