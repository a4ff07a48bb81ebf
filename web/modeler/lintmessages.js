// bpmnlint's rule messages in Spanish for the review list (unknown messages are shown as bpmnlint wrote them).
const ES = {
  "Element is not connected": "El elemento no está conectado",
  "Element is an implicit end": "El elemento es un fin implícito (sin flujo de salida ni evento de fin)",
  "Element is an implicit start": "El elemento es un inicio implícito (sin flujo de entrada ni evento de inicio)",
  "Flow splits implicitly": "El flujo se divide implícitamente (use una compuerta)",
  "Gateway forks and joins": "La compuerta divide y une a la vez",
  "Gateway is superfluous. It only has one source and target.": "La compuerta sobra: tiene una sola entrada y una sola salida.",
  "Sequence flow is missing condition": "Al flujo le falta su condición",
  "Sequence flow has superfluous label": "El flujo tiene un nombre que sobra",
  "Duplicate incoming sequence flows": "Flujos de entrada duplicados",
  "Duplicate outgoing sequence flows": "Flujos de salida duplicados",
  "SequenceFlow is a duplicate": "El flujo está duplicado",
  "Element is missing bpmndi": "Al elemento le falta su dibujo (BPMN DI)",
  "Element overlaps with other element": "El elemento se superpone con otro",
  "Element is outside of parent boundary": "El elemento está fuera de su contenedor",
  "Event has multiple event definitions": "El evento tiene varias definiciones",
  "Start event must be blank": "El evento de inicio debe ser simple",
  "Start event is missing event definition": "Al evento de inicio le falta su definición",
  "Termination is superfluous.": "La terminación sobra.",
  "Link event is missing link name": "Al evento de enlace le falta el nombre",
  "Conditional event is missing a condition": "Al evento condicional le falta la condición",
  "Element name is not unique": "El nombre del elemento no es único",
  "Element is unused": "El elemento no se usa",
  "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>": "Una compuerta basada en eventos necesita al menos 2 flujos de salida",
  "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional": "Un flujo que sale de una compuerta basada en eventos no puede tener condición",
  "Element is missing label/name": "Al elemento le falta su nombre",
  "Element is missing name": "Al elemento le falta su nombre",
  "Incoming flows do not join": "Los flujos de entrada no se unen (use una compuerta)",
  "A <Start Event> is not allowed in <Ad Hoc Sub Process>": "Un subproceso ad hoc no admite eventos de inicio",
  "An <End Event> is not allowed in <Ad Hoc Sub Process>": "Un subproceso ad hoc no admite eventos de fin",
};

// Messages that carry a value (a process type, a name, a size): pattern → Spanish.
const CONTAINER = { Process: "El proceso", "Sub process": "El subproceso" };
const PATTERNS = [
  [/^(Process|Sub process) is missing start event$/, (m) => `${CONTAINER[m[1]]}: falta el evento de inicio`],
  [/^(Process|Sub process) is missing end event$/, (m) => `${CONTAINER[m[1]]}: falta el evento de fin`],
  [/^(Process|Sub process) has multiple blank start events$/, (m) => `${CONTAINER[m[1]]} tiene varios eventos de inicio simples`],
  [/^Element type <(.+)> is discouraged$/, (m) => `Se desaconseja el tipo de elemento <${m[1]}>`],
  [/^Duplicate link catch event with link name <(.*)> in scope$/, (m) => `Evento de enlace de captura duplicado con el nombre <${m[1]}>`],
  [/^Link (catch|throw) event with link name <(.*)> missing in scope$/, (m) => `Falta el evento de enlace ${m[1] === "catch" ? "de captura" : "de lanzamiento"} con el nombre <${m[2]}>`],
  [/^Element has a non-standard width; expected width of (\d+)$/, (m) => `El elemento no tiene el ancho estándar (${m[1]})`],
  [/^Element has a non-standard height; expected height of (\d+)$/, (m) => `El elemento no tiene el alto estándar (${m[1]})`],
  [/^Element has a non-standard size; expected (\d+)x(\d+)$/, (m) => `El elemento no tiene el tamaño estándar (${m[1]} x ${m[2]})`],
];

export function spanish(message) {
  if (ES[message]) return ES[message];
  for (const [pattern, spanishOf] of PATTERNS) {
    const found = pattern.exec(message);
    if (found) return spanishOf(found);
  }
  return message;
}
