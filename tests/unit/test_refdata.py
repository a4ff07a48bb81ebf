"""Reference data: Chile's 16 regions and 346 comunas, and the partner agencies."""

from __future__ import annotations

import pytest

from engine import refdata


def test_there_are_346_comunas_keyed_by_their_zero_padded_code() -> None:
    comunas = refdata.comunas()
    assert len(comunas) == 346
    assert comunas["01101"].name == "Iquique"
    assert all(code == item.code and len(code) == 5 for code, item in comunas.items())


def test_santiago_belongs_to_the_metropolitan_region() -> None:
    santiago = refdata.comuna("13101")
    assert santiago.name == "Santiago"
    assert santiago.region_code == "13"
    assert santiago.region_name == "Metropolitana de Santiago"
    assert santiago.province_code == "131"
    assert santiago.population == 404495


def test_an_unknown_comuna_raises_value_error_in_spanish() -> None:
    with pytest.raises(ValueError, match=r"^comuna desconocida: 99999$"):
        refdata.comuna("99999")


def test_there_are_16_regions_with_the_whole_population() -> None:
    regions = refdata.regions()
    assert len(regions) == 16
    assert sum(region.population for region in regions.values()) == 17_574_003


def test_a_region_population_is_the_sum_of_its_comunas() -> None:
    metropolitana = refdata.regions()["13"]
    expected = sum(c.population for c in refdata.comunas().values() if c.region_code == "13")
    assert metropolitana.name == "Metropolitana de Santiago"
    assert metropolitana.population == expected


def test_reference_data_is_read_once_and_cannot_be_changed() -> None:
    assert refdata.comunas() is refdata.comunas()
    assert refdata.regions() is refdata.regions()
    with pytest.raises(TypeError):
        refdata.comunas()["00000"] = refdata.comuna("13101")  # type: ignore[index]


def test_agencies_list_their_markets_and_channel() -> None:
    agencies = refdata.agencies()
    assert len(agencies) == 10
    sec = agencies["SEC"]
    assert sec.name == "Superintendencia de Electricidad y Combustibles"
    assert sec.markets == ("electricidad", "gas", "combustibles")
    assert sec.default_channel == "webservice"
    assert agencies["SP"].default_channel == "oficio"
