"""The demo's fictitious content: names, companies, subjects and what people and companies write."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stdnum.cl import rut as stdrut

FIRST_NAMES = (
    "Camila Javiera Sofía Martina Catalina Valentina Constanza Francisca Fernanda Antonia Isidora Daniela "
    "Carolina Paula Macarena Florencia Trinidad Rosa Gloria Marcela Patricia Claudia Ximena Benjamín Matías "
    "Vicente Tomás Agustín Joaquín Cristóbal Sebastián Diego Felipe Nicolás Ignacio Rodrigo Gonzalo Cristián "
    "Mauricio Luis Juan Jorge Pedro Héctor Manuel Alejandro"
).split()
SURNAMES = "Prueba Ejemplo Demo Ficticio Muestra Ensayo Modelo Simulado".split()

# name | market | how it answers complaints (portal: digital mediation; carta: by letter) | weight
_PROVIDERS = """
Telefonía Ejemplo SpA          | telecomunicaciones | portal | 9
Móvil Ficticia S.A.            | telecomunicaciones | portal | 7
Cable Demo Chile Ltda.         | telecomunicaciones | carta  | 5
Banco Ficticio S.A.            | financiero         | portal | 9
Tarjetas Muestra S.A.          | financiero         | portal | 7
Financiera Ejemplo SpA         | financiero         | carta  | 5
Multitienda Ficticia S.A.      | comercio           | portal | 9
Electro Demo SpA               | comercio           | carta  | 6
Muebles Muestra Ltda.          | comercio           | carta  | 4
Aerolínea Muestra S.A.         | transporte         | portal | 5
Buses Ejemplo Ltda.            | transporte         | carta  | 3
Eléctrica Ejemplo S.A.         | servicios básicos  | portal | 4
Aguas Ficticias S.A.           | servicios básicos  | carta  | 3
Isapre Demo S.A.               | salud              | portal | 3
Clínica Ficticia SpA           | salud              | carta  | 2
Inmobiliaria Ejemplo SpA       | inmobiliario       | carta  | 2
Viajes Muestra Ltda.           | turismo            | carta  | 2
Instituto Ficticio SpA         | educación          | carta  | 1
"""
# [market], then: subject | what the consumer says ({monto}: an amount in pesos)
SUBJECTS = """
[telecomunicaciones]
Cobro indebido en boleta | En la boleta aparece un cobro de {monto} por servicios que nunca contraté.
Cortes reiterados de internet | El internet se corta seguido y no descuentan los días sin servicio.
Portabilidad no realizada | Pedí la portabilidad hace más de dos semanas y la empresa no la ejecuta.
Incumplimiento de oferta | Contraté un plan según la oferta publicada, pero me cobran {monto} más al mes.
[financiero]
Repactación no informada | El banco repactó mi deuda sin mi autorización y me cobra intereses por {monto}.
Cobro de seguro no contratado | En la tarjeta aparece un seguro que nunca contraté, de {monto} mensuales.
Compras no reconocidas con tarjeta | Desconozco compras por {monto} con mi tarjeta y no me las devuelven.
Cobranza extrajudicial abusiva | Me llaman varias veces al día, también los domingos, por una deuda ya pagada.
[comercio]
Producto defectuoso y garantía legal | El refrigerador falló al mes y la tienda no lo cambia en garantía.
Despacho no realizado | Pagué {monto} por una compra con despacho a domicilio y nunca llegó.
Incumplimiento de oferta | Publicaron un televisor en oferta y al pagar me cobraron {monto}, el precio normal.
Derecho a retracto en compra por internet | Ejercí el retracto de una compra web a tiempo y no lo aceptan.
[transporte]
Cancelación de vuelo sin reembolso | Me cancelaron el vuelo y no devuelven el valor del pasaje ({monto}).
Pérdida de equipaje | Mi equipaje no llegó a destino y la empresa no responde por la indemnización.
[servicios básicos]
Corte de suministro sin aviso | Cortaron el suministro por dos días sin aviso previo y sin compensación.
Cobro excesivo en la boleta | La boleta del mes llegó por {monto}, el triple de mi consumo habitual.
[salud]
Cobro de prestación cubierta | Me cobraron {monto} por una prestación que debía cubrir mi plan de salud.
[inmobiliario]
Defectos de construcción en vivienda nueva | El departamento tiene filtraciones y no responden la garantía.
[turismo]
Paquete turístico no prestado | Pagué un paquete de {monto}; la agencia canceló el viaje y no lo devuelve.
[educación]
Cobro de mensualidades tras el retiro | Me retiré a tiempo y el instituto sigue cobrando {monto} al mes.
"""
# (provider market, subject) → the classification the ejecutivo picks (lists/clasificacion.json)
CLASSIFIED = {
    ("telecomunicaciones", "Cobro indebido en boleta"): (
        "telecomunicaciones",
        "cobro_indebido",
        "cobro_no_contratado",
    ),
    ("telecomunicaciones", "Cortes reiterados de internet"): (
        "telecomunicaciones",
        "servicio_no_prestado",
        "sin_descuento",
    ),
    ("telecomunicaciones", "Portabilidad no realizada"): (
        "telecomunicaciones",
        "portabilidad",
        "portabilidad_numerica",
    ),
    ("telecomunicaciones", "Incumplimiento de oferta"): (
        "telecomunicaciones",
        "publicidad_enganosa",
        "precio_publicado",
    ),
    ("financiero", "Repactación no informada"): (
        "financiero",
        "repactacion_unilateral",
        "repactacion_sin_firma",
    ),
    ("financiero", "Cobro de seguro no contratado"): (
        "financiero",
        "productos_atados",
        "seguro_no_solicitado",
    ),
    ("financiero", "Compras no reconocidas con tarjeta"): (
        "financiero",
        "fraude_transacciones",
        "compras_no_reconocidas",
    ),
    ("financiero", "Cobranza extrajudicial abusiva"): (
        "financiero",
        "cobranza_extrajudicial",
        "llamados_excesivos",
    ),
    ("comercio", "Producto defectuoso y garantía legal"): ("comercio", "garantia_legal", "negativa_cambio"),
    ("comercio", "Despacho no realizado"): ("comercio", "retraso_entrega", "despacho_no_realizado"),
    ("comercio", "Incumplimiento de oferta"): ("comercio", "publicidad_enganosa", "precio_publicado"),
    ("comercio", "Derecho a retracto en compra por internet"): (
        "comercio",
        "derecho_retracto",
        "compra_distancia",
    ),
    ("transporte", "Cancelación de vuelo sin reembolso"): (
        "transporte_aereo",
        "vuelo_retrasado_cancelado",
        "cancelacion_sin_reembolso",
    ),
    ("transporte", "Pérdida de equipaje"): ("transporte_aereo", "equipaje", "equipaje_perdido"),
    ("servicios básicos", "Corte de suministro sin aviso"): (
        "servicios_basicos",
        "corte_suministro",
        "corte_sin_aviso",
    ),
    ("servicios básicos", "Cobro excesivo en la boleta"): (
        "servicios_basicos",
        "facturacion_consumo",
        "consumo_excesivo",
    ),
    ("salud", "Cobro de prestación cubierta"): ("salud", "cobertura_salud", "prestacion_no_cubierta"),
    ("inmobiliario", "Defectos de construcción en vivienda nueva"): (
        "inmobiliario",
        "fallas_construccion",
        "filtraciones",
    ),
    ("turismo", "Paquete turístico no prestado"): ("turismo", "paquete_turistico", "viaje_cancelado"),
    ("educación", "Cobro de mensualidades tras el retiro"): (
        "educacion",
        "aranceles_cobros",
        "cobro_tras_retiro",
    ),
}
# institution, then: subject | what the person says (not a consumer matter: orient and close)
OUT_OF_SCOPE = """
[la Dirección del Trabajo]
Despido sin pago de finiquito | Mi empleador me despidió y no me ha pagado el finiquito.
[la municipalidad de su comuna]
Ruidos molestos de un vecino | Un vecino hace fiestas todas las noches y no me deja dormir.
[la Corporación de Asistencia Judicial]
Deuda entre particulares | Le presté dinero a un conocido y no me lo devuelve.
[el Servicio de Impuestos Internos]
Cobro de contribuciones | Me llegó un cobro de contribuciones que creo que no corresponde.
[la Superintendencia de Pensiones]
Error en la cotización previsional | Mi AFP no registra las cotizaciones de varios meses.
"""
ANSWERS = {
    "telecomunicaciones": "Puede exigir el descuento por los días sin servicio y reclamar por escrito a "
    "la empresa; si no responde, puede presentar un reclamo.",
    "financiero": "Todo seguro o servicio asociado requiere su aceptación expresa (Ley 19.496, art. 17 B); "
    "puede pedir su anulación y la devolución de lo cobrado.",
    "comercio": "La garantía legal es de seis meses y permite elegir entre reparación, cambio o devolución "
    "del dinero (Ley 19.496, arts. 20 y 21).",
    "transporte": "Si la cancelación es imputable a la empresa, tiene derecho a la devolución del pasaje "
    "o a un viaje alternativo, además de una compensación.",
    "servicios básicos": "La interrupción del suministro da derecho a compensación; reclame primero a la "
    "empresa y luego ante la Superintendencia.",
    "salud": "Reclame primero ante la institución de salud y, si no responde, ante la Superintendencia.",
    "inmobiliario": "La inmobiliaria responde por las fallas de construcción; reclame por escrito y guarde "
    "fotografías de los daños.",
    "turismo": "Si el servicio no se prestó, tiene derecho a la devolución íntegra de lo pagado.",
    "educación": "El contrato de servicios educacionales admite retracto hasta 10 días tras la matrícula.",
}
COMPANY = {
    "acoge": "Revisamos el caso y acogemos lo solicitado: devolveremos {monto} dentro de 10 días hábiles.",
    "acoge_parcialmente": "Ofrecemos un abono de {monto} como solución parcial; el resto es lo pactado.",
    "no_acoge": "Según nuestros registros el cobro corresponde a lo contratado; no acogemos la solicitud.",
}
OUTCOMES = {
    "acoge": "PROVEEDOR ACOGE",
    "acoge_parcialmente": "ACOGE PARCIALMENTE",
    "no_acoge": "PROVEEDOR NO ACOGE",
}
SUMMARIES = {
    "PROVEEDOR ACOGE": "El proveedor acogió el reclamo y devolverá {monto}; se informó a la persona "
    "consumidora.",
    "ACOGE PARCIALMENTE": "El proveedor ofreció una solución parcial ({monto}); se informó a la persona "
    "consumidora de sus opciones.",
    "PROVEEDOR NO ACOGE": "El proveedor no acogió el reclamo; se orientó a la persona consumidora sobre la "
    "vía judicial.",
    "CONSUMIDOR DESISTE": "La persona consumidora desiste: llegó a un acuerdo directo con la empresa.",
}
RULINGS = {
    "SENTENCIA FAVORABLE": "El juzgado condena al proveedor a restituir {monto} y le aplica una multa.",
    "AVENIMIENTO": "Las partes llegan a un avenimiento: el proveedor paga {monto}.",
    "SENTENCIA DESFAVORABLE": "El juzgado rechaza la denuncia por falta de prueba del cobro.",
    "CONSUMIDOR DESISTE": "La persona consumidora se desiste de la acción.",
}
OBSERVATIONS = {  # what a supervisor asks to correct before approving a closure, by stage
    "consulta": [
        "Citar el artículo de la Ley 19.496 en que se funda la respuesta.",
        "Completar la orientación: indicar cómo reclamar si la empresa no responde.",
    ],
    "reclamo": [
        "Falta indicar el monto que devolverá el proveedor.",
        "Precisar el plazo que comprometió la empresa.",
        "El resumen no coincide con la respuesta del proveedor; revisar.",
    ],
    "judicial": ["Indicar el rol de la causa y el monto de la multa."],
    "no_consumo": ["Agregar la dirección y el horario de la institución sugerida."],
}
REVIEWS = [
    ("contactar_ejecutivo", "Se conversó con el ejecutivo: alta demanda en la oficina; responderá hoy."),
    ("contactar_ejecutivo", "Se pidió priorizar el caso en la bandeja."),
    ("sin_accion", "Atraso justificado: se esperaban antecedentes de la persona consumidora."),
]


@dataclass(frozen=True)
class Provider:
    """A fictitious company: portal (answers digitally) or letter."""

    name: str
    market: str
    digital: bool
    weight: int
    rut: str
    email: str


def table_rows(table: str) -> list[list[str]]:
    """A ``|`` table's rows; a ``[section]`` line puts its name first in the rows below it."""
    rows, section = [], ""
    for line in table.strip().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        else:
            rows.append(
                [section, *(cell.strip() for cell in line.split("|"))] if section else line.split("|")
            )
    return [[cell.strip() for cell in row] for row in rows]


def to_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def format_rut(number: int) -> str:
    return str(stdrut.format(f"{number}{stdrut.calc_check_digit(str(number))}"))


def _providers() -> list[Provider]:
    """The fictitious companies, with valid company RUTs (76.xxx.xxx-x) and @ejemplo.cl contacts."""
    out = []
    for i, (name, market, mode, weight) in enumerate(table_rows(_PROVIDERS)):
        slug = "-".join(to_ascii(name).lower().replace(".", "").split()[:2])
        email = f"reclamos.{slug}@ejemplo.cl"
        out.append(
            Provider(name, market, mode == "portal", int(weight), format_rut(76_010_000 + 52_631 * i), email)
        )
    return out


PROVIDERS = _providers()
