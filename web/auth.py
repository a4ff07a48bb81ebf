"""Staff sign-in and sign-out, the session's user, login required by default, role checks and CSRF.

Every endpoint needs a signed-in user unless its blueprint is listed in ``PUBLIC_BLUEPRINTS`` (config) or
its view is marked with :func:`public`. Views get the acting person with :func:`current_actor` and restrict
roles with :func:`roles_required`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import (  # type: ignore[import-untyped]
    LoginManager,
    current_user,
    login_user,
    logout_user,
)
from flask_wtf.csrf import CSRFError, CSRFProtect  # type: ignore[import-untyped]
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from engine.access import Actor
from engine.db import DatabaseError
from engine.errors import Unauthenticated
from engine.roles import CASE_STAFF, READ_ONLY, ROLES
from engine.services import logins

from . import config, context, errors, sessions

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Inicie sesión para continuar."
login_manager.login_message_category = "info"
csrf = CSRFProtect()

P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])
View = Callable[P, ResponseReturnValue]
PUBLIC_ATTR = "ventanilla_public"
BAD_CREDENTIALS = "Usuario o contraseña incorrectos."
CSRF_MESSAGE = "El formulario expiró o no es válido. Vuelva a intentarlo."
EXPIRED = "Su sesión se cerró por inactividad o expiró. Inicie sesión nuevamente."
MAX_PASSWORD = 1024
IN_PERSON = "in_person"
WEB = "web"
PROVIDER = "proveedor"


@dataclass(frozen=True)
class StaffUser:
    """The session's user, as Flask-Login expects it (active by construction: the loader refuses others)."""

    account: logins.Account
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.account.id)


@dataclass(frozen=True)
class NavItem:
    """One link of the main navigation."""

    label: str
    url: str
    endpoint: str


KNOWLEDGE_NAV = frozenset(
    {
        "ejecutivo",
        "supervisor",
        "abogado",
        "analista",
        "nivel_central",
        "director_regional",
        "admin_plataformas",
    }
)
NAV: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Bandeja", "inbox.index", CASE_STAFF),
    ("Visación", "approvals.index", frozenset({"supervisor", "abogado"})),
    (
        "Devoluciones de visación",
        "reports.approval_returns",
        frozenset({"supervisor", "abogado", "nivel_central", "director_regional"}),
    ),
    ("Nuevo caso", "intake.new", CASE_STAFF),
    ("Estado de un caso", "lookup.index", CASE_STAFF),
    ("Búsqueda de casos", "search.index", CASE_STAFF | READ_ONLY),
    ("Cuadro de Monitoreo", "monitoring.index", frozenset({"supervisor", "abogado"}) | READ_ONLY),
    ("Conocimiento", "knowledge.index", KNOWLEDGE_NAV),
    ("SONI", "soni.report", frozenset({"supervisor", "abogado", "director_regional", "nivel_central"})),
    (
        "Incidentes de derivación",
        "derivations.incidents",
        frozenset({"supervisor", "abogado", "integrador", "admin_plataformas", "nivel_central"}),
    ),
    ("Instituciones", "derivations.agency_list", frozenset({"integrador", "admin_plataformas"})),
    ("Proveedores", "providers.index", frozenset({"integrador", "admin_plataformas"})),
    ("Plataformas", "platforms.index", frozenset({"admin_plataformas", "nivel_central"})),
    ("Personal", "staff_accounts.index", frozenset({"admin_plataformas", "nivel_central"})),
    ("Carga de casos en papel", "backentry.index", frozenset({"admin_plataformas", "supervisor"})),
    ("Auditoría", "audit.index", frozenset({"admin_plataformas", "nivel_central"})),
    ("Taller de procesos", "workbench.index", frozenset({"analista", "integrador"})),
    ("Reclamos trasladados", "portal.index", frozenset({PROVIDER})),
)
PROVIDER_ONLY = "Las cuentas de empresas solo tienen acceso al portal de proveedores."


def current_account() -> logins.Account | None:
    """The signed-in staff member's account, or None for an anonymous visitor."""
    user = current_user._get_current_object()
    return user.account if isinstance(user, StaffUser) else None


def current_actor() -> Actor:
    """The signed-in staff member as the engine's services see them, with the channel they work through."""
    account = current_account()
    if account is None:
        raise Unauthenticated("inicie sesión para continuar")
    return Actor(
        account.username,
        account.role,
        account.platform_code,
        account.region_code,
        account.channel,  # the call center's staff act by phone (the bitácora records the real channel)
        account.provider_rut,
    )


