"""Letters become PDF through LibreOffice; without it the error says the .docx is still there."""

from __future__ import annotations

import pytest

from engine import letters, pdf
from tests.conftest import ROOT, require


def rendered_letter() -> bytes:
    template = (ROOT / "letter_templates" / "respuesta_consumidor.docx").read_bytes()
    return letters.render(template, letters.SAMPLE_CONTEXT)


def require_libreoffice() -> None:
    missing = None if pdf.libreoffice() else "soffice no está en el PATH (vea scripts/sysdeps.sh)"
    require("LibreOffice", missing)


def test_a_rendered_letter_converts_to_pdf() -> None:
    require_libreoffice()
    out = pdf.to_pdf(rendered_letter())
    assert out.startswith(b"%PDF")
    assert len(out) > 5_000


def test_a_conversion_that_runs_out_of_time_is_reported() -> None:
    require_libreoffice()
    with pytest.raises(pdf.PdfFailed) as err:
        pdf.to_pdf(rendered_letter(), timeout=0.05)
    assert err.value.status == 502
    assert "no terminó la conversión" in err.value.detail


def test_without_libreoffice_the_docx_is_offered_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    with pytest.raises(pdf.PdfUnavailable) as err:
        pdf.to_pdf(rendered_letter())
    assert err.value.status == 503
    assert "LibreOffice no está instalado" in err.value.detail
    assert ".docx" in err.value.detail
