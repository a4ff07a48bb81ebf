"""Reference data in the database: regions, comunas and the staff platforms (idempotent)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import refdata
from ..models import Comuna, Platform, Region



def load_reference(s: Session) -> int:
    """Insert regions, comunas and the national platforms that are missing; returns rows added."""
    added = 0
    for region in refdata.regions().values():
        if s.get(Region, region.code) is None:
            s.add(Region(code=region.code, name=region.name, population=region.population))
            added += 1
    s.flush()
    for c in refdata.comunas().values():
        if s.get(Comuna, c.code) is None:
            s.add(Comuna(code=c.code, name=c.name, region_code=c.region_code, province_code=c.province_code,
                         population=c.population))
            added += 1
    s.flush()
    for platform in _national_platforms():
        if s.get(Platform, platform.code) is None:
            s.add(platform)
            added += 1
    return added


def _national_platforms() -> list[Platform]:
    """One Dirección Regional per region (in its capital, CUT <region>101), the national call center and the web channel."""
    out = [
        Platform(code=f"DR{code}", name=f"Dirección Regional {region.name}", kind="regional_office",
                 region_code=code, comuna_code=f"{code}101", online=True)
        for code, region in sorted(refdata.regions().items())
    ]
    out.append(Platform(code="CC", name="Centro de llamados nacional", kind="call_center", region_code="13",
                        comuna_code="13101", online=True))
    out.append(Platform(code="WEB", name="Portal web", kind="web", region_code="13", comuna_code="13101",
                        online=True))
    return out
