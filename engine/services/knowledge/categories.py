"""Where an article's mercado and motivo meet the subject classification: the one place to bind them to the
classification list (lists/clasificacion.json). The mercado codes are the list's (plus ``general`` for what is
about every market); the motivo is free text for now. Shown with the labels below when known."""

from __future__ import annotations

import re

MARKETS: dict[str, str] = {
    "comercio": "Comercio y retail",
    "telecomunicaciones": "Telecomunicaciones",
    "financiero": "Bancos y financiero",
    "servicios_basicos": "Servicios básicos (luz, agua, gas)",
    "transporte_aereo": "Transporte aéreo",
    "transporte_terrestre": "Transporte terrestre",
    "turismo": "Turismo",
    "salud": "Salud",
    "educacion": "Educación",
    "inmobiliario": "Vivienda e inmobiliario",
    "seguros": "Seguros",
    "automotriz": "Automotriz",
    "general": "Derechos del consumidor (general)",
}
_CODE = re.compile(r"[a-z][a-z0-9_]{1,59}")


def market_label(code: str) -> str:
    """The mercado's name for people (the code itself when it is not a known one)."""
    return MARKETS.get(code, code.replace("_", " "))


def check_market(code: str) -> str | None:
    """Why a mercado code is refused, or None: a code in lower case (letters, digits, _)."""
    return None if _CODE.fullmatch(code) else "Indique el mercado como código en minúsculas, p. ej. comercio."


def check_motive(text: str) -> str | None:
    """Why a motivo is refused, or None: free text of 3 to 120 characters until the list exists."""
    return None if 3 <= len(text) <= 120 else "Indique el motivo (3 a 120 caracteres)."
