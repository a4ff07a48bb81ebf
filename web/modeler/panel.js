// The properties panel: for the selected element, exactly what the platform understands (docs/content.md,
// "Properties"): forms, letters, bitácora and notifications, lane roles, timers, called processes, scripts
// and conditions. Changes are written when a field is left (change event) through bpmn-js's modeling API.
import { comboInput, el, field, section, selectInput, textArea, textInput } from "./dom.js";
import * as spiff from "./spiff.js";

const TYPE_LABELS = {
  "bpmn:UserTask": "Tarea de usuario",
  "bpmn:ScriptTask": "Tarea de script",
  "bpmn:CallActivity": "Llamada a proceso",
  "bpmn:SubProcess": "Subproceso",
  "bpmn:StartEvent": "Evento de inicio",
  "bpmn:EndEvent": "Evento de fin",
  "bpmn:BoundaryEvent": "Evento adjunto",
  "bpmn:IntermediateCatchEvent": "Evento intermedio (espera)",
  "bpmn:IntermediateThrowEvent": "Evento intermedio",
  "bpmn:ExclusiveGateway": "Compuerta exclusiva",
  "bpmn:ParallelGateway": "Compuerta paralela",
  "bpmn:EventBasedGateway": "Compuerta basada en eventos",
  "bpmn:SequenceFlow": "Flujo de secuencia",
  "bpmn:Lane": "Carril (rol)",
  "bpmn:Participant": "Piscina",
  "bpmn:Process": "Proceso",
  "bpmn:Task": "Tarea (sin tipo)",
  "bpmn:ServiceTask": "Tarea de servicio",
  "bpmn:BusinessRuleTask": "Tarea de regla de negocio (DMN)",
  "bpmn:SendTask": "Tarea de envío",
  "bpmn:ReceiveTask": "Tarea de recepción",
  "bpmn:ManualTask": "Tarea manual",
  "bpmn:ComplexGateway": "Compuerta compleja",
  "bpmn:InclusiveGateway": "Compuerta inclusiva",
  "bpmn:Transaction": "Transacción",
  "bpmn:AdHocSubProcess": "Subproceso ad hoc",
  "bpmn:DataStoreReference": "Almacén de datos",
  "bpmn:DataObjectReference": "Objeto de datos",
  "bpmn:TextAnnotation": "Anotación",
};
// What the platform refuses (docs/content.md); the server's validation says why, element by element.
const UNSUPPORTED = new Set(["bpmn:ComplexGateway", "bpmn:BusinessRuleTask", "bpmn:ServiceTask", "bpmn:Transaction", "bpmn:AdHocSubProcess", "bpmn:DataStoreReference"]);

function functionsHelp(catalog) {
  const items = (catalog.functions || []).flatMap((f) => [
    el("dt", { class: "font-monospace small", text: f.signature || `${f.name}()` }),
    el("dd", { class: "small mb-1", text: f.help || "" }),
  ]);
  return el(
    "details",
    { class: "mb-2" },
    el("summary", { class: "small", text: "Funciones disponibles en scripts, condiciones y plazos" }),
    el("dl", { class: "mb-0 mt-1" }, items),
  );
}

// The role a lane names, as engine/roles.py reads it: its code, or its Spanish label (up to the "/").
function fold(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase().replace(/ /g, "_");
}

function roleForLane(name, roles) {
  if (!name) return null;
  const head = fold(name.split("/")[0]);
  return roles.find((r) => r.code === fold(name)) || roles.find((r) => fold(r.label.split("/")[0]) === head) || null;
}

export class Panel {
  constructor(modeler, container, catalog) {
    this.modeler = modeler;
    this.container = container;
    this.catalog = catalog;
    this.element = null;
  }

  show(element) {
    this.element = element && element.businessObject ? element : null;
    if (!this.element) {
      this.container.replaceChildren(el("p", { class: "small mb-0", text: "Seleccione un elemento del diagrama." }));
      return;
    }
    this.container.replaceChildren(...this.render(element));
  }

  refresh() {
    if (this.element && !this.container.contains(document.activeElement)) this.show(this.element);
  }

  set(name, value) {
    spiff.setProperty(this.modeler, this.element, name, value);
  }

  propertyField(label, name, help, area = false) {
    const bo = this.element.businessObject;
    const onChange = (v) => this.set(name, v);
    const control = area ? textArea(spiff.getProperty(bo, name), onChange, 2) : textInput(spiff.getProperty(bo, name), onChange);
    return field(label, control, help);
  }