def public(view: F) -> F:
    """Mark a view reachable without signing in. Put it below the route decorator (closest to ``def``)."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def is_public(app: Flask, endpoint: str | None, blueprints: Iterable[str] = ()) -> bool:
    """Whether ``endpoint`` may be reached anonymously (unknown endpoints fall through to the 404 page)."""
    if endpoint is None or endpoint == "static":
        return True
    if not set(blueprints).isdisjoint(app.config["PUBLIC_BLUEPRINTS"]):
        return True
    return bool(getattr(app.view_functions.get(endpoint), PUBLIC_ATTR, False))


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site; None for anything that could leave it (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _url_if_exists(endpoint: str) -> str | None:
    try:
        return url_for(endpoint)
    except BuildError:
        return None


# Where each persona lands after signing in: the first of its pages that this app has (others are added by
# other parts of the platform: /monitoreo, /casos, /plataformas), else the bandeja.
LANDING: dict[str, tuple[str, ...]] = {
    PROVIDER: ("/empresa/reclamos",),
    "analista": ("/taller",),
    "admin_plataformas": ("/plataformas", "/bandeja"),
    "nivel_central": ("/monitoreo", "/casos", "/reportes/devoluciones"),
    "director_regional": ("/monitoreo", "/casos", "/reportes/devoluciones"),
}


def _landing() -> str | None:
    """The first landing page of the signed-in user's role that exists here (GET, no path arguments)."""
    account = current_account()
    wanted = LANDING.get(account.role, ()) if account is not None else ()
    paths = {
        r.rule for r in current_app.url_map.iter_rules() if "GET" in (r.methods or ()) and not r.arguments
    }
    found = next((path for path in wanted if path in paths), None)
    return found or _url_if_exists("inbox.index")


def start_url() -> str:
    """Where a signed-in user starts: their persona's landing page (docs/architecture.md), else the start
    page."""
    return _landing() or _url_if_exists("pages.home") or "/"


def start_page() -> ResponseReturnValue:
    """The start page (``/``): the persona's landing page when it exists, else the home page."""
    start = _landing()
    return redirect(start) if start else render_template("home.html")


def _login_redirect() -> Response:
    """To the login page, coming back here afterwards (GET only: a POST cannot be replayed by a link)."""
    target = None
    if request.method == "GET":
        target = request.full_path if request.query_string else request.path
    if sessions.expired():
        flash(EXPIRED, "info")
    else:
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=safe_next(target)))


def _require_login() -> ResponseReturnValue | None:
    """Before every request: anonymous visitors of non-public endpoints go to the login page."""
    if is_public(current_app, request.endpoint, request.blueprints):
        return None
    if not current_user.is_authenticated:
        return _login_redirect()
    return _provider_fence() or _temporary_password_fence()


PASSWORD_PAGES = frozenset({"staff_accounts.change_password", "auth.logout"})


def _temporary_password_fence() -> ResponseReturnValue | None:
    """Signed in with a temporary password: only the page that replaces it (and signing out) opens."""
    account = current_account()
    if account is None or not account.must_change_password or request.endpoint in PASSWORD_PAGES:
        return None
    if request.path.startswith("/api/"):
        return errors.problem(403, "Cambie su contraseña", "cambie su contraseña temporal antes de continuar")
    flash("Antes de continuar, elija su propia contraseña.", "info")
    return redirect(url_for("staff_accounts.change_password"))


def _provider_fence() -> ResponseReturnValue | None:
    """A company's account opens its portal only: every staff page is a 403 for it, whatever it checks."""
    account = current_account()
    if account is None or account.role != PROVIDER or request.endpoint == "pages.home":
        return None
    if not set(request.blueprints).isdisjoint(current_app.config["PROVIDER_BLUEPRINTS"]):
        return None
    return render_template("error.html", title="Acceso no permitido", detail=PROVIDER_ONLY), 403


