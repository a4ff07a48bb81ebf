"""Tables people upload: CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX (openpyxl, read only), as
rows of text keyed by the header's column names; and the downloadable templates in both formats."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook, load_workbook

from ...clock import CHILE
from ...errors import FieldError, FormInvalid

MAX_ROWS = 5000
UNREADABLE = "No se pudo leer el archivo: use la plantilla en CSV o Excel (.xlsx)."


def column_key(header: Any) -> str:
    """A header as a column name: lower case, no accents, spaces as underscores."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return text.strip().lower().replace(" ", "_")


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _rows(table: Sequence[Sequence[Any]]) -> list[dict[str, str]]:
    if not table:
        raise FormInvalid([FieldError("file", "El archivo está vacío.")])
    keys = [column_key(h) for h in table[0]]
    out = []
    for raw in table[1:]:
        cells = [_cell(v) for v in raw]
        if any(cells):
            out.append({k: v for k, v in zip(keys, cells, strict=False) if k})
    if len(out) > MAX_ROWS:
        raise FormInvalid([FieldError("file", f"El archivo tiene más de {MAX_ROWS} filas: divídalo.")])
    return out


def _csv(body: bytes) -> list[list[str]]:
    for codec in ("utf-8-sig", "cp1252"):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    raise FormInvalid([FieldError("file", UNREADABLE)])


def read_table(filename: str, body: bytes) -> list[dict[str, str]]:
    """The file's data rows (blank ones skipped) keyed by column name; FormInvalid if unreadable."""
    if "\x00" in filename or (b"\x00" in body[:4096] and not body.startswith(b"PK")):
        raise FormInvalid([FieldError("file", UNREADABLE)])
    if filename.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
            table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError):
            raise FormInvalid([FieldError("file", UNREADABLE)]) from None
        return _rows(table)
    if filename.lower().endswith((".csv", ".txt")):
        return _rows(_csv(body))
    raise FormInvalid([FieldError("file", UNREADABLE)])


def template_csv(columns: Sequence[str], example: Sequence[str]) -> bytes:
    """The template as CSV (UTF-8 with BOM, which Excel opens with its accents right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode()


def template_xlsx(columns: Sequence[str], example: Sequence[str]) -> bytes:
    """The template as an Excel workbook: the header row and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "casos"
    sheet.append(list(columns))
    sheet.append(list(example))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
)
DAY_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


def local_instant(text: str) -> datetime | None:
    """A date or date-time as written in a sheet (Chilean local time; a day alone is taken at noon)."""
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=CHILE)
        except ValueError:
            pass
    for fmt in DAY_FORMATS:
        try:
            return datetime.combine(datetime.strptime(text, fmt).date(), time(12), CHILE)
        except ValueError:
            pass
    return None
