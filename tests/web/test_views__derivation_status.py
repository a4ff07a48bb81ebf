"""Derivation status that tells the truth, on the pages (CSRF on): an agency without a way to receive is not
offered and cannot be saved active; a failing delivery reads "en reintento (n)", never "enviada"; a
derivation is cancelled or redirected (to another agency or to oficio) from the case file, logged."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.models import Agency, Derivation, DerivationDelivery
from engine.services import derivation_outbox
from tests.conftest import ACTORS, complaint
from tests.fakes.agency import FakeAgency
from tests.integration.helpers import complete, only_task, open_case
from tests.web.test_auth__login import csrf_token, sign_in

PASSWORD = "clave-segura-1"
DERIVE = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corresponde a la SEC por el corte de luz."}


def _derived(app: Flask, fake: FakeAgency) -> str:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        sec = s.get(Agency, "SEC")
        assert sec is not None
        sec.channel, sec.endpoint_url, sec.secret = "webservice", fake.url, fake.secret
        cmf = s.get(Agency, "CMF")
        assert cmf is not None
        cmf.contact_email = "oficios@cmf.invalid"
    folio = open_case(
        sys_, complaint(kind="inquiry", subject="Corte de luz"), ACTORS["eje13"], utcnow(), process="caso"
    ).folio
    complete(sys_, only_task(sys_, folio, "proponer_cierre").id, DERIVE, ACTORS["eje13"], utcnow())
    return folio


def test_an_agency_without_a_way_to_receive_is_not_offered_nor_saved_active(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, "integ", PASSWORD)
    registry = client.get("/instituciones").get_data(as_text=True)
    assert "Sin forma de recibir: no se ofrece" in registry  # seeded entries with no URL or e-mail yet
    token = csrf_token(client, "/instituciones/SEC")
    refused = client.post(
        "/instituciones/SEC",
        data={
            "csrf_token": token,
            "name": "Superintendencia de Electricidad y Combustibles",
            "channel": "webservice",
            "endpoint_url": "",
            "active": "on",
            "ack_days": "2",
            "answer_days": "15",
        },
    )
    assert refused.status_code == 422
    assert "Para dejarla activa, indique la URL del servicio web" in refused.get_data(as_text=True)
    eje = app.test_client()
    sign_in(eje, "eje13", PASSWORD)
    sys_ = app.extensions["ventanilla"]
    folio = open_case(
        sys_, complaint(kind="inquiry", subject="Corte de luz"), ACTORS["eje13"], utcnow(), process="caso"
    ).folio
    page = eje.get(f"/casos/{folio}").get_data(as_text=True)
    assert 'value="SEC"' not in page  # SEC has no URL in the registry: never offered


def test_a_failing_delivery_reads_en_reintento_then_cancel_and_redirect(
    app: Flask, client: FlaskClient
) -> None:
    fake = FakeAgency(secret="secreto-de-prueba-0123456789abcdef").start()
    fake.down = True
    try:
        folio = _derived(app, fake)
        sys_ = app.extensions["ventanilla"]
        settings = derivation_outbox.OutboxSettings(max_attempts=5, timeout=5)
        assert derivation_outbox.send_due(sys_.db, utcnow(), settings).failed == 1
        sign_in(client, "sup13", PASSWORD)
        page = client.get(f"/casos/{folio}").get_data(as_text=True)
        state = re.search(r"data-derivacion-estado>([^<]+)<", page)
        assert state and state.group(1) == "en reintento (1)"

        with sys_.db.reading() as s:
            first = s.query(Derivation).one().id
        token = csrf_token(client, f"/casos/{folio}")
        short = client.post(
            f"/casos/{folio}/derivaciones/{first}/redirigir",
            data={"csrf_token": token, "agencia": "CMF", "canal": "oficio", "motivo": "x"},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Indique el motivo (5 a 500 caracteres)." in short
        moved = client.post(
            f"/casos/{folio}/derivaciones/{first}/redirigir",
            data={
                "csrf_token": token,
                "agencia": "CMF",
                "canal": "oficio",
                "motivo": "El cobro es de una tarjeta bancaria",
            },
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "redirigida a Comisión para el Mercado Financiero por oficio" in moved
        with sys_.db.reading() as s:
            rows = {d.agency_code: d.status for d in s.query(Derivation)}
            kinds = sorted((r.kind, r.status) for r in s.query(DerivationDelivery))
        assert rows == {"SEC": "cancelled", "CMF": "sent"}
        assert kinds == [("email", "pending"), ("webservice", "cancelled")]

        with sys_.db.reading() as s:
            second = s.query(Derivation).filter_by(agency_code="CMF").one().id
        other = app.test_client()
        sign_in(other, "sup05", PASSWORD)  # another region: the case is not found, nothing changes
        other.post(
            f"/casos/{folio}/derivaciones/{second}/anular",
            data={"csrf_token": csrf_token(other, "/bandeja"), "motivo": "otro motivo"},
        )
        with sys_.db.reading() as s:
            assert s.get(Derivation, second).status == "sent"  # type: ignore[union-attr]
        gone = client.post(
            f"/casos/{folio}/derivaciones/{second}/anular",
            data={"csrf_token": token, "motivo": "La consumidora resolvió con el banco"},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Derivación a CMF anulada: La consumidora resolvió con el banco" in gone
        assert "Anular derivación" not in gone  # nothing open is left to change
    finally:
        fake.stop()
