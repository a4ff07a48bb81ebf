"""The call center's knowledge base: search and read (staff), write with history (supervisors and analysts),
the report, CSV import/export, and the panel on a consulta's answer task ("usar esta respuesta")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import EngineError, FormInvalid
from engine.services.knowledge import articles, categories, csvio, desk

from .. import context
from ..auth import current_actor, roles_required
from .roles import KNOWLEDGE_EDITORS, KNOWLEDGE_READERS, KNOWLEDGE_REPORTS, KNOWLEDGE_USERS

bp = Blueprint("knowledge", __name__)
FORM_FIELDS = ("question", "answer", "market", "motive", "legal_basis")
REPORT_DAYS = 90
PANEL = 8  # results on a task: the best few, the rest is one click away in /conocimiento


def _posted() -> dict[str, Any]:
    data: dict[str, Any] = {k: request.form.get(k, "") for k in FORM_FIELDS}
    data["active"] = request.form.get("active") == "on"
    return data


@bp.get("/conocimiento")
@roles_required(*KNOWLEDGE_READERS)
def index() -> ResponseReturnValue:
    query, market = request.args.get("q", "").strip()[:200], request.args.get("mercado", "").strip()
    with (
        context.system().db.writing() as s
    ):  # a search is recorded (for the report of searches without results)
        if query:
            found = desk.search_articles(s, query, current_actor(), context.now(), market or None)
        else:
            found = articles.list_articles(s, market or None)
    return render_template(
        "knowledge/index.html", articles=found, q=query, market=market, markets=categories.MARKETS
    )


def _editor_page(
    article: articles.ArticlePage | None, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> ResponseReturnValue:
    body = render_template(
        "knowledge/article.html", page=article, values=values, errors=errors, markets=categories.MARKETS
    )
    return body, status


@bp.get("/conocimiento/nuevo")
@roles_required(*KNOWLEDGE_EDITORS)
def new() -> ResponseReturnValue:
    return _editor_page(None, {"active": True}, {})


@bp.post("/conocimiento")
@roles_required(*KNOWLEDGE_EDITORS)
def create() -> ResponseReturnValue:
    data = _posted()
    try:
        with context.system().db.writing() as s:
            saved = articles.create_article(s, data, current_actor(), context.now(), request.form.get("note"))
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        return _editor_page(None, data, {e.field: e.message for e in err.errors}, 422)
    flash(f"Artículo {saved.id} creado.", "success")
    return redirect(url_for("knowledge.show", article_id=saved.id))


@bp.get("/conocimiento/<id:article_id>")
@roles_required(*KNOWLEDGE_READERS)
def show(article_id: int) -> ResponseReturnValue:
    with context.system().db.reading() as s:
        page = articles.article_page(s, article_id)
    return _editor_page(page, {}, {})


@bp.post("/conocimiento/<id:article_id>")
@roles_required(*KNOWLEDGE_EDITORS)
def update(article_id: int) -> ResponseReturnValue:
    data, note = _posted(), request.form.get("note", "")
    try:
        with context.system().db.writing() as s:
            saved = articles.update_article(s, article_id, data, current_actor(), context.now(), note)
    except FormInvalid as err:
        flash("Revise los campos marcados.", "error")
        with context.system().db.reading() as s:
            page = articles.article_page(s, article_id)
        return _editor_page(page, data, {e.field: e.message for e in err.errors}, 422)
    flash(f"Artículo {saved.id} guardado (versión {saved.version}).", "success")
    return redirect(url_for("knowledge.show", article_id=saved.id))


@bp.get("/conocimiento/informe")
@roles_required(*KNOWLEDGE_REPORTS)
def report() -> ResponseReturnValue:
    since = context.now() - timedelta(days=REPORT_DAYS)
    with context.system().db.reading() as s:
        found = desk.report(s, current_actor(), since)
    return render_template("knowledge/report.html", report=found, days=REPORT_DAYS)


@bp.get("/conocimiento/exportar.csv")
@roles_required(*KNOWLEDGE_EDITORS)
def export() -> ResponseReturnValue:
    with context.system().db.reading() as s:
        content = csvio.export_csv(s)
    headers = {"Content-Disposition": 'attachment; filename="conocimiento.csv"'}
    return Response(content, mimetype="text/csv; charset=utf-8", headers=headers)


@bp.post("/conocimiento/importar")
@roles_required(*KNOWLEDGE_EDITORS)
def import_csv() -> ResponseReturnValue:
    upload = request.files.get("archivo")
    try:
        content = upload.read(5 * 1024 * 1024).decode("utf-8") if upload and upload.filename else ""
    except UnicodeDecodeError:
        content = None
    if not content:
        flash("Elija un archivo CSV en UTF-8 con las columnas de la exportación.", "error")
        return redirect(url_for("knowledge.index"))
    try:
        with context.system().db.writing() as s:
            done = csvio.import_csv(s, content, current_actor(), context.now())
    except FormInvalid as err:
        flash("No se importó nada. " + " ".join(f"{e.field}: {e.message}" for e in err.errors[:5]), "error")
        return redirect(url_for("knowledge.index"))
    flash(
        f"Importación: {done.created} creados, {done.updated} actualizados, {done.unchanged} sin cambios.",
        "success",
    )
    return redirect(url_for("knowledge.index"))


@bp.get("/casos/<folio>/conocimiento")
@roles_required(*KNOWLEDGE_USERS)
def panel(folio: str) -> ResponseReturnValue:
    """The search panel's results on a case's answer task (an htmx fragment)."""
    query, target = request.args.get("q", "").strip()[:200], request.args.get("campo", "")
    with context.system().db.writing() as s:
        found = desk.search_articles(s, query, current_actor(), context.now(), limit=PANEL) if query else []
    return render_template("knowledge/_panel.html", articles=found, q=query, folio=folio, target=target)


@bp.post("/casos/<folio>/conocimiento/<id:article_id>/usar")
@roles_required(*KNOWLEDGE_USERS)
def use(folio: str, article_id: int) -> ResponseReturnValue:
    """Usar esta respuesta: link the article to the case and count it (the page's script inserts the text)."""
    try:
        with context.system().db.writing() as s:
            used = desk.use_article(s, folio, article_id, current_actor(), context.now())
    except EngineError as err:
        return render_template("knowledge/_used.html", error=err.detail), err.status
    return render_template("knowledge/_used.html", used=used)