def roles_required(*roles: str) -> Callable[[View[P]], View[P]]:
    """Restrict a view to these role codes: 403 page for other roles, login page for anonymous users."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles desconocidos o ausentes: {sorted(unknown)}")

    def decorate(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            account = current_account()
            if account is None:
                return _login_redirect()
            if account.role not in roles:
                detail = f"Su rol ({account.role_label}) no tiene acceso a esta página."
                return render_template("error.html", title="Acceso no permitido", detail=detail), 403
            return view(*args, **kwargs)

        return guarded

    return decorate


def _load_user(user_id: str) -> StaffUser | None:
    """Flask-Login's user loader: the active account with this id, or None (signed out)."""
    if not user_id.isdigit():
        return None
    with context.system().db.reading() as s:
        account = logins.account_by_id(s, int(user_id))
    return StaffUser(account) if account is not None else None


def _login_page(
    username: str,
    next_url: str | None,
    message: str | None = None,
    field_errors: dict[str, str] | None = None,
) -> str:
    """The login form with the typed username kept (never the password) and its errors."""
    return render_template(
        "auth/login.html",
        username=username,
        next_url=next_url,
        message=message,
        field_errors=field_errors or {},
    )


def _field_errors(username: str, password: str) -> dict[str, str]:
    problems = {}
    if not username:
        problems["username"] = "Ingrese su nombre de usuario."
    if not password:
        problems["password"] = "Ingrese su contraseña."  # noqa: S105 (a message, not a password)
    elif len(password) > MAX_PASSWORD:
        problems["password"] = f"La contraseña no puede tener más de {MAX_PASSWORD} caracteres."
    return problems


def _submit_login(next_url: str | None) -> ResponseReturnValue:
    """Check the form, the lockout and the password; on success a fresh session (no session fixation)."""
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    problems = _field_errors(username, password)
    if problems:
        return _login_page(username, next_url, field_errors=problems), 422
    try:
        account = logins.sign_in(
            context.system().db, username, password, request.remote_addr or "", context.now()
        )
    except logins.LoginLocked as err:
        retry = str(max(1, int(err.retry_after.total_seconds())))
        return _login_page(username, next_url, message=err.detail), 429, {"Retry-After": retry}
    if account is None:
        return _login_page(username, next_url, message=BAD_CREDENTIALS), 401
    session.clear()
    sessions.rotate()  # a fresh id at sign-in: no session fixation
    login_user(StaffUser(account))
    return redirect(next_url or start_url())


@bp.route("/ingresar", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form (GET) and its submission (POST)."""
    next_url = safe_next(request.values.get("next"))
    if current_account() is not None:
        return redirect(next_url or start_url())
    if request.method == "POST":
        return _submit_login(next_url)
    return _login_page("", next_url)


@bp.post("/salir")
def logout() -> ResponseReturnValue:
    """Sign out: the session is deleted on the server, so its cookie (or a copy) opens nothing any more
    (POST with the CSRF token, so no link can sign anyone out)."""
    logout_user()
    session.clear()
    sessions.rotate()
    flash("Sesión cerrada.", "success")
    return redirect(url_for("auth.login"))


def _csrf_error(err: CSRFError) -> ResponseReturnValue:
    """A form sent without a valid CSRF token: nothing was done; say so in Spanish."""
    if request.path.startswith("/api/"):
        return errors.problem(400, "Formulario inválido", CSRF_MESSAGE)
    return render_template("error.html", title="Formulario no válido", detail=CSRF_MESSAGE), 400


def nav_items() -> list[NavItem]:
    """The main navigation links the signed-in user's role may use (links to missing views are skipped)."""
    account = current_account()
    if account is None:
        return []
    items = []
    for label, endpoint, roles in NAV:
        url = _url_if_exists(endpoint) if account.role in roles else None
        if url is not None:
            items.append(NavItem(label, url, endpoint))
    return items


def _account_for_page() -> logins.Account | None:
    """current_account for templates: an error page must render even when the database is down."""
    try:
        return current_account()
    except DatabaseError:
        log.exception("no se pudo cargar el usuario de la sesión")
        return None


def _template_context() -> dict[str, Any]:
    return {"nav_items": nav_items, "current_account": _account_for_page}


def init_app(app: Flask, csrf_exempt: Iterable[Blueprint] = ()) -> None:
    """Wire sessions, Flask-Login, CSRF and the login-required guard (after the blueprints are registered)."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.stored_secret_key(Path(app.instance_path))
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_login_redirect)
    login_manager.init_app(app)
    app.before_request(_require_login)
    csrf.init_app(app)
    for blueprint in csrf_exempt:
        csrf.exempt(blueprint)
    app.register_error_handler(CSRFError, _csrf_error)
    app.context_processor(_template_context)
