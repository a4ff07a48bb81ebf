"""A version as a zip of its content folders (to keep in git), and reading such a zip back safely:
no path traversal, absolute paths, links, stray files, too many or too big entries (zip bombs)."""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Mapping

from ...catalog import KINDS
from ...errors import ContentProblem, InvalidContent
from . import files as content_files

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 300
MAX_TOTAL_BYTES = 60 * 1024 * 1024
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # same content → same zip bytes


def export_zip(files: Mapping[str, bytes]) -> bytes:
    """processes/, forms/, letter_templates/ and lists/ of a content set as a zip (stable bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, files[path])
    return out.getvalue()


def _refuse(entry: str, message: str) -> InvalidContent:
    return InvalidContent([ContentProblem(entry[:200], "", message)])


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "ruta absoluta no permitida en el zip"
    if "\\" in name or ".." in name.split("/"):
        return "ruta no permitida en el zip (sube de carpeta con '..' o usa '\\')"
    if stat.S_ISLNK(mode):
        return "el zip contiene un enlace simbólico: no se permiten"
    if info.flag_bits & 0x1:
        return "el zip contiene archivos cifrados: no se permiten"
    return None


def _is_folder(info: zipfile.ZipInfo) -> bool:
    return info.is_dir() and info.filename.rstrip("/") in KINDS


def _check_entries(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse("", f"el zip tiene {len(infos)} entradas; el máximo es {MAX_ENTRIES}")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise _refuse("", "el contenido descomprimido del zip supera 60 MB")
    wanted = []
    for info in infos:
        problem = _entry_problem(info)
        if problem:
            raise _refuse(info.filename, problem)
        if _is_folder(info):
            continue
        if info.file_size > content_files.MAX_FILE_BYTES:
            raise _refuse(info.filename, "el archivo supera el tamaño máximo de 5 MB")
        content_files.parse_path(info.filename)  # refuses anything that is not a content file
        wanted.append(info)
    return wanted


def read_zip(data: bytes) -> dict[str, bytes]:
    """The content files of an uploaded zip, every entry checked; InvalidContent names the entry."""
    if len(data) > MAX_ZIP_BYTES:
        raise _refuse("", "el zip supera el tamaño máximo de 20 MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            files = {}
            for info in _check_entries(zf):
                with zf.open(info) as member:
                    body = member.read(content_files.MAX_FILE_BYTES + 1)
                if len(body) > content_files.MAX_FILE_BYTES:
                    raise _refuse(info.filename, "el archivo supera el tamaño máximo de 5 MB")
                if info.filename in files:
                    raise _refuse(info.filename, "el zip repite este archivo")
                files[info.filename] = body
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        ValueError,
        zlib.error,
    ) as err:
        raise _refuse("", f"no es un archivo .zip válido: {err}") from err
    if not files:
        raise _refuse("", "el zip no contiene processes/, forms/, letter_templates/ ni lists/")
    return files
