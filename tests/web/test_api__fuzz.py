"""Property-based fuzzing of API v1 against its own OpenAPI document (schemathesis, in-process WSGI).

Every documented operation gets generated requests, valid and invalid (schemathesis' coverage and fuzzing
phases), with the token of a role that can reach it. Path parameters are either generated or real: a reclamo
forwarded to a digital company, a consulta derived to an agency by web service, their open tasks, a letter,
an attachment, a delivery. Whatever comes in:
- never a 5xx;
- every 4xx is RFC 9457 application/problem+json with the fields our errors carry;
- a request the document calls valid is never refused as malformed (400): 422 stays for the rules a JSON
  Schema cannot say (a RUT's check digit, a task form's own schema, an unknown platform);
- a response matches the schema the document gives for its status (where it gives one: several are loose
  objects, and none lists required properties, so this checks the types of what is there).

Deterministic (fixed seed, derandomized) and bounded (15 generated cases per operation plus the coverage
phase's); SQLite only: each failure it found has a plain regression test in test_api__bad_input.py, run on
both databases. Each operation gets its own app and database, so the operations spread over xdist workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import mail
from engine.catalog import Catalog
from engine.clock import utcnow
from engine.models import Agency, Case, Derivation, DerivationDelivery, Document, HumanTask
from engine.services import attachments, documents, providers, users
from engine.store import CatalogStore
from tests.conftest import ACTORS, complaint
from tests.files import PDF
from tests.integration.helpers import complete, only_task, open_case
from tests.smtp import Inbox
from web import create_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TIENDA = "76.086.428-5"  # the provider of tests.conftest.complaint()
SECRET = "secreto-compartido-de-prueba-0123456789"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}
SIGNATURE = "X-Ventanilla-Signature"
# The document cannot say "a file or ?id=": with neither, the endpoint rightly answers 400.
EITHER_OR = {"/api/v1/workbench/templates/inspect"}

# Path parameters the world has real values for. The schemathesis dictionaries are set when this module
# loads, before any database exists: they hold placeholders, replaced by each test's real identifiers.
REAL_TEXT = ("folio", "task_id", "derivation_id", "form_id", "letter_id", "path", "code", "username")
REAL_INT = ("doc_id", "attachment_id", "delivery_id", "version_id")
SLOTS = 3
# Values the generator could not guess that take requests past the first checks.
KNOWN = {
    "body.comuna_code": ["13119", "05109"],
    "body.platform": ["DR13", "DR05"],
    "body.to_platform": ["DR05", "DR13"],
    "body.to_user": ["eje13b", "sup13"],
    "body.letter": ["comprobante_ingreso", "traslado_proveedor"],
    "body.consumer.comuna": ["13101"],
    "body.consumer.rut": ["12.345.678-5"],
    "body.to[*]": ["ana@ejemplo.cl", "ana@ejemplo", "nadie@rechazado.invalid"],
    "body.from": [1],
    "query.rut": ["12.345.678-5"],
    "body.tipo_opinion": ["sugerencia", "disconformidad"],
}


def _placeholders(name: str) -> list[Any]:
    if name in REAL_INT:
        return [990_000 + i for i in range(SLOTS)]
    return [f"real-{name}-{i}" for i in range(SLOTS)]


def _config() -> schemathesis.Config:
    """Deterministic and bounded; a real identifier in half of the generated path parameters."""
    real = (*REAL_TEXT, *REAL_INT)
    dictionaries: dict[str, Any] = {f"real_{n}": {"values": _placeholders(n)} for n in real}
    parameters: dict[str, Any] = {f"path.{n}": {"dictionary": f"real_{n}", "probability": 0.5} for n in real}
    parameters["query.folio"] = {"dictionary": "real_folio", "probability": 0.5}
    for key, values in KNOWN.items():
        name = key.replace(".", "_").replace("[*]", "")
        dictionaries[name] = {"values": values}
        parameters[key] = {"dictionary": name, "probability": 0.5}
    return schemathesis.Config.from_dict(
        {
            "seed": 20240913,
            "generation": {"deterministic": True, "database": "none", "with-security-parameters": False},
            "dictionaries": dictionaries,
            "parameters": parameters,
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2XX", "401", "403", "404", "409", "422"]}
            },
        }
    )


# The document the app serves (serving it needs no database); each test sends its requests to its own app,
# the `app` fixture's. (schemathesis.pytest.from_fixture would load it from that fixture instead, but with
# schemathesis 4.32.5 it reads a pytest node attribute that pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}), config=_config()
)


class ShippedFirst(CatalogStore):
    """Version 1 of every test database is the shipped content (a copy of one prepared database): parsed
    once for this module instead of once per operation. Other versions are each database's own."""

    shipped: Catalog | None = None

    def get(self, s: Session, version_id: int) -> Catalog:
        if version_id != 1:
            return super().get(s, version_id)
        if ShippedFirst.shipped is None:
            ShippedFirst.shipped = CatalogStore().get(s, 1)
        return ShippedFirst.shipped


