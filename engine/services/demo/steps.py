"""The story steps: what each person (or company) enters when they complete a demo case's task."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ... import deadlines, refdata
from ...access import Actor
from .. import mediation, tasks, transfers
from .companies import company_actor
from .content import (
    ANSWERS,
    COMPANY,
    OBSERVATIONS,
    OUT_OF_SCOPE,
    OUTCOMES,
    REVIEWS,
    RULINGS,
    SUMMARIES,
    table_rows,
)
from .population import Plan, Sim


@dataclass(frozen=True)
class OpenTask:
    """What a person sees of an open task in their bandeja."""

    id: str
    element_id: str
    created_at: datetime
    context: Mapping[str, Any]


Step = Callable[[Sim, Plan, OpenTask, str, datetime], tuple[Actor, dict[str, Any]]]


def _supervisor(sim: Sim, plan: Plan) -> Actor:
    return sim.staff[f"supervisor{plan.region}"]


def _lawyer(sim: Sim, plan: Plan) -> Actor:
    return sim.staff[f"abogado{plan.region}"]


def transfer(sim: Sim, plan: Plan, at: datetime) -> None:
    """The supervisor moves the case to the region the consumer moved to."""
    dest = plan.transfer_to or plan.region
    town = refdata.comunas()[f"{dest}101"].name  # the region's capital
    reason = f"La persona consumidora se mudó a {town} y pide seguir el caso en esa región."
    with sim.system.db.writing() as s:
        transfers.transfer_case(
            s, sim.system.store, plan.folio, _supervisor(sim, plan), reason, at, to_user=f"ejecutivo{dest}"
        )
    plan.region, plan.handler, plan.transfer_to = dest, sim.staff[f"ejecutivo{dest}"], None


def company_answers(sim: Sim, plan: Plan, task: OpenTask, at: datetime) -> None:
    """A portal company answers digitally (message); a letter is registered by the ejecutivo."""
    text = COMPANY[plan.answer].format(monto=plan.amount)
    with sim.system.db.writing() as s:
        if plan.provider.digital:  # through the provider portal/API, like the real company would
            payload = {"resultado": plan.answer, "texto": text}
            company = company_actor(plan.provider)
            mediation.answer_complaint(s, sim.system.store, plan.folio, payload, {}, company, at)
        else:
            data = {
                "resultado_proveedor": plan.answer,
                "respuesta_proveedor_texto": text,
                "fecha_respuesta": deadlines.local_date(at).isoformat(),
            }
            tasks.complete_task(s, sim.system.store, task.id, data, plan.handler, at)


def _reply_medium(rng: random.Random, plan: Plan) -> str:
    """How the answer reaches the person: as they came, by e-mail if they gave one, else by letter."""
    channel, email = plan.intake["channel"], plan.intake["consumer"].get("email")
    if channel == "phone":
        return "telefono"
    if channel == "in_person" and rng.random() < 0.6:
        return "presencial"
    return "correo" if email and channel != "written" else "carta"


def _forward(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    medium = "portal" if plan.provider.digital else sim.rng.choice(["carta", "correo"])
    data = {"medio_traslado": medium, "contacto_proveedor": plan.provider.email}
    if medium == "carta":
        del data["contacto_proveedor"]
    return plan.handler, data


def _remind(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    medium = "portal" if plan.provider.digital else "carta"
    note = "Venció el plazo de respuesta sin que la empresa respondiera el traslado."
    return plan.handler, {"medio_recordatorio": medium, "nota_recordatorio": note}


def _inquiry(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    if plan.arc == "consulta_escalada":
        text = "La persona consumidora pide mediación con la empresa: pasa a reclamo."
        return plan.handler, {"accion": "escalar_reclamo", "respuesta": text}
    medium = _reply_medium(sim.rng, plan)
    return plan.handler, {
        "accion": "responder",
        "medio_respuesta": medium,
        "respuesta": ANSWERS[plan.provider.market],
    }


def _complaint(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    if "judicial" in plan.arc:
        text = "El proveedor no acogió el reclamo: pasa al abogado para denunciar ante el Juzgado de Policía."
        return plan.handler, {"accion": "etapa_judicial", "resumen_cierre": text}
    outcome = "CONSUMIDOR DESISTE" if plan.arc == "reclamo_desiste" else OUTCOMES[plan.answer]
    summary = SUMMARIES[outcome].format(monto=plan.amount)
    return plan.handler, {"accion": "cerrar", "outcome": outcome, "resumen_cierre": summary}


def _ruling(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    outcome = sim.rng.choices(list(RULINGS), weights=[50, 25, 15, 10])[0]
    return _lawyer(sim, plan), {
        "outcome": outcome,
        "fecha_sentencia": deadlines.local_date(at).isoformat(),
        "resumen_sentencia": RULINGS[outcome].format(monto=plan.amount),
    }


def _orientation(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    institution = next(row[0] for row in table_rows(OUT_OF_SCOPE) if row[1] == plan.intake["subject"])
    return plan.handler, {
        "orientacion": f"No es una relación de consumo: se orientó a dirigirse a {institution}.",
        "institucion_sugerida": institution,
        "medio_respuesta": _reply_medium(sim.rng, plan),
    }


SUMMARY_FIELD = {"consulta": "respuesta", "reclamo": "resumen_cierre", "judicial": "resumen_sentencia"}
PROPOSALS: Mapping[str, Callable[[Sim, Plan, datetime], tuple[Actor, dict[str, Any]]]] = {
    "consulta": _inquiry,
    "reclamo": _complaint,
    "judicial": _ruling,
    "no_consumo": _orientation,
}


def _propose(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    """The stage's closing proposal; after a return, corrected as the observations ask."""
    actor, data = PROPOSALS[stage](sim, plan, at)
    observation = task.context.get("observaciones_visacion")
    if observation:
        text_field = SUMMARY_FIELD.get(stage, "orientacion")
        data[text_field] += f" Se corrige según la visación ({str(observation).rstrip('.')})."
    return actor, data


