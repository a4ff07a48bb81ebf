"""``ventanilla check [--folio F] [--repair]``: the consistency checker for operators (docs/operations.md)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from engine.services import consistency
from engine.system import System

from . import common


@click.command("check")
@click.option("--folio", "folios", multiple=True, help="Revisar solo este folio (se puede repetir)")
@click.option("--repair", is_flag=True, help="Reconstruir desde el estado lo que se puede reparar sin riesgo")
def check(folios: tuple[str, ...], repair: bool) -> None:
    """Compara cada caso con su estado: tareas abiertas, temporizadores, suscripciones, caso y bitácora.

    Una línea por caso con diferencias; sale con 1 si queda alguna sin reparar."""
    sys_, now = common.system(), common.now()
    checked = unresolved = after = 0
    while ids := _page(sys_, folios, after):
        after = ids[-1]
        for case_id in ids:
            found = _one(sys_, case_id, now, repair)
            checked += 1
            if found.problems:
                fixed = repair and found.repairable
                unresolved += not fixed
                state = "REPARADO" if fixed else "DIFERENCIA"
                click.echo(f"{found.folio}: {state}: " + "; ".join(found.problems))
    click.echo(f"{checked} casos revisados; {unresolved} con diferencias sin reparar.", err=True)
    if unresolved:
        sys.exit(1)


def _page(sys_: System, folios: tuple[str, ...], after: int) -> list[int]:
    with sys_.db.reading() as s:
        return consistency.case_ids(s, folios, after)


def _one(sys_: System, case_id: int, now: datetime, repair: bool) -> consistency.CaseCheck:
    """One case in its own transaction: a write (with the case's lock) to repair, a read otherwise."""
    if repair:
        with sys_.db.writing() as s:
            return consistency.repair_case(s, sys_.store, case_id, now)
    with sys_.db.reading() as s:
        return consistency.check_case(s, sys_.store, case_id, now)