@dataclass(frozen=True)
class World:
    """Real identifiers for the placeholders, and the bearer tokens."""

    real: dict[str, list[Any]]
    tokens: dict[str, str]

    def resolve(self, name: str, value: Any) -> Any:
        if name in self.real and value in _placeholders(name):
            values = self.real[name]
            return values[_placeholders(name).index(value) % len(values)]
        return value


@pytest.fixture
def world(app: Flask, tokens: dict[str, str], smtp: tuple[mail.MailSettings, Inbox]) -> World:
    """A reclamo forwarded to a digital company (with a letter, whose PDF is made, and an attachment) and a
    consulta derived to SEC by web service, whose callbacks may come with the integrator's token; mail goes
    to a real SMTP server on loopback."""
    sys_, now, eje = app.extensions["ventanilla"], utcnow(), ACTORS["eje13"]
    sys_.store = ShippedFirst()
    unlimited = {f"PUBLIC_{area}_PER_MINUTE": 1_000_000 for area in ("INTAKE", "STATUS", "FEEDBACK")}
    app.config.update(STATUS_LOOKUPS_PER_MINUTE=1_000_000, MAIL_SETTINGS=smtp[0], **unlimited)
    with sys_.db.writing() as s:
        providers.add_provider(s, TIENDA, "Tienda Demo Ltda.", now, market="comercio", digital=True)
        users.add_user(s, "tienda", "clave-segura-1", "proveedor", now, provider=TIENDA)
        tokens = {**tokens, "tienda": users.create_token(s, "tienda", now)}
        sec = s.get(Agency, "SEC")
        assert sec is not None
        sec.channel, sec.endpoint_url, sec.secret, sec.account = (
            "webservice",
            "http://127.0.0.1:9/",
            SECRET,
            "integ",
        )
    reclamo = open_case(sys_, complaint(), eje, now, process="caso").folio
    trasladar = only_task(sys_, reclamo, "trasladar")
    complete(sys_, trasladar.id, {"medio_traslado": "portal", "nota_traslado": "Nota"}, eje, now)
    consulta = open_case(
        sys_, complaint(kind="inquiry", subject="Corte de luz"), eje, now, process="caso"
    ).folio
    derive = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corte de luz: corresponde a la SEC."}
    complete(sys_, only_task(sys_, consulta, "proponer_cierre").id, derive, eje, now)
    with sys_.db.writing() as s:
        doc = documents.generate_for_case(s, sys_.store, reclamo, "comprobante_ingreso", eje, now)
        att = attachments.add_to_case(s, reclamo, ("boleta.pdf", "application/pdf", PDF), eje, now)
        row = s.get(Document, doc.id)
        assert row is not None
        row.pdf = PDF  # made already: LibreOffice's part is test_api__documents' business
        tasks = select(HumanTask.id).join(Case).where(HumanTask.status == "open")
        real = {
            "folio": [reclamo, consulta],
            "task_id": list(s.execute(tasks.order_by(Case.folio, HumanTask.element_id)).scalars()),
            "derivation_id": list(s.execute(select(Derivation.id)).scalars()),
            "delivery_id": list(
                s.execute(select(DerivationDelivery.id).order_by(DerivationDelivery.id)).scalars()
            ),
            "doc_id": [doc.id],
            "attachment_id": [att.id],
            "version_id": [1],
            "form_id": ["ingreso_caso", "respuesta_empresa"],
            "letter_id": ["comprobante_ingreso"],
            "code": ["DR13", "CC"],  # a platform
            "username": ["eje13b"],
            "path": [
                "forms/ingreso_caso.json",
                "processes/caso_simple.bpmn",
                "letter_templates/cambio_etapa.docx",
            ],
        }
    return World(real, tokens)


