"""File uploads and downloads on the staff pages and the API: a larger body limit where files are posted,
the files a form posted, what to say when a refused form drops them, and downloads never shown inline."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request
from werkzeug.datastructures import FileStorage

from engine.forms import Form
from engine.services import attachments
from engine.services.attachments import Upload

# Five files of 10 MB in one field plus the rest of the form; the app's MAX_CONTENT_LENGTH stays for the rest.
UPLOAD_LIMIT = attachments.MAX_FILES * attachments.MAX_BYTES + 1024 * 1024
RESELECT = "Vuelva a seleccionar los archivos: no se guardaron porque el formulario tiene errores."


def allow_uploads(bp: Blueprint, *endpoints: str) -> None:
    """Raise the request body limit for these endpoints. The hook is app-wide and registered with the
    blueprint, so it runs before the CSRF check (``auth.init_app``, later) reads the body."""
    names = frozenset(endpoints)

    @bp.before_app_request
    def _upload_limit() -> None:
        if request.endpoint in names:
            request.max_content_length = UPLOAD_LIMIT


def read_upload(storage: FileStorage) -> Upload:
    """One posted file; at most one byte over the limit is read, enough to refuse it."""
    body = storage.stream.read(attachments.MAX_BYTES + 1)
    return Upload(storage.filename or "", storage.mimetype or "", body)


def posted_files(form: Form) -> dict[str, list[Upload]]:
    """The files posted in the form's file fields (a field with no file chosen is left out)."""
    found: dict[str, list[Upload]] = {}
    for item in form.file_fields():
        chosen = [read_upload(f) for f in request.files.getlist(item.path) if f.filename]
        if chosen:
            found[item.path] = chosen
    return found


def refused_errors(
    form: Form, posted: Mapping[str, list[Upload]], data: Mapping[str, Any], errors: Mapping[str, str]
) -> dict[str, str]:
    """The messages for a refused form: each file field's own problem, else a request to choose its files
    again (nothing of a refused form is stored, and a browser cannot refill a file input)."""
    shown = dict(errors)
    for problem in attachments.upload_problems(form, posted, data):
        shown.setdefault(problem.field, problem.message)
    for path in posted:
        shown.setdefault(path, RESELECT)
    return shown


def attached_labels(files: list[attachments.AttachmentView]) -> dict[int, str]:
    """ "nombre (tamaño)" by attachment id, for the files a form already names."""
    return {f.id: f"{f.filename} ({f.size_label})" for f in files}


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isprintable() and ch not in '"\\') or "adjunto"


def file_response(name: str, mime: str, body: bytes) -> Response:
    """A download the browser saves and never renders or sniffs (files come from the public)."""
    resp = Response(body, content_type=mime)
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