def _no_answer(
    sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime
) -> tuple[Actor, dict[str, Any]]:
    text = "El proveedor no respondió el traslado ni el recordatorio; se orientó sobre la vía judicial."
    return plan.handler, {"accion": "cerrar", "resumen_cierre": text}


def _approve(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    """Visación by the region's supervisor (never the proposer); some closures come back once."""
    if plan.returns and not plan.returned:
        plan.returned = True
        return _supervisor(sim, plan), {
            "decision": "devolver",
            "observaciones_visacion": sim.rng.choice(OBSERVATIONS[stage]),
        }
    return _supervisor(sim, plan), {"decision": "aprobar"}


def _review(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    action, text = sim.rng.choice(REVIEWS)
    return _supervisor(sim, plan), {"accion_correctiva": action, "observacion": text}


def _lawsuit(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    comuna = refdata.comunas()[plan.intake["consumer"]["comuna"]].name
    facts = (
        f"{plan.intake['subject']}: {plan.provider.name} no acogió el reclamo {plan.folio} en la mediación."
    )
    return _lawyer(sim, plan), {
        "juzgado": f"Juzgado de Policía Local de {comuna}",
        "hechos_denuncia": facts,
        "fecha_presentacion": deadlines.local_date(at).isoformat(),
    }


def _hearing(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    return _lawyer(sim, plan), {
        "fecha_audiencia": deadlines.local_date(at).isoformat(),
        "resumen_audiencia": "Comparecen ambas partes; el tribunal cita a oír sentencia.",
    }


STEPS: Mapping[str, Step] = {
    "trasladar": _forward,
    "enviar_recordatorio": _remind,
    "proponer_cierre": _propose,
    "proponer_cierre_nr": _no_answer,
    "visar_cierre": _approve,
    "revisar_atraso": _review,
    "preparar_denuncia": _lawsuit,
    "registrar_audiencia": _hearing,
}