  render(element) {
    const bo = element.businessObject;
    const type = bo.$type;
    const parts = [
      el("h2", { class: "h6 mb-1", id: "panel-titulo", text: TYPE_LABELS[type] || type.replace("bpmn:", "") }),
      el("p", { class: "small text-body-secondary mb-2" }, "Id: ", el("code", { text: bo.id })),
    ];
    if (UNSUPPORTED.has(type)) {
      parts.push(el("p", { class: "alert alert-warning small py-1 px-2", text: "La plataforma no soporta este elemento: cámbielo de tipo (menú de la llave) o elimínelo antes de publicar." }));
    }
    if (type === "bpmn:Lane") return [...parts, this.laneRole()];
    if (type !== "bpmn:Process" && type !== "bpmn:Collaboration") {
      parts.push(field("Nombre", textInput(bo.name, (v) => this.modeler.get("modeling").updateProperties(element, { name: v || undefined }))));
    }
    if (type === "bpmn:UserTask") parts.push(this.userTask());
    if (type === "bpmn:StartEvent" && bo.$parent && bo.$parent.$type === "bpmn:Process") parts.push(this.startForm());
    if (spiff.timerOf(bo)) parts.push(this.timer());
    if (type === "bpmn:CallActivity") parts.push(this.calledProcess());
    if (type === "bpmn:ScriptTask") parts.push(this.script());
    if (type === "bpmn:SequenceFlow") parts.push(this.condition());
    if (/Task$|Event$|SubProcess$|CallActivity$/.test(type)) parts.push(this.letters(), this.bitacora(), this.notify(), this.derivation());
    return parts;
  }

  formLink(id) {
    if (!id) return "";
    const known = (this.catalog.forms || []).some((f) => f.id === id);
    const text = known ? `Editar el formulario ${id}` : `Crear el formulario ${id}`;
    return el("p", { class: "small mb-2" }, el("a", { href: `/taller/formularios/${encodeURIComponent(id)}`, text }));
  }

  formOptions() {
    return (this.catalog.forms || []).map((f) => [f.id, f.title ? `${f.id} — ${f.title}` : f.id]);
  }

  userTask() {
    const bo = this.element.businessObject;
    const [input, list] = comboInput(spiff.getProperty(bo, "form"), this.formOptions(), (v) => this.set("form", v));
    return section(
      "Tarea",
      field("Formulario", input, "Elija un formulario del borrador (obligatorio en tareas de usuario)."),
      list,
      this.formLink(spiff.getProperty(bo, "form")),
      this.propertyField("Mostrar variables (show)", "show", "Variables del proceso mostradas con la tarea, separadas por coma."),
      this.propertyField("Cuatro ojos (four_eyes)", "four_eyes", "Ids de tareas: quien completó la última de ellas no puede completar esta (visación)."),
    );
  }

  startForm() {
    const bo = this.element.businessObject;
    const [input, list] = comboInput(spiff.getProperty(bo, "form"), this.formOptions(), (v) => this.set("form", v));
    return section("Ingreso", field("Formulario de ingreso", input, "Opcional: el formulario con que se abre un caso de este proceso."), list);
  }

  laneRole() {
    const bo = this.element.businessObject;
    const roles = this.catalog.roles || [];
    const current = roleForLane(bo.name, roles);
    const select = selectInput(current ? current.code : bo.name || "", roles.map((r) => [r.code, r.label]), (v) => {
      this.modeler.get("modeling").updateProperties(this.element, { name: v || undefined });
    }, { unknownLabel: "(rol no reconocido)" });
    return field("Rol", select, "El nombre del carril es el rol que trabaja sus tareas.");
  }

