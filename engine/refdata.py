"""Reference data (comunas, regions, partner agencies) read once from the CSVs in ``engine/refdata/``."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

# The CSVs ship as package data next to this module (pyproject: engine/refdata/*.csv).
DATA_DIR = Path(__file__).with_name("refdata")


@dataclass(frozen=True)
class Comuna:
    """One of Chile's 346 comunas, with its official code and population."""

    code: str
    name: str
    region_code: str
    region_name: str
    province_code: str
    population: int


@dataclass(frozen=True)
class Region:
    """One of Chile's 16 regions; population is the sum of its comunas."""

    code: str
    name: str
    population: int


@dataclass(frozen=True)
class Agency:
    """A partner agency a case can be derived to (SPEC §6)."""

    code: str
    name: str
    covers: str
    markets: tuple[str, ...]
    default_channel: str


def _rows(file_name: str) -> Iterator[dict[str, str]]:
    """The rows of one reference CSV, as dicts keyed by header; codes stay text (zero-padded)."""
    with (DATA_DIR / file_name).open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


@cache
def comunas() -> Mapping[str, Comuna]:
    """Every comuna by its five-digit code (e.g. ``"13101"`` Santiago)."""
    by_code = {
        row["comuna_code"]: Comuna(
            code=row["comuna_code"],
            name=row["comuna_name"],
            region_code=row["region_code"],
            region_name=row["region_name"],
            province_code=row["province_code"],
            population=int(row["population"]),
        )
        for row in _rows("comunas_cl.csv")
    }
    return MappingProxyType(by_code)


@cache
def regions() -> Mapping[str, Region]:
    """Every region by its two-digit code, its population summed from its comunas."""
    names: dict[str, str] = {}
    people: dict[str, int] = {}
    for item in comunas().values():
        names[item.region_code] = item.region_name
        people[item.region_code] = people.get(item.region_code, 0) + item.population
    return MappingProxyType(
        {code: Region(code=code, name=names[code], population=people[code]) for code in sorted(names)}
    )


def comuna(code: str) -> Comuna:
    """The comuna with this code; raises ValueError (never KeyError) when it does not exist."""
    found = comunas().get(code)
    if found is None:
        raise ValueError(f"comuna desconocida: {code}")
    return found


@cache
def agencies() -> Mapping[str, Agency]:
    """Every partner agency by its short code (e.g. ``"SEC"``, ``"SUBTEL"``)."""
    by_code = {
        row["code"]: Agency(
            code=row["code"],
            name=row["name"],
            covers=row["covers"],
            markets=tuple(m.strip() for m in row["markets"].split(";") if m.strip()),
            default_channel=row["default_channel"],
        )
        for row in _rows("agencies.csv")
    }
    return MappingProxyType(by_code)
