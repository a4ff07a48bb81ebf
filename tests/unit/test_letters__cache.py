"""A letter rendered from a prepared (cached) template is the very document docxtpl produces."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from docx import Document

from engine import letter_cache, letters
from tests.unit.test_letters__render import LETTER_IDS, context, template

TYPED = 'Compré <b>dos</b> "ofertas" & pagué 3 > 2\nSegunda línea\tcon tab\x0c {{ folio }} {% if x %}'


def typed_context() -> dict[str, Any]:
    """Text a citizen or an officer typed, with XML's special characters, line breaks and Jinja marks."""
    return context(
        descripcion=TYPED,
        materia="Cobro <indebido> & reiterado",
        consumidor={**letters.SAMPLE_CONTEXT["consumidor"], "nombre": "Ana & <Pedro>\nSegunda"},
        datos={"respuesta": TYPED, "respuesta_proveedor_texto": TYPED, "hechos_denuncia": TYPED},
    )


def members(docx: bytes) -> list[tuple[str, bytes]]:
    """Every member of a .docx, in order, uncompressed; the zip's CRCs are checked."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        assert zf.testzip() is None
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def assert_same_document(body: bytes, ctx: dict[str, Any]) -> None:
    assert letter_cache.TemplateCache(letters._ENV).get(body) is not None  # not docxtpl's fallback
    cached = members(letters.render(body, ctx))
    reference = members(letters.render_uncached(body, ctx))
    assert [name for name, _ in cached] == [name for name, _ in reference]
    for (name, ours), (_, theirs) in zip(cached, reference, strict=True):
        assert ours == theirs, name


@pytest.mark.parametrize("make_context", [context, typed_context], ids=["sample", "typed"])
@pytest.mark.parametrize("letter_id", LETTER_IDS)
def test_every_shipped_letter_is_identical_to_docxtpls(letter_id: str, make_context: Any) -> None:
    assert_same_document(template(letter_id), make_context())


def test_typed_text_stays_literal_in_the_cached_letter() -> None:
    text = letters.docx_text(letters.render(template("traslado_proveedor"), typed_context()))
    assert 'Compré <b>dos</b> "ofertas" & pagué 3 > 2\nSegunda línea\tcon tab {{ folio }} {% if x %}' in text


def table_template() -> bytes:
    """Row loops, a paragraph condition and a templated title: the parts of docxtpl the letters may use."""
    doc = Document()
    doc.core_properties.title = "Carta {{ folio }}"
    doc.add_paragraph("{%p if filas %}")
    doc.add_paragraph("Detalle de {{ consumidor.nombre }}:")
    doc.add_paragraph("{%p endif %}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for fila in filas %}"
    table.cell(1, 0).text = "{{ fila.fecha }}"
    table.cell(1, 1).text = "{{ fila.monto }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.sections[0].header.paragraphs[0].text = "Folio {{ folio }}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_tables_conditions_and_properties_are_identical_to_docxtpls(rows: int) -> None:
    filas = [{"fecha": f"0{i}-12-2026", "monto": f"$ {i}.000 & <IVA>"} for i in range(1, rows + 1)]
    assert_same_document(table_template(), context(filas=filas))


def test_the_templated_title_is_rendered() -> None:
    docx = letters.render(table_template(), context(filas=[]))
    assert Document(io.BytesIO(docx)).core_properties.title == "Carta 2026-000123"


def one_paragraph(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "body",
    [
        one_paragraph("Teléfono: {{ consumidor.fax }}"),
        one_paragraph("{{ folio.__class__.__mro__ }}"),
        one_paragraph("Folio {{ folio "),
        one_paragraph("{% for i in range(10**9) %}{% endfor %}"),
        b"no soy un documento",
    ],
    ids=["missing", "unsafe", "broken-tag", "too-many", "not-a-docx"],
)
def test_a_failing_letter_says_what_docxtpl_would_have_said(body: bytes) -> None:
    with pytest.raises(letters.LetterFailed) as cached:
        letters.render(body, context())
    with pytest.raises(letters.LetterFailed) as reference:
        letters.render_uncached(body, context())
    assert cached.value.detail == reference.value.detail


def test_a_template_is_prepared_once_and_the_least_recently_used_is_dropped() -> None:
    cache = letter_cache.TemplateCache(letters._ENV, capacity=2)
    first, second, third = (template(i) for i in LETTER_IDS[:3])
    prepared = cache.get(first)
    assert prepared is not None
    assert cache.get(bytes(first)) is prepared  # keyed by content, not by object
    cache.get(second)
    cache.get(first)  # now the most recently used
    cache.get(third)  # drops second
    assert len(cache) == 2
    assert cache.get(first) is prepared
    assert cache.get(third) is cache.get(third)


def test_a_template_that_cannot_be_prepared_is_remembered_as_such() -> None:
    cache = letter_cache.TemplateCache(letters._ENV)
    assert cache.get(one_paragraph("Folio {{ folio ")) is None
    assert cache.get(b"no soy un documento") is None
    assert len(cache) == 2


def test_letters_rendered_by_many_threads_at_once_are_each_right() -> None:
    cache = letter_cache.TemplateCache(letters._ENV)
    jobs = [(letter_id, context(folio=f"2026-{n:06d}")) for n in range(3) for letter_id in LETTER_IDS]

    def render(job: tuple[str, dict[str, Any]]) -> bytes:
        letter_id, ctx = job
        prepared = cache.get(template(letter_id))
        assert prepared is not None
        return letter_cache.render(prepared, letters._clean(ctx))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, jobs))
    for (letter_id, ctx), docx in zip(jobs, results, strict=True):
        assert members(docx) == members(letters.render_uncached(template(letter_id), ctx))


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Nota del caso {{ folio }}: {{ materia }}</w:t></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


FOOTNOTE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ADDED = {
    "[Content_Types].xml": (
        "</Types>",
        f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTE_TYPE}"/>',
    ),
    "word/_rels/document.xml.rels": (
        "</Relationships>",
        f'<Relationship Id="rIdNotas" Type="{FOOTNOTE_REL}" Target="footnotes.xml"/>',
    ),
}


def with_footnotes(docx: bytes) -> bytes:
    """``docx`` plus a footnotes part with placeholders (python-docx cannot add one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in ADDED:
                end, line = ADDED[info.filename]
                data = data.replace(end.encode(), (line + end).encode())
            dst.writestr(info.filename, data)
        dst.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()


def test_footnotes_are_filled_as_docxtpl_fills_them() -> None:
    body = with_footnotes(one_paragraph("Ver nota {{ folio }}"))
    assert_same_document(body, typed_context())
    with zipfile.ZipFile(io.BytesIO(letters.render(body, context()))) as zf:
        assert "Nota del caso 2026-000123: Cobro duplicado" in zf.read("word/footnotes.xml").decode()