def _token(path: str, tokens: dict[str, str]) -> str:
    """A role that can reach the operation: analysts the workbench, the company its API, the agency's
    integrator account the callbacks, a platform administrator the network, a supervisor everything else."""
    if path.startswith("/api/v1/workbench/"):
        return tokens["analista"]
    if path.startswith("/api/v1/provider/"):
        return tokens["tienda"]
    if path.startswith("/api/v1/derivations/{derivation_id}"):
        return tokens["integ"]
    if path.startswith(("/api/v1/platforms", "/api/v1/users")):
        return tokens["admin13"]  # the territorial network: its region's platform administrator
    return tokens["sup13"]


def _about(case: schemathesis.Case, location: str, name: str) -> bool:
    """Whether the generated case is about that parameter (a coverage scenario or a negative mutation)."""
    data = case.meta.phase.data if case.meta else None
    return data is not None and data.parameter_location == location and data.parameter == name


def _prepare(case: schemathesis.Case, world: World) -> None:
    """Real identifiers for the placeholders; in the coverage phase (which the dictionaries do not reach), a
    real one for every path parameter the scenario is not about. The bearer token; a generated signature
    only when the case is about it (else the token is never looked at)."""
    coverage = case.meta is not None and case.meta.phase.name.value == "coverage"
    path = {}
    for name, value in (case.path_parameters or {}).items():
        if coverage and name in world.real and not _about(case, "path", name):
            path[name] = world.real[name][0]
        else:
            path[name] = world.resolve(name, value)
    case.path_parameters = path
    if case.query and "folio" in case.query:
        case.query["folio"] = world.resolve("folio", case.query["folio"])
    headers = dict(case.headers or {})
    if SIGNATURE in headers and not _about(case, "header", SIGNATURE):
        del headers[SIGNATURE]
    case.headers = {**headers, "Authorization": f"Bearer {_token(case.path, world.tokens)}"}


def problem_details(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """Every error is RFC 9457 application/problem+json with the fields our errors carry."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == "application/problem+json", (
        f"{response.status_code} con Content-Type {content_type!r}, no application/problem+json"
    )
    body = response.json()
    assert isinstance(body, dict) and PROBLEM_FIELDS <= body.keys(), f"faltan campos RFC 9457: {body!r}"
    assert body["status"] == response.status_code, body
    return None


def _carries_nul(case: schemathesis.Case) -> bool:
    """Text with U+0000 is refused on purpose (400: PostgreSQL cannot store it), even where the document's
    schema would allow the string."""
    parts = (case.path_parameters, case.query, case.headers, case.body)
    return any("\\x00" in repr(part) or "\\u0000" in repr(part) for part in parts)


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app per operation, on purpose: its state builds up
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_never_fails_and_always_explains(case: schemathesis.Case, app: Flask, world: World) -> None:
    _prepare(case, world)
    checks = [not_a_server_error, problem_details, response_schema_conformance]
    if case.path not in EITHER_OR and not _carries_nul(case):
        checks.append(positive_data_acceptance)
    case.call_and_validate(app=app, checks=checks)
