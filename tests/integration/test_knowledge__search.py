"""The knowledge base on SQLite (FTS5) and PostgreSQL (text search 'spanish'): the shipped articles load from
CSV; search ignores accents and word endings; editing keeps every version; a use on a case is counted and
logged; the report shows the most used articles and the searches that found nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.access import Actor
from engine.errors import CaseNotFound, Forbidden, FormInvalid
from engine.services import cases
from engine.services.knowledge import articles, csvio, desk
from engine.system import System
from tests.conftest import ACTORS, complaint

SHIPPED = Path(__file__).resolve().parents[2] / "knowledge" / "conocimiento.csv"
NOW = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
ANALISTA = Actor("analista", "analista")
EJE = ACTORS["eje13"]


@pytest.fixture
def kb(sys_: System) -> System:
    with sys_.db.writing() as s:
        report = csvio.seed(s, SHIPPED.read_text(encoding="utf-8"), NOW)
    assert report is not None and report.created >= 100
    return sys_


def _search(sys_: System, query: str, actor: Actor = EJE) -> list[str]:
    with sys_.db.writing() as s:
        return [a.question for a in desk.search_articles(s, query, actor, NOW)]


def test_garantia_without_accent_finds_the_garantia_legal_articles(kb: System) -> None:
    found = _search(kb, "garantia")
    assert "¿Qué es la garantía legal y cuánto dura?" in found[:5]
    assert all("garantía" in q.lower() for q in found[:3])
    assert _search(kb, "GARANTÍAS")[:3] == found[:3]  # plural, capitals and accent: the same stems


def test_search_stems_words_and_ranks_the_question_first(kb: System) -> None:
    assert _search(kb, "me arrepenti de una compra por internet")[0].startswith("Me arrepentí de una compra")
    assert any("cobrarme una deuda" in q for q in _search(kb, "llamados de cobranza")[:3])
    assert _search(kb, "zxqv inexistente") == []


def test_the_seed_loads_once_and_a_reimport_changes_nothing(kb: System) -> None:
    with kb.db.writing() as s:
        assert csvio.seed(s, SHIPPED.read_text(encoding="utf-8"), NOW) is None
        again = csvio.import_csv(s, SHIPPED.read_text(encoding="utf-8"), ANALISTA, NOW)
    assert (again.created, again.updated) == (0, 0)


def test_editing_keeps_every_version_and_reindexes(kb: System) -> None:
    with kb.db.writing() as s:
        first = articles.create_article(
            s,
            {
                "question": "¿Qué hago con un paraguas defectuoso?",
                "answer": "Pida la garantía legal en la tienda.",
                "market": "comercio",
                "motive": "Garantía legal",
            },
            Actor("sup13", "supervisor", None, "13"),
            NOW,
        )
        changed = dict(question="¿Qué hago con un impermeable defectuoso?", answer="Pida la garantía legal.")
        articles.update_article(
            s,
            first.id,
            {**changed, "market": "comercio", "motive": "Garantía legal"},
            ANALISTA,
            NOW + timedelta(hours=1),
            "otra prenda",
        )
    with kb.db.reading() as s:
        page = articles.article_page(s, first.id)
    assert [(h.version, h.saved_by) for h in page.history] == [(2, "analista"), (1, "sup13")]
    assert page.history[1].question == "¿Qué hago con un paraguas defectuoso?"
    assert page.history[0].note == "otra prenda"
    assert "¿Qué hago con un impermeable defectuoso?" in _search(kb, "impermeable")
    assert _search(kb, "paraguas") == []


def test_only_supervisors_and_analysts_edit_and_bad_input_changes_nothing(kb: System) -> None:
    with pytest.raises(Forbidden), kb.db.writing() as s:
        articles.create_article(
            s, {"question": "x" * 20, "answer": "y" * 30, "market": "comercio", "motive": "Otro"}, EJE, NOW
        )
    with pytest.raises(FormInvalid) as caught, kb.db.writing() as s:
        articles.create_article(
            s, {"question": "corta", "answer": "", "market": "Con Espacios", "motive": "x"}, ANALISTA, NOW
        )
    assert {e.field for e in caught.value.errors} == {"question", "answer", "market", "motive"}


def test_a_csv_with_a_bad_row_imports_nothing(kb: System) -> None:
    content = (
        "pregunta,respuesta,mercado,motivo\n"
        + "¿Pregunta válida y nueva?,Respuesta suficientemente larga.,comercio,Otro\n"
        + ",,comercio,Otro\n"
    )
    with pytest.raises(FormInvalid) as caught, kb.db.writing() as s:
        csvio.import_csv(s, content, ANALISTA, NOW)
    assert caught.value.errors[0].field.startswith("fila 3")
    assert "¿Pregunta válida y nueva?" not in _search(kb, "pregunta valida nueva")


def test_export_then_import_round_trips(kb: System) -> None:
    with kb.db.reading() as s:
        exported = csvio.export_csv(s)
    with kb.db.writing() as s:
        report = csvio.import_csv(s, exported, ANALISTA, NOW)
    assert report.created == report.updated == 0 and report.unchanged >= 100


def test_using_an_article_links_it_to_the_case_counts_and_logs(kb: System) -> None:
    with kb.db.writing() as s:
        folio = cases.open_case(s, kb.store, complaint(), EJE, NOW).folio
    with kb.db.reading() as s:
        article = next(
            a for a in articles.list_articles(s, "comercio") if "garantía legal y cuánto" in a.question
        )
    with kb.db.writing() as s:
        used = desk.use_article(s, folio, article.id, EJE, NOW)
    assert used.article.uses == 1
    with pytest.raises(CaseNotFound), kb.db.writing() as s:  # out of scope: no link, no count
        desk.use_article(s, folio, article.id, ACTORS["eje05"], NOW)
    with kb.db.reading() as s:
        log = cases.case_detail(s, folio, EJE, NOW).log
    with kb.db.reading() as s:
        report = desk.report(s, Actor("sup13", "supervisor", None, "13"), NOW - timedelta(days=1))
    assert report.most_used[0][0].id == article.id and report.most_used[0][1] == 1
    entry = next(e for e in log if e.event == "knowledge_used")
    assert entry.actor == "eje13" and entry.data["article_id"] == article.id
    assert "garantía legal" in entry.summary


def test_the_report_lists_searches_that_found_nothing(kb: System) -> None:
    _search(kb, "Bitcoin en cajeros")
    _search(kb, "bitcoin cajeros")
    _search(kb, "garantía")
    with kb.db.reading() as s:
        report = desk.report(s, ANALISTA, NOW - timedelta(days=1))
    assert [(m.words, m.times) for m in report.missed] == [("bitcoin cajeros", 2)]
    assert report.searches == 3
    with pytest.raises(Forbidden), kb.db.reading() as s:
        desk.report(s, EJE, NOW)
