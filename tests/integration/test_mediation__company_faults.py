"""The fake company's failure modes over real HTTP, on SQLite and PostgreSQL: what a real back office gets
wrong — a retried answer, a wrong or revoked token, another company's folio, a malformed body — is refused
with problem+json and leaves the reclamo (and every other one) exactly as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.models import ApiToken, Attachment, User
from engine.services import providers, users
from tests.fakes.company import MALFORMED
from tests.files import PDF, TEXT
from tests.integration.helpers import open_tasks, snapshot
from tests.integration.test_mediation__company_api import TIENDA, World, forwarded, log_of, world

__all__ = ["world"]  # the fixture, shared with the company API tests
PROBLEM = "application/problem+json"


def attachments(w: World) -> int:
    with w.sys.db.reading() as s:
        return int(s.execute(select(func.count(Attachment.id))).scalar_one())


def test_a_retried_answer_with_documents_is_a_409_and_stores_nothing_more(world: World) -> None:
    folio = forwarded(world)
    first, second = world.tienda.answer_twice(
        folio, "acoge", "Anulamos el cargo duplicado.", files=[("nota-credito.pdf", PDF)]
    )
    assert first.status == 200, first.body
    assert (second.status, second.content_type) == (409, PROBLEM)
    assert second.body["type"] == "/problems/answer-closed" and folio in second.body["detail"]
    assert attachments(world) == 1  # the retry's copy of the document was rolled back with it
    assert len(log_of(world, folio, "message_received")) == 1
    assert world.tienda.answered == [folio]
    assert world.tienda.complaint(folio).body["answer"]["texto"] == "Anulamos el cargo duplicado."


def test_a_wrong_token_is_a_401_and_changes_nothing(world: World) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    stranger = world.tienda.with_wrong_token()
    for reply in (
        stranger.complaints(),
        stranger.complaint(folio),
        stranger.answer(folio, "acoge", "Acogemos el reclamo.", files=[("boleta.txt", TEXT)]),
    ):
        assert (reply.status, reply.content_type) == (401, PROBLEM)
        assert reply.body["detail"] == "token inválido o revocado"
    no_header = world.tienda.with_token("")
    assert no_header.complaints().status == 401
    assert snapshot(world.sys, folio) == before and attachments(world) == 0


def test_a_revoked_token_or_a_disabled_account_is_a_401_and_a_new_token_works(world: World) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    with world.sys.db.writing() as s:  # the company revokes the token its back office still holds
        s.execute(update(ApiToken).values(revoked=True).where(ApiToken.user_id == _user_id(s, "tienda")))
    revoked = world.tienda.answer(folio, "acoge", "Acogemos el reclamo.")
    assert (revoked.status, revoked.content_type) == (401, PROBLEM)
    with world.sys.db.writing() as s:
        fresh = world.tienda.with_token(users.create_token(s, "tienda", utcnow()))
    assert fresh.complaint(folio).body["state"] == "pendiente"
    with world.sys.db.writing() as s:  # the account itself is disabled: its new token stops working too
        s.execute(update(User).values(active=False).where(User.username == "tienda"))
    assert fresh.answer(folio, "acoge", "Acogemos el reclamo.").status == 401
    assert snapshot(world.sys, folio) == before


def _user_id(s: Session, username: str) -> int:
    return int(s.execute(select(User.id).where(User.username == username)).scalar_one())


def test_another_company_s_folio_is_a_404_both_ways_and_changes_nothing(world: World) -> None:
    ours = forwarded(world)
    before = snapshot(world.sys, ours)
    misrouted = world.otra.answer(ours, "no_acoge", "No corresponde.", files=[("boleta.pdf", PDF)])
    assert (misrouted.status, misrouted.content_type) == (404, PROBLEM)
    assert misrouted.body["type"] == "/problems/case-not-found"
    assert world.otra.complaint(ours).status == 404
    assert world.tienda.answer("2024-999999", "acoge", "Acogemos el reclamo.").status == 404
    assert snapshot(world.sys, ours) == before and attachments(world) == 0
    assert world.otra.answered == [] and world.tienda.complaint(ours).body["state"] == "pendiente"


# Each malformed body and what the API answers: 400 when it is no answer at all, 422 naming the fields.
MALFORMED_REPLIES: list[tuple[str, int, set[str] | None]] = [
    ("not_json", 400, None),
    ("json_array", 400, None),
    ("json_string", 400, None),
    ("form_urlencoded", 400, None),
    ("text_plain", 400, None),
    ("empty", 400, None),
    ("missing_fields", 422, {"resultado", "texto"}),
    ("wrong_types", 422, {"resultado", "texto"}),
    ("unknown_value", 422, {"resultado"}),
    ("extra_field", 422, {"monto"}),
    ("foreign_file_ids", 422, {"adjuntos"}),
    ("multipart_without_texto", 422, {"texto"}),
    ("multipart_program", 422, {"adjuntos"}),
]


@pytest.mark.parametrize(("kind", "status", "fields"), MALFORMED_REPLIES)
def test_a_malformed_body_gets_problem_json_and_changes_nothing(
    world: World, kind: str, status: int, fields: set[str] | None
) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    reply = world.tienda.answer_malformed(folio, kind)
    assert (reply.status, reply.content_type) == (status, PROBLEM), reply.body
    assert reply.body["status"] == status and reply.body["detail"]
    if fields is not None:
        assert {e["field"] for e in reply.body["errors"]} == fields
        assert all(e["message"] for e in reply.body["errors"])
    assert snapshot(world.sys, folio) == before and attachments(world) == 0
    assert world.tienda.complaint(folio).body["state"] == "pendiente"


def test_every_malformed_body_is_covered() -> None:
    assert {kind for kind, *_ in MALFORMED_REPLIES} == set(MALFORMED)


def test_a_company_moved_to_letters_is_refused_until_it_is_digital_again(world: World) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    with world.sys.db.writing() as s:
        providers.update_provider(s, TIENDA, {"digital": False}, "integ", utcnow())
    refused = world.tienda.answer(folio, "acoge", "Acogemos el reclamo.")
    assert (refused.status, refused.content_type) == (403, PROBLEM)
    assert "responde por carta" in refused.body["detail"]
    assert snapshot(world.sys, folio) == before
    with world.sys.db.writing() as s:
        providers.update_provider(s, TIENDA, {"digital": True}, "integ", utcnow())
    assert world.tienda.answer(folio, "acoge", "Acogemos el reclamo.").status == 200
    assert [t.element_id for t in open_tasks(world.sys, folio)] == ["proponer_cierre"]
