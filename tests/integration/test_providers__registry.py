"""The provider registry's service on SQLite and PostgreSQL: editing is checked like adding and a refused
change leaves the company as it was; search by RUT or name, a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from engine.clock import utcnow
from engine.errors import FormInvalid
from engine.services import providers
from engine.system import System

TIENDA = "76086428-5"


@pytest.fixture
def registry(sys_: System) -> System:
    with sys_.db.writing() as s:
        providers.add_provider(
            s, "76.086.428-5", "Tienda Demo Ltda.", utcnow(), "Tienda Demo", "comercio", "a@tienda.cl"
        )
        providers.add_provider(s, "96.806.980-2", "Cable 100% Demo S.A.", utcnow(), digital=True)
    return sys_


NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


def _refused(sys_: System, changes: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught, sys_.db.writing() as s:
        providers.update_provider(s, TIENDA, changes, "integ", utcnow())
    return {e.field: e.message for e in caught.value.errors}


def test_edit_checks_every_field_and_a_refusal_changes_nothing(registry: System) -> None:
    before = _tienda(registry)
    errors = _refused(
        registry,
        {
            "legal_name": " x ",
            "trade_name": "T" * 161,
            "market": "m" * 61,
            "email": "sin-arroba",
            "rut": "1-9",
        },
    )
    assert errors == {
        "rut": "Campo no permitido.",
        "legal_name": "La razón social debe tener entre 2 y 160 caracteres.",
        "trade_name": "El nombre de fantasía no puede tener más de 160 caracteres.",
        "market": "El mercado no puede tener más de 60 caracteres.",
        "email": "Correo electrónico inválido.",
    }
    assert _refused(registry, {"legal_name": "Tienda Nueva", "digital": "sí"}) == {
        "digital": "Indique si la empresa responde por el portal (mediación digital) o por carta."
    }
    assert _tienda(registry) == before  # the valid name of the refused change was not kept either

    with registry.db.writing() as s:
        changed = providers.update_provider(
            s,
            "76.086.428-5",
            {"legal_name": "  Tienda Demo SpA ", "email": "", "digital": True},
            "integ",
            NOW,
        )
    assert (changed.legal_name, changed.email, changed.digital) == ("Tienda Demo SpA", None, True)
    assert (changed.trade_name, changed.market) == ("Tienda Demo", "comercio")  # not named: unchanged
    assert (changed.updated_at, changed.updated_by) == (NOW, "integ")  # who changed it, and when
    assert _tienda(registry) == changed
    with pytest.raises(providers.ProviderNotFound), registry.db.writing() as s:
        providers.update_provider(s, "11.111.111-1", {"legal_name": "Nadie"}, "integ", utcnow())


def _tienda(sys_: System) -> providers.ProviderView:
    with sys_.db.reading() as s:
        return providers.get_provider(s, TIENDA)


def test_adding_refuses_a_too_long_trade_name_instead_of_cutting_it(registry: System) -> None:
    with pytest.raises(FormInvalid) as caught, registry.db.writing() as s:
        providers.add_provider(s, "77.777.777-7", "Banco Ejemplo", utcnow(), trade_name="B" * 161)
    assert [e.field for e in caught.value.errors] == ["trade_name"]


def test_search_by_rut_or_name(registry: System) -> None:
    def ruts(query: str, page: int = 1, per_page: int = 50) -> list[str]:
        with registry.db.reading() as s:
            return [p.rut for p in providers.search_providers(s, query, page, per_page).items]

    assert ruts("") == ["96806980-2", TIENDA]  # by legal name
    for query in ("76.086.428-5", "760864285", "086.428", "tienda", "DEMO LTDA"):
        assert ruts(query) == [TIENDA], query
    assert ruts("100%") == ["96806980-2"] and ruts("%") == ["96806980-2"]  # % is a character, not a wildcard
    assert ruts("_") == []
    assert ruts("", page=2, per_page=1) == [TIENDA]
    with registry.db.reading() as s:
        last = providers.search_providers(s, "", page=7, per_page=1)
    assert (last.page, last.pages, last.total, last.first, last.last) == (2, 2, 2, 2, 2)


def test_find_provider_tells_registered_companies_from_the_rest(registry: System) -> None:
    with registry.db.reading() as s:
        tienda = providers.find_provider(s, "76.086.428-5")
        assert tienda is not None and tienda.rut == TIENDA
        assert providers.find_provider(s, "77.777.777-7") is None  # valid RUT, not registered
        assert providers.find_provider(s, "76.086.428-4") is None
        assert providers.find_provider(s, None) is None
    data = providers.registry_data("76086428-5", tienda)
    assert data["registrado"] and not data["digital"] and data["correo"] == "a@tienda.cl"
    assert providers.registry_data("77777777-7", None) == {
        "registrado": False,
        "digital": False,
        "rut": "77777777-7",
        "razon_social": "",
        "nombre_fantasia": "",
        "mercado": "",
        "correo": "",
    }
