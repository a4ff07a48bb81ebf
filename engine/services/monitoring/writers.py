"""Tables to files: XLSX (openpyxl's write-only mode: rows streamed to disk, memory flat; a bold header row,
frozen panes, column widths, real types) and CSV (UTF-8 with BOM, so Excel reads the accents)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import Cell, Table

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
BOM = "\ufeff"
MIN_WIDTH, MAX_WIDTH = 10, 60


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Hoja"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:26]} {n}", n + 1
    taken.add(name.lower())
    return name


def _width(header: str) -> float:
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(header) + 4)))


def write_xlsx(tables: Iterable[Table], out: IO[bytes]) -> int:
    """Write each table on its own sheet; returns the number of data rows written."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    written = 0
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        sheet.freeze_panes = "A2"
        for i, title in enumerate(table.header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _width(title)
        bold = Font(bold=True)
        header = [WriteOnlyCell(sheet, value=title) for title in table.header]
        for cell in header:
            cell.font = bold
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_value(sheet, v) for v in row])
            written += 1
    book.save(out)
    return written


def _xlsx_value(sheet: object, value: Cell) -> object:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD-MM-YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD-MM-YYYY"
        return cell
    return value


def csv_lines(tables: list[Table]) -> Iterator[str]:
    """One table as CSV; several as blocks (each with its header, a first column naming the table, and a
    blank line between). Starts with the BOM; yields line by line, so a big table streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    several = len(tables) > 1
    yield BOM
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        lead: list[object] = [table.title] if several else []
        writer.writerow((["Tabla"] if several else []) + list(table.header))
        for row in table.rows:
            writer.writerow(lead + [_csv_value(v) for v in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_value(value: Cell) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value
