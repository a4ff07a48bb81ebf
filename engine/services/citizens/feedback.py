"""SONI (Su Opinión Nos Interesa): a disconformidad, sugerencia or reconocimiento about the service, from any
channel, opened as a case of the ``soni`` process (content: processes/soni.bpmn) at the platform concerned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import rut
from ...access import Actor
from ...errors import FieldError, FormInvalid
from ...forms import Form
from ...models import Case, Feedback, Platform
from ...store import CatalogStore
from .. import cases

PROCESS = "soni"
TYPES = {"disconformidad": "disconformidad", "sugerencia": "sugerencia", "reconocimiento": "reconocimiento"}
LINK_FIELD = "folio_relacionado"
NO_MATCH = "No encontramos un caso con ese folio y su RUT: revise ambos datos o deje el folio en blanco."
STAFF_CHANNELS = ("phone", "in_person", "mailbox", "written")
_derived: dict[int, tuple[Form, Form]] = {}


@dataclass(frozen=True)
class FeedbackReceipt:
    folio: str
    type: str
    due_on: date | None
    platform_name: str


def form(s: Session, store: CatalogStore, public: bool) -> Form:
    """The SONI intake form; the public one without the channel (the server sets it: web)."""
    published = store.latest(s).form(store.latest(s).process(PROCESS).start_form or "")
    if not public:
        return published
    cached = _derived.get(id(published))
    if cached is None or cached[0] is not published:
        schema = dict(published.schema)
        schema["properties"] = {k: v for k, v in published.schema["properties"].items() if k != "channel"}
        schema["required"] = [k for k in published.schema.get("required", ()) if k != "channel"]
        cached = (published, Form(published.id, schema, published.title))
        _derived[id(published)] = cached
    return cached[1]


def _linked_case(s: Session, data: Mapping[str, Any]) -> Case | None:
    """The case the opinion is about: its folio with the RUT of its consumer, else FormInvalid (no leak)."""
    folio = str(data.get(LINK_FIELD) or "").strip()
    if not folio:
        return None
    consumer = data.get("consumer")
    typed = consumer.get("rut") if isinstance(consumer, Mapping) else None
    try:
        canonical = rut.normalize(str(typed or ""))
    except ValueError:
        canonical = None
    case = s.execute(select(Case).where(Case.folio == folio[:20])).scalar_one_or_none()
    if case is None or canonical is None or case.consumer_rut != canonical:
        raise FormInvalid([FieldError(LINK_FIELD, NO_MATCH)])
    return case


def register(
    s: Session, store: CatalogStore, data: Mapping[str, Any], actor: Actor, channel: str, now: datetime
) -> FeedbackReceipt:
    """Open a SONI case received through ``channel`` by ``actor`` (a citizen on the web, or staff): at the
    platform concerned, else that of the case it is about, else the web platform (region 13)."""
    clean = dict(data)
    about = str(data.get("platform") or "") or None
    linked = _linked_case(s, clean)
    platform = str(clean.get("platform") or "") or (linked.platform_code if linked else "WEB")
    if s.get(Platform, platform) is None:
        raise FormInvalid([FieldError("platform", "Oficina o plataforma desconocida.")])
    clean.update(channel=channel, platform=platform)
    receiver = Actor(
        actor.username, "sistema", channel=channel
    )  # anyone may receive an opinion on any office
    summary = cases.open_case(s, store, clean, receiver, now, process_id=PROCESS)
    case = s.execute(select(Case).where(Case.folio == summary.folio)).scalar_one()
    kind = str(clean.get("tipo_opinion", ""))
    s.add(
        Feedback(
            case_id=case.id,
            type=kind,
            about_case_id=linked.id if linked else None,
            about_platform=about,
        )
    )
    found = s.get(Platform, case.platform_code)
    return FeedbackReceipt(summary.folio, kind, case.due_on, found.name if found else case.platform_code)
