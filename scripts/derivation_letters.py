"""Build the derivation letter templates (oficio_derivacion, respuesta_derivacion) from respuesta_consulta.docx.

Run once after changing the texts: ``.venv/bin/python scripts/derivation_letters.py``. The letterhead,
margins, fonts and footer are those of the shipped letters; only the texts below change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "letter_templates" / "respuesta_consulta.docx"

OFICIO = {
    "ant": "Caso folio N° {{ folio }}, ingresado el {{ fecha_ingreso }} por el canal {{ canal }}.",
    "mat": "Deriva caso por corresponder a materia de su competencia.",
    "to": ["{{ datos.get('institucion', '') }}", "Oficina de partes", "Presente"],
    "body": [
        "De nuestra consideración:",
        "Por medio del presente, y conforme a los convenios de colaboración vigentes, derivo a esa institución "
        "el caso folio N° {{ folio }}, presentado por {{ consumidor.nombre }}, RUT {{ consumidor.rut }}, "
        "domiciliado/a en la comuna de {{ consumidor.comuna }}, referido a «{{ materia }}», por tratarse de "
        "una materia de su competencia.",
        "Antecedentes del caso: {{ descripcion }}",
        "Motivo de la derivación: {{ datos.get('motivo_derivacion') or datos.get('nota_traslado', '') }}",
        "{%p if proveedor.nombre %}",
        "Empresa o entidad reclamada: {{ proveedor.nombre }}{% if proveedor.rut %}, RUT {{ proveedor.rut }}{% endif %}.",
        "{%p endif %}",
        "Datos de contacto del consumidor/a: correo {{ consumidor.email }}, teléfono {{ consumidor.telefono }}.",
        "Le solicito acusar recibo de este oficio dentro de {{ datos.get('plazo_acuse_dias', '') }} días hábiles y "
        "responder dentro de {{ datos.get('plazo_respuesta_dias', '') }} días hábiles, indicando el folio "
        "N° {{ folio }}, a fin de informar al consumidor/a del resultado de su requerimiento.",
        "Saluda atentamente a usted,",
    ],
}
RESPUESTA = {
    "ant": "Su presentación folio N° {{ folio }}, de fecha {{ fecha_ingreso }}.",
    "mat": "Informa respuesta de la institución competente.",
    "to": ["{{ consumidor.nombre }}", "RUT {{ consumidor.rut }}", "Presente"],
    "body": [
        "De nuestra consideración:",
        "En relación con su presentación folio N° {{ folio }}, referida a «{{ materia }}», informo a usted que "
        "este Servicio la derivó a {{ datos.get('institucion', '') }}, institución competente para conocer de "
        "ella, la que respondió lo siguiente:",
        "{{ datos.get('respuesta_institucion_texto', '') }}",
        "Con esta respuesta su caso se cierra en este Servicio con el resultado DERIVADO. Si necesita más "
        "información, puede dirigirse directamente a {{ datos.get('institucion', '') }} indicando el folio "
        "N° {{ folio }}, o acudir a cualquiera de nuestras plataformas de atención.",
        "Saluda atentamente a usted,",
    ],
}


def _set(paragraph: Any, text: str, label: str | None = None) -> None:
    """Replace a paragraph's text keeping its first run's formatting (and a bold label run if any)."""
    runs = paragraph.runs
    if label is not None and len(runs) >= 2:
        runs[0].text, runs[1].text = label, text
        for run in runs[2:]:
            run.text = ""
        return
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def build(spec: dict[str, Any], out: Path) -> None:
    """Copy the source letter and put this letter's texts in it."""
    document = docx.Document(str(SOURCE))
    paras = document.paragraphs
    _set(paras[1], spec["ant"], "ANT.: ")
    _set(paras[2], spec["mat"], "MAT.: ")
    cell = document.tables[0].rows[0].cells[1].paragraphs[0]
    _set(cell, "\n".join(spec["to"]))
    body_start, body_end = 5, 10  # "De nuestra consideración:" … "Saluda atentamente a usted,"
    template = paras[6]
    for paragraph in paras[body_start : body_end + 1]:
        if paragraph is not template:
            paragraph._element.getparent().remove(paragraph._element)
    for text in spec["body"]:
        template.insert_paragraph_before(text, style=template.style)
    template._element.getparent().remove(template._element)
    document.save(str(out))


if __name__ == "__main__":
    build(OFICIO, ROOT / "letter_templates" / "oficio_derivacion.docx")
    build(RESPUESTA, ROOT / "letter_templates" / "respuesta_derivacion.docx")
