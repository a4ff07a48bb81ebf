"""What the staff's intake page offers: the process's intake form, the platforms, the other processes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalog import Catalog
from ..classification import EMPTY, Classification
from ..forms import Form
from ..labels import KINDS
from ..models import Platform
from ..store import CatalogStore
from .cases import kind_labels


@dataclass(frozen=True)
class IntakeOptions:
    """The intake page of one process: ``others`` are the published processes that are not consumer cases."""

    process_id: str
    process_name: str
    form: Form
    platforms: tuple[tuple[str, str], ...]  # (code, name), by code
    others: Mapping[str, str]
    classification: Classification = EMPTY  # the version's mercados, motivos and categorías

    @property
    def is_other(self) -> bool:
        """A request to another process (mesa de ayuda ...), not a consumer case."""
        return self.process_id in self.others


def _start_form(cat: Catalog, process_id: str) -> Form | None:
    proc = cat.processes.get(process_id)
    if proc is None or not proc.start_form or proc.start_form not in cat.forms:
        return None
    return cat.form(proc.start_form)


def intake_form(s: Session, store: CatalogStore, process_id: str) -> Form | None:
    """The latest version's intake form of the process; None when it does not exist or takes no intake."""
    return _start_form(store.latest(s), process_id)


def intake_options(s: Session, store: CatalogStore, process_id: str) -> IntakeOptions | None:
    """The intake page of the process in the latest version; None when it takes no intake."""
    cat = store.latest(s)
    form = _start_form(cat, process_id)
    if form is None:
        return None
    platforms = tuple((p.code, p.name) for p in s.execute(select(Platform).order_by(Platform.code)).scalars())
    others = {pid: name for pid, name in kind_labels(cat).items() if pid not in KINDS}
    name = cat.processes[process_id].name
    return IntakeOptions(process_id, name, form, platforms, others, cat.classification)
