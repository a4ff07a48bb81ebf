"""Reference data in the database: regions, comunas and the staff platforms (idempotent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import refdata
from ..clock import resolve
from ..models import Comuna, Platform, Region
from .agencies import seed_agencies


def load_reference(s: Session, now: datetime | None = None) -> int:
    """Insert regions, comunas, the national platforms and the partner agencies that are missing; returns rows
    added. ``now`` stamps the agencies' registry entries (the system clock when not given)."""
    have_regions = set(s.execute(select(Region.code)).scalars())
    have_comunas = set(s.execute(select(Comuna.code)).scalars())
    have_platforms = set(s.execute(select(Platform.code)).scalars())
    new_regions = [
        Region(code=r.code, name=r.name, population=r.population)
        for r in refdata.regions().values()
        if r.code not in have_regions
    ]
    new_comunas = [
        Comuna(
            code=c.code,
            name=c.name,
            region_code=c.region_code,
            province_code=c.province_code,
            population=c.population,
        )
        for c in refdata.comunas().values()
        if c.code not in have_comunas
    ]
    new_platforms = [p for p in _national_platforms() if p.code not in have_platforms]
    for batch in (new_regions, new_comunas, new_platforms):
        s.add_all(batch)
        s.flush()
    agencies = seed_agencies(s, resolve(now))
    return len(new_regions) + len(new_comunas) + len(new_platforms) + agencies


def _national_platforms() -> list[Platform]:
    """One Dirección Regional per region (in its capital, CUT <region>101), the call center and the web."""
    out = [
        Platform(
            code=f"DR{code}",
            name=f"Dirección Regional {region.name}",
            kind="regional_office",
            region_code=code,
            comuna_code=f"{code}101",
            online=True,
        )
        for code, region in sorted(refdata.regions().items())
    ]
    out.append(
        Platform(
            code="CC",
            name="Centro de llamados nacional",
            kind="call_center",
            region_code="13",
            comuna_code="13101",
            online=True,
        )
    )
    out.append(
        Platform(
            code="WEB", name="Portal web", kind="web", region_code="13", comuna_code="13101", online=True
        )
    )
    return out
