"""Moving open cases from one published version to another, only where it is safe: every task the case is
on now still exists with the same type, and nothing it already went through was removed or changed.
Each case moves in its own transaction, with a bitácora entry naming both versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ... import persistence, runtime
from ...access import Actor
from ...caselog import append_log, by
from ...catalog import Catalog
from ...db import Database
from ...errors import EngineError, NotFound
from ...models import Case, ContentVersion, HumanTask, Instance, Subscription
from ...persistence import Loaded, load
from ...store import CatalogStore
from . import elements

MAX_CASES = 2000
Index = dict[str, dict[str, tuple[str, str]]]  # process id → element id → (type, hash)


@dataclass(frozen=True)
class Verdict:
    """Whether one case may move, and why not (Spanish)."""

    folio: str
    safe: bool
    reason: str | None


@dataclass(frozen=True)
class MigrationResult:
    verdicts: list[Verdict]
    migrated: int


class MigrationInvalid(EngineError):
    status = 422
    type = "/problems/migration-invalid"
    title = "Migración no válida"


def _current_problem(loaded: Loaded, new: Catalog) -> str | None:
    """Why the tasks the case is on now do not exist (with the same type) in the new version."""
    if loaded.instance.process_id not in new.processes:
        return f"el proceso '{loaded.instance.process_id}' no existe en la versión {new.version_id}"
    kinds = runtime.spec_kinds(new.process(loaded.instance.process_id).definition)
    for task in runtime.live_tasks(loaded.wf):
        label = f"«{task.name or task.element_id}» ({task.element_id})"
        found = kinds.get(task.process_id, {}).get(task.element_id)
        if found is None:
            return f"la tarea en curso {label} no existe en la versión {new.version_id}"
        if found != task.kind:
            return f"la tarea en curso {label} cambió de tipo en la versión {new.version_id}"
    return None


def _completed_problem(
    visited: Mapping[str, Sequence[str]], old: Catalog, new: Catalog, cache: dict[int, Index]
) -> str | None:
    """Why the path the case already went through is not the same in the new version."""
    before = _containers(old, cache)
    after = _containers(new, cache)
    for process_id, ids in visited.items():
        for element_id in ids:
            was = before.get(process_id, {}).get(element_id)
            now = after.get(process_id, {}).get(element_id)
            where = f"el elemento ya recorrido '{element_id}' ({process_id})"
            if now is None:
                return f"{where} no existe en la versión {new.version_id}"
            if was is not None and was != now:
                return f"{where} cambió en la versión {new.version_id}"
    return None


def _containers(cat: Catalog, cache: dict[int, Index]) -> Index:
    key = cat.version_id or 0
    if key not in cache:
        cache[key] = elements.containers(cat.files)
    return cache[key]


def check_case(
    s: Session,
    store: CatalogStore,
    case_id: int,
    to_version: int,
    now: datetime,
    cache: dict[int, Index] | None = None,
) -> tuple[Loaded, Verdict]:
    """The case loaded on its own version, and whether it may move to ``to_version``."""
    loaded = load(s, store, case_id, now)
    folio = loaded.case.folio or str(case_id)
    new = store.get(s, to_version)
    if loaded.instance.completed:
        return loaded, Verdict(folio, False, "el caso ya terminó")
    if loaded.instance.version_id == to_version:
        return loaded, Verdict(folio, False, f"el caso ya está en la versión {to_version}")
    reason = _current_problem(loaded, new) or _completed_problem(
        loaded.instance.visited or {}, loaded.catalog, new, cache if cache is not None else {}
    )
    return loaded, Verdict(folio, reason is None, reason)


def _refresh_projections(s: Session, case_id: int, wf: runtime.Workflow) -> None:
    """Open tasks and message waits keep their ids; their definition now comes from the new version."""
    for info in runtime.human_tasks(wf):
        s.execute(
            update(HumanTask)
            .where(HumanTask.id == info.id, HumanTask.status == "open")
            .values(
                name=info.name,
                form_id=info.form_id,
                letters=list(info.letters),
                lane=info.lane,
                role=info.role or "ejecutivo",
            )
            .execution_options(synchronize_session=False)
        )
    for wait in runtime.waiting_messages(wf):
        s.execute(
            update(Subscription)
            .where(
                Subscription.case_id == case_id,
                Subscription.task_id == wait.task_id,
                Subscription.status == "waiting",
            )
            .values(message=wait.message)
            .execution_options(synchronize_session=False)
        )


def migrate_case(
    s: Session,
    store: CatalogStore,
    case_id: int,
    to_version: int,
    actor: Actor,
    now: datetime,
    cache: dict[int, Index] | None = None,
) -> Verdict:
    """Move one case to ``to_version`` when it is safe (else only the verdict): the state is rebuilt with
    the new specs, the instance re-pointed (revision-checked) and the move written to the bitácora."""
    loaded, verdict = check_case(s, store, case_id, to_version, now, cache)
    if not verdict.safe:
        return verdict
    new = store.get(s, to_version)
    loaded.wf = runtime.rebase(new.process(loaded.instance.process_id).definition, loaded.instance.state, now)
    old_version = loaded.instance.version_id
    persistence.store_state(s, loaded, now, version_id=to_version)
    _refresh_projections(s, case_id, loaded.wf)
    summary = f"Caso migrado de la versión {old_version} a la versión {to_version} de los procesos"
    append_log(
        s, case_id, [by(actor, "migrated", summary, data={"from": old_version, "to": to_version})], now
    )
    return verdict


def _candidates(s: Session, from_version: int, folios: Sequence[str] | None) -> list[tuple[int, str]]:
    query = (
        select(Case.id, Case.folio)
        .join(Instance, Instance.case_id == Case.id)
        .where(Instance.version_id == from_version, Instance.completed.is_(False))
        .order_by(Case.id)
        .limit(MAX_CASES)
    )
    if folios is not None:
        query = query.where(Case.folio.in_(list(folios)))
    return [(int(cid), folio or str(cid)) for cid, folio in s.execute(query).all()]


def _check_versions(s: Session, from_version: int, to_version: int) -> None:
    for version in (from_version, to_version):
        if s.get(ContentVersion, version) is None:
            raise NotFound(f"la versión {version} no existe")
    if from_version == to_version:
        raise MigrationInvalid("elija dos versiones distintas")


def run_migration(
    db: Database,
    store: CatalogStore,
    from_version: int,
    to_version: int,
    actor: Actor,
    now: datetime,
    dry_run: bool = True,
    folios: Sequence[str] | None = None,
) -> MigrationResult:
    """Per-case verdicts for the open cases of ``from_version`` (or the folios named); unless ``dry_run``,
    the safe ones move, each in its own transaction (a case changed meanwhile is refused, not half-moved)."""
    cache: dict[int, Index] = {}
    with db.reading() as s:
        _check_versions(s, from_version, to_version)
        candidates = _candidates(s, from_version, folios)
        verdicts = (
            [check_case(s, store, cid, to_version, now, cache)[1] for cid, _ in candidates] if dry_run else []
        )
    missing = sorted(set(folios or ()) - {folio for _, folio in candidates})
    migrated = 0
    for case_id, folio in [] if dry_run else candidates:
        try:
            with db.writing() as s:
                verdict = migrate_case(s, store, case_id, to_version, actor, now, cache)
        except EngineError as err:
            verdict = Verdict(folio, False, err.detail)
        migrated += verdict.safe
        verdicts.append(verdict)
    verdicts += [Verdict(f, False, f"no es un caso abierto en la versión {from_version}") for f in missing]
    return MigrationResult(verdicts, migrated)
