"""Back-entry of paper cases (``/carga-papel``): download the template, upload a platform's file, read the
report row by row, confirm, and watch the cases being created (the page asks for the next batch: progress)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import FieldError, FormInvalid
from engine.services.network import backentry, paper_rows, platforms, sheets

from .. import context
from ..auth import current_actor, roles_required
from ..uploads import allow_uploads, file_response, read_upload

bp = Blueprint("backentry", __name__)
UPLOADERS = tuple(sorted(backentry.UPLOADERS))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
allow_uploads(bp, "backentry.upload")


def _index(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    actor = current_actor()
    with context.system().db.reading() as s:
        jobs = backentry.recent_jobs(s, actor)
        region = platforms.region_platforms(s, actor.region_code or "", context.now())
    page = render_template("backentry/index.html", jobs=jobs, platforms=region, errors=errors or {})
    return page, status


@bp.get("/carga-papel")
@roles_required(*UPLOADERS)
def index() -> ResponseReturnValue:
    return _index()


@bp.get("/carga-papel/plantilla.<any(csv, xlsx):fmt>")
@roles_required(*UPLOADERS)
def template(fmt: str) -> Response:
    if fmt == "csv":
        body = sheets.template_csv(paper_rows.COLUMNS, paper_rows.EXAMPLE)
        return file_response("plantilla-casos-papel.csv", "text/csv; charset=utf-8", body)
    body = sheets.template_xlsx(paper_rows.COLUMNS, paper_rows.EXAMPLE)
    return file_response("plantilla-casos-papel.xlsx", XLSX, body)


@bp.post("/carga-papel")
@roles_required(*UPLOADERS)
def upload() -> ResponseReturnValue:
    chosen = request.files.get("file")
    system = context.system()
    try:
        if chosen is None or not chosen.filename:
            raise FormInvalid([FieldError("file", "Elija el archivo (CSV o Excel) con los casos.")])
        sent = read_upload(chosen)
        with system.db.writing() as s:
            job = backentry.upload(
                s,
                system.store,
                request.form.get("platform", ""),
                sent.filename,
                sent.body,
                current_actor(),
                context.now(),
            )
    except FormInvalid as err:
        return _index({e.field: e.message for e in err.errors}, 422)
    return redirect(url_for("backentry.show", job_id=job.id))


def _show(job_id: int, errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        job = backentry.get_job(s, job_id, current_actor())
    return render_template("backentry/show.html", job=job, errors=errors or {}), status


@bp.get("/carga-papel/<id:job_id>")
@roles_required(*UPLOADERS)
def show(job_id: int) -> ResponseReturnValue:
    return _show(job_id)


@bp.post("/carga-papel/<id:job_id>/crear")
@roles_required(*UPLOADERS)
def confirm(job_id: int) -> ResponseReturnValue:
    try:
        with context.system().db.writing() as s:
            backentry.start(
                s, job_id, request.form.get("accept_partial") == "1", current_actor(), context.now()
            )
    except FormInvalid as err:
        return _show(job_id, {e.field: e.message for e in err.errors}, 422)
    return redirect(url_for("backentry.show", job_id=job_id))


@bp.post("/carga-papel/<id:job_id>/avanzar")
@roles_required(*UPLOADERS)
def step(job_id: int) -> ResponseReturnValue:
    """The next batch; answers the progress fragment, which asks again until the job is done."""
    system = context.system()
    with system.db.writing() as s:
        job = backentry.advance(s, system.store, job_id, current_actor(), context.now())
    if job.status == "done":
        flash(f"Carga terminada: {job.counts.get('created', 0)} caso(s) creado(s).", "success")
    return render_template("backentry/_progress.html", job=job)
