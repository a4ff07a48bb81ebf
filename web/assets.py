"""Browser assets installed from npm (node_modules/) and served locally: never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

ROOT = Path(__file__).resolve().parent.parent / "node_modules"
# Only these published distribution folders are reachable; nothing else under node_modules is served.
PACKAGES = {
    "bootstrap": ROOT / "bootstrap" / "dist",
    "htmx": ROOT / "htmx.org" / "dist",
    "bpmn-js": ROOT / "bpmn-js" / "dist",
}

bp = Blueprint("assets", __name__, url_prefix="/vendor")


@bp.get("/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Response:
    """A file of an allowed package's dist folder (cached for a day)."""
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
