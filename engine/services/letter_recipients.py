"""Who a letter is for: the e-mail address proposed for it follows the audience its content declares
(``letter_audience``: the consumer, the company of the provider registry, the partner agency derived to)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Agency, Case, Derivation, DerivationDelivery, Document, Provider

COMPANY, AGENCY = "proveedor", "institucion"


def _company(s: Session, case: Case, doc: Document) -> str:
    """The company's contact address in the provider registry, else the one typed at the traslado."""
    registered = s.get(Provider, case.provider_rut) if case.provider_rut else None
    if registered is not None and registered.email:
        return registered.email
    typed = ((doc.context or {}).get("datos") or {}).get("contacto_proveedor")
    return str(typed) if typed else ""


def _agency(s: Session, case: Case, doc: Document) -> str:
    """The address of the agency the letter (an oficio) was sent to, else of the case's latest derivation."""
    by_delivery = (
        select(Agency.contact_email)
        .join(Derivation, Derivation.agency_code == Agency.code)
        .join(DerivationDelivery, DerivationDelivery.derivation_id == Derivation.id)
        .where(DerivationDelivery.document_id == doc.id)
        .limit(1)
    )
    latest = (
        select(Agency.contact_email)
        .join(Derivation, Derivation.agency_code == Agency.code)
        .where(Derivation.case_id == case.id)
        .order_by(Derivation.created_at.desc())
        .limit(1)
    )
    found = s.execute(by_delivery).scalar_one_or_none() or s.execute(latest).scalar_one_or_none()
    return found or ""


def proposed(s: Session, case: Case, docs: Sequence[Document]) -> dict[int, str]:
    """The address proposed for each letter (document id → address, "" when none is known)."""
    out = {}
    for doc in docs:
        if doc.audience == COMPANY:
            out[doc.id] = _company(s, case, doc)
        elif doc.audience == AGENCY:
            out[doc.id] = _agency(s, case, doc)
        else:
            out[doc.id] = case.consumer_email or ""
    return out


def superseded(docs: Sequence[Document]) -> set[int]:
    """Letters replaced by a newer one of the same kind on the case (``docs`` oldest first)."""
    newest = {doc.letter_id: doc.id for doc in docs}
    return {doc.id for doc in docs if newest[doc.letter_id] != doc.id}
