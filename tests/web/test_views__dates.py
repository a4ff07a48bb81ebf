"""Dates on the pages are Chile's: a case opened at 21:30 in Santiago (00:30 UTC the next day) reads as
opened that evening, not the next day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.services import cases
from tests.conftest import ACTORS, complaint
from tests.web.test_auth__login import PASSWORD, sign_in
from web.dates import fecha, fecha_hora

EVENING = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # Monday 30-11-2026, 21:30 in Santiago (UTC-3)


def test_filters_show_chile_time() -> None:
    assert fecha(EVENING) == "30-11-2026"
    assert fecha_hora(EVENING) == "30-11-2026 21:30"
    assert fecha(date(2026, 12, 1)) == "01-12-2026"  # a date is a date: no time zone to apply
    assert fecha(None) == fecha_hora(None) == ""
    winter = datetime(2026, 7, 1, 3, 30, tzinfo=UTC)  # UTC-4 in July
    assert fecha_hora(winter) == "30-06-2026 23:30"


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="zona horaria"):
        fecha(datetime(2026, 12, 1, 0, 30))


def test_the_case_file_shows_the_evening_it_was_opened(app: Flask, client: FlaskClient) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        folio = cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], EVENING).folio
    sign_in(client, "eje13", PASSWORD)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Ingreso 30-11-2026" in page
    assert "30-11-2026 21:30 · eje13" in page  # the bitácora's intake entry
    assert "01-12-2026 00:30" not in page
