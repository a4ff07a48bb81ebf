"""Content lists (lists/<id>.json): the shipped classification loads; a malformed or unknown list is refused
at publish time with problems that name the file, the entry and the problem, in Spanish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine import catalog, content_lists
from engine.errors import InvalidContent

ROOT = Path(__file__).resolve().parents[2]
FILE = "lists/clasificacion.json"


def shipped() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ROOT / FILE).read_text(encoding="utf-8"))
    return doc


def problems(doc: Any, list_id: str = "clasificacion") -> list[str]:
    body = json.dumps(doc, ensure_ascii=False).encode()
    with pytest.raises(InvalidContent) as err:
        content_lists.load_list(list_id, body, f"lists/{list_id}.json")
    return [str(p) for p in err.value.problems]


def test_the_shipped_classification_has_at_least_ten_markets_and_forty_motives() -> None:
    cat = catalog.build(catalog.read_dir(ROOT))
    found = cat.classification
    assert len(found.markets) >= 10 and len(found.motives) >= 40
    salud = found.market("salud")
    assert salud is not None and "plan_salud" in salud.motives
    assert found.labels("comercio", "garantia_legal", "negativa_cambio") == (
        "Comercio y retail (tiendas y ventas por internet)",
        "Garantía legal",
        "Negativa a cambiar el producto",
    )


def test_a_repeated_code_names_the_entry() -> None:
    doc = shipped()
    doc["motives"][1]["code"] = doc["motives"][0]["code"]
    found = problems(doc)
    assert found[0] == f'{FILE}: motives[1]: el código "cobro_indebido" está repetido'
    # the motivo that lost its code is missing where the mercados name it
    assert (
        f'{FILE}: markets[0] (telecomunicaciones): el motivo "servicio_no_prestado" no existe en "motives"'
        in found
    )


def test_a_market_naming_a_missing_motive_is_refused() -> None:
    doc = shipped()
    doc["markets"][0]["motives"].append("motivo_fantasma")
    assert problems(doc) == [
        f'{FILE}: markets[0] (telecomunicaciones): el motivo "motivo_fantasma" no existe en "motives"'
    ]


def test_every_problem_is_listed_with_its_entry() -> None:
    doc = shipped()
    doc["motives"][2]["label"] = ""
    doc["motives"][3]["categories"][1]["code"] = "Con Mayúsculas"
    doc["markets"][4]["code"] = "x" * 41
    doc["extra"] = 1
    found = problems(doc)
    assert f'{FILE}: motives[2] (precio_distinto): falta "label" (un texto no vacío)' in found
    assert any(
        line.startswith(f'{FILE}: motives[3] (garantia_legal).categories[1]: "code" inválido')
        for line in found
    )
    assert any(line.startswith(f'{FILE}: markets[4]: "code" inválido') for line in found)
    assert f'{FILE}: extra: clave desconocida "extra": use title, motives y markets' in found
    assert len(found) == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{ no es json", "JSON inválido"),
        (b"[1, 2]", "la lista debe ser un objeto JSON"),
        (b'{"markets": [], "motives": []}', '"motives" debe ser una lista con al menos un elemento'),
        (b'{"motives": [{"code": "a", "label": "A"}], "markets": ["a"]}', "cada elemento debe ser un objeto"),
    ],
)
def test_malformed_lists_are_refused_in_spanish(body: bytes, message: str) -> None:
    with pytest.raises(InvalidContent) as err:
        content_lists.load_list("clasificacion", body, FILE)
    assert any(message in p.message and p.file == FILE for p in err.value.problems), err.value.problems


def test_an_unknown_list_is_refused_naming_the_known_ones() -> None:
    assert problems({"a": 1}, "canales_nuevos") == [
        'lists/canales_nuevos.json: -: lista desconocida "canales_nuevos": las listas que la plataforma '
        "lee son clasificacion"
    ]


def test_a_content_set_whose_form_needs_the_classification_refuses_to_build_without_it() -> None:
    files = {p: b for p, b in catalog.read_dir(ROOT).items() if not p.startswith("lists/")}
    with pytest.raises(InvalidContent) as err:
        catalog.build(files)
    assert {(p.file, p.element) for p in err.value.problems} == {
        ("forms/ingreso_caso.json", "market"),
        ("forms/ingreso_caso.json", "motive"),
        ("forms/ingreso_caso.json", "category"),
    }


def test_a_broken_list_breaks_the_whole_set() -> None:
    files = catalog.read_dir(ROOT)
    market = {"code": "m", "label": "M", "motives": ["a"]}
    files[FILE] = json.dumps({"title": "x", "motives": [{"code": "a"}], "markets": [market]}).encode()
    problems_found = catalog.validate(files)
    assert [str(p) for p in problems_found] == [f'{FILE}: motives[0] (a): falta "label" (un texto no vacío)']