  timer() {
    const timer = spiff.timerOf(this.element.businessObject);
    const { kind, body } = spiff.timerValue(timer);
    const kindSelect = selectInput(kind, [["timeDate", "Fecha (timeDate)"], ["timeDuration", "Duración (timeDuration)"]], () => {});
    kindSelect.firstChild.remove();
    const area = textArea(body, () => {}, 2);
    const write = () => spiff.setTimer(this.modeler, this.element, kindSelect.value, area.value);
    kindSelect.addEventListener("change", write);
    area.addEventListener("change", write);
    const days = el("input", { type: "number", min: "0", max: "365", value: "10", class: "form-control form-control-sm" });
    const base = textInput("today()", () => {});
    const build = el("button", { type: "button", class: "btn btn-outline-secondary btn-sm", text: "Armar plazo en días hábiles", onclick: () => {
      kindSelect.value = "timeDate";
      area.value = spiff.businessDaysExpression(days.value, base.value);
      write();
    } });
    return section(
      "Temporizador",
      field("Tipo", kindSelect),
      field("Expresión", area, "timeDate: una fecha o instante, p. ej. end_of_day(add_business_days(today(), 10, region)); timeDuration: una duración ISO 8601 entre comillas, p. ej. 'P5D'."),
      el("div", { class: "row g-2 align-items-end mb-2" },
        el("div", { class: "col-4" }, field("Días hábiles", days)),
        el("div", { class: "col-8" }, field("Desde", base))),
      build,
      functionsHelp(this.catalog),
    );
  }

  calledProcess() {
    const bo = this.element.businessObject;
    const options = (this.catalog.processes || []).map((p) => [p.id, p.name ? `${p.id} — ${p.name}` : p.id]);
    const [input, list] = comboInput(bo.calledElement, options, (v) => this.modeler.get("modeling").updateProperties(this.element, { calledElement: v.trim() || undefined }));
    return section(
      "Proceso llamado",
      field("Proceso (calledElement)", input, "Id de un proceso del borrador."),
      list,
      this.propertyField(
        "Proceso elegido al iniciar (called_element)",
        "called_element",
        "Expresión opcional que da el id del proceso a llamar, p. ej. agencia_datos.get('process') or 'derivacion'; calledElement queda como proceso por defecto.",
      ),
    );
  }

  derivation() {
    return section(
      "Derivación",
      this.propertyField("Derivar a (derivation)", "derivation", "Expresión con el código de la institución del registro; la carta del elemento es el oficio."),
      this.propertyField("Estado de la derivación (derivation_status)", "derivation_status", "Expresión: 'acknowledged', 'answered' o 'returned'."),
    );
  }

  script() {
    const bo = this.element.businessObject;
    const area = textArea(bo.script, (v) => this.modeler.get("modeling").updateProperties(this.element, { script: v }), 6);
    return section("Script", field("Script (Python del sandbox)", area, "Sin imports ni nombres que empiecen con _."), functionsHelp(this.catalog));
  }

  condition() {
    const bo = this.element.businessObject;
    const body = bo.conditionExpression ? bo.conditionExpression.body || "" : "";
    const area = textArea(body, (v) => spiff.setCondition(this.modeler, this.element, v), 2);
    return section("Condición", field("Condición (expresión)", area, "Vacía: el flujo no tiene condición."), functionsHelp(this.catalog));
  }

  letters() {
    const bo = this.element.businessObject;
    const options = (this.catalog.letters || []).map((l) => [l.id, l.title || l.id]);
    const select = selectInput(spiff.listed(bo, "letter", "letters"), options, (ids) => spiff.setLetters(this.modeler, this.element, ids), { multiple: true });
    return section(
      "Cartas",
      field("Cartas al completar", select, "Ctrl + clic o Mayús + flechas para elegir varias."),
      this.propertyField("Solo si (letter_when)", "letter_when", "Expresión; vacía: siempre.", true),
    );
  }

  bitacora() {
    const bo = this.element.businessObject;
    const visible = el("input", { type: "checkbox", class: "form-check-input", checked: spiff.getProperty(bo, "log_public") === "true", onchange: (e) => this.set("log_public", e.target.checked ? "true" : "") });
    visible.id = `log-public-${bo.id}`;
    return section(
      "Bitácora",
      this.propertyField("Evento (log_event)", "log_event", "Expresión, p. ej. 'forwarded'."),
      this.propertyField("Resumen (log_summary)", "log_summary", "Expresión en español.", true),
      this.propertyField("Variables registradas (log_data)", "log_data", "Separadas por coma."),
      el("div", { class: "form-check mb-2" }, visible, el("label", { class: "form-check-label small", for: visible.id, text: "Visible para el/la ciudadano/a (log_public)" })),
    );
  }

  notify() {
    return section(
      "Notificación",
      this.propertyField("Notificar a (notify)", "notify", "holder (quien tiene el caso), opener (quien lo registró) y/o roles, separados por coma."),
      this.propertyField("Mensaje (notify_message)", "notify_message", "Expresión en español.", true),
    );
  }
}
