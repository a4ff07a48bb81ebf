// The process page of the workbench (/taller/procesos/<id>): bpmn-js Modeler with bpmnlint, our properties
// panel, save to the draft, validation whose entries select the element, publish with a note, and import of a
// .bpmn made in another modeler.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";

import BpmnModeler from "bpmn-js/lib/Modeler";
import lintModule from "bpmn-js-bpmnlint";

import bpmnlintConfig from "../../.bpmnlintrc";
import * as api from "./api.js";
import { el } from "./dom.js";
import { spanish } from "./lintmessages.js";
import { Panel } from "./panel.js";
import spiffworkflow from "./spiffworkflow.json";
import spanishModule from "./translate.js";

const root = document.getElementById("modelador");
const processId = root.dataset.process;
const status = document.getElementById("estado");
const problemsBox = document.getElementById("problemas");
const lintBox = document.getElementById("revision");
let file = null;
let dirty = false;

const modeler = new BpmnModeler({
  container: "#lienzo",
  moddleExtensions: { spiffworkflow },
  additionalModules: [lintModule, spanishModule],
  linting: { bpmnlint: bpmnlintConfig, active: true },
});
const panel = new Panel(modeler, document.getElementById("panel"), {});

const COMMENTS_DROPPED = "Atención: este archivo tiene comentarios XML (<!-- … -->) y el modelador no los conserva al guardar; pase lo importante a la documentación o a los nombres de los elementos.";

function say(message, kind = "info") {
  status.className = `alert alert-${kind} py-2 mb-2`;
  status.textContent = message;
}

function setDirty(value) {
  dirty = value;
  document.getElementById("sin-guardar").hidden = !value;
}

// Select an element on the canvas (opening its subprocess plane when needed) and scroll to it.
export function selectElement(id, { focusPanel = true } = {}) {
  const element = modeler.get("elementRegistry").get(id);
  if (!element) {
    say(`El elemento ${id} no está en este diagrama.`, "warning");
    return;
  }
  const canvas = modeler.get("canvas");
  const plane = canvas.findRoot(element);
  if (plane && plane !== canvas.getRootElement()) canvas.setRootElement(plane);
  modeler.get("selection").select(element);
  canvas.scrollToElement(element);
  if (focusPanel) document.getElementById("panel").focus();
}

function problemItem(problem) {
  const text = api.describe(problem);
  const own = problem.file === file && problem.element;
  if (!own) return el("li", { class: "list-group-item small", text: `${problem.file || ""} · ${text}` });
  return el("li", { class: "list-group-item p-0" },
    el("button", { type: "button", class: "btn btn-link text-start w-100 small", "data-element": problem.element, text, onclick: () => selectElement(problem.element) }));
}

function showProblems(problems, title) {
  const own = problems.filter((p) => p.file === file);
  const others = problems.filter((p) => p.file !== file);
  const heading = problems.length
    ? `${title}: ${problems.length} problema${problems.length === 1 ? "" : "s"}${others.length ? ` (${others.length} en otros archivos)` : ""}.`
    : `${title}: sin problemas.`;
  problemsBox.replaceChildren(
    el("h2", { class: "h6", id: "problemas-titulo", text: heading }),
    el("ul", { class: "list-group mb-2", "aria-labelledby": "problemas-titulo" }, [...own, ...others].map(problemItem)),
  );
}

function showLint(issues) {
  const items = Object.entries(issues).flatMap(([id, list]) => list.map((issue) => ({ id, ...issue })));
  const heading = items.length ? `Revisión de estilo (bpmnlint): ${items.length}` : "Revisión de estilo (bpmnlint): sin observaciones.";
  lintBox.replaceChildren(
    el("h2", { class: "h6", text: heading }),
    el("ul", { class: "list-unstyled small mb-0" }, items.map((i) =>
      el("li", {}, el("button", { type: "button", class: "btn btn-link btn-sm p-0 text-start", text: `${i.category === "error" ? "Error" : "Aviso"} · ${i.id}: ${spanish(i.message)} (${i.rule})`, onclick: () => selectElement(i.id) })))),
  );
}

async function laidOut(xml) {
  if (xml.includes("BPMNDiagram")) return xml;
  return api.call("POST", root.dataset.layoutUrl, { body: xml, contentType: "application/xml", as: "text" });
}

// The "Ir al elemento" list: every named or typed element of the diagram, for keyboard users.
function fillJumpList() {
  const jump = document.getElementById("ir-a");
  const shown = modeler.get("elementRegistry").filter((e) => e.businessObject && !e.labelTarget && e.type !== "bpmn:Process" && !e.type.endsWith("Plane") && e.type !== "label");
  const options = shown
    .map((e) => [e.id, `${e.businessObject.name || e.id} (${e.id})`])
    .sort((a, b) => a[1].localeCompare(b[1], "es"));
  jump.replaceChildren(el("option", { value: "", text: "Ir al elemento…" }), ...options.map(([id, text]) => el("option", { value: id, text })));
}

async function open(xml) {
  const { warnings } = await modeler.importXML(await laidOut(xml));
  fillJumpList();
  modeler.get("canvas").zoom("fit-viewport", "auto");
  setDirty(false);
  if (warnings.length) say(`Diagrama abierto con ${warnings.length} advertencia(s) del lector BPMN: ${warnings.slice(0, 3).map((w) => w.message).join("; ")}`, "warning");
}

async function save() {
  const { xml } = await modeler.saveXML({ format: true });
  const result = await api.saveFile(file, xml, "application/xml");
  setDirty(false);
  panel.catalog = await api.catalog(); // forms or letters added in another tab show up in the panel
  showProblems(result.problems || [], "Borrador guardado");
  say("Borrador guardado.", "success");
  return result;
}

async function guarded(action) {
  try {
    await action();
  } catch (err) {
    say(err.message, "danger");
    if (err.problems && err.problems.length) showProblems(err.problems, "Rechazado");
  }
}

async function validate() {
  if (dirty) await save();
  const result = await api.validate();
  showProblems(result.problems || [], "Validación");
  say(result.ok ? "El borrador es válido." : "El borrador tiene problemas: revise la lista.", result.ok ? "success" : "warning");
}

async function publish(event) {
  event.preventDefault();
  const note = document.getElementById("nota").value.trim();
  if (!note) {
    say("Escriba una nota que explique el cambio antes de publicar.", "warning");
    document.getElementById("nota").focus();
    return;
  }
  if (dirty) await save();
  let result;
  try {
    result = await api.publish(note);
  } catch (err) {
    // A newer version was published after this draft was opened: merge it in (never replace it), then
    // publish again unless both changed the same file — that decision is made on the workbench page.
    const stale = err.status === 409 && err.body && String(err.body.type || "").endsWith("/draft-stale");
    if (!stale || !window.confirm(`${err.message}.\n\n¿Incorporar la versión nueva a su borrador y publicar?`)) throw err;
    const merged = await api.merge();
    await open(await api.readFile(file));
    if (merged.conflicts.length) {
      say(`Usted y la versión ${merged.base_version} modificaron: ${merged.conflicts.join(", ")}. Decida en el Taller qué copia conservar y vuelva a publicar.`, "warning");
      return;
    }
    result = await api.publish(note);
  }
  showProblems([], "Publicación");
  say(`Publicada la versión ${result.version}.`, "success");
  const link = el("a", { href: root.dataset.versionsUrl, class: "alert-link ms-1", text: "Ver versiones" });
  status.append(link);
  document.getElementById("nota").value = "";
}

async function importDiagram(event) {
  const chosen = event.target.files[0];
  if (!chosen) return;
  const text = await chosen.text();
  event.target.value = "";
  const result = await api.saveFile(file, text, "application/xml");
  await open(await api.readFile(file));
  const problems = result.problems || [];
  showProblems(problems, `Importado ${chosen.name}`);
  const own = problems.filter((p) => p.file === file).length;
  say(own ? `Diagrama importado con ${own} elemento(s) rechazado(s): revise la lista.` : "Diagrama importado y aceptado.", own ? "warning" : "success");
}

function wire() {
  const eventBus = modeler.get("eventBus");
  eventBus.on("selection.changed", ({ newSelection }) => {
    panel.show(newSelection[0] || modeler.get("canvas").getRootElement());
    const jump = document.getElementById("ir-a");
    jump.value = newSelection.length === 1 && jump.querySelector(`option[value="${CSS.escape(newSelection[0].id)}"]`) ? newSelection[0].id : "";
  });
  eventBus.on("commandStack.changed", () => {
    setDirty(true);
    panel.refresh();
    fillJumpList();
  });
  eventBus.on("linting.completed", ({ issues }) => showLint(issues));
  document.getElementById("ir-a").addEventListener("change", (e) => {
    if (e.target.value) selectElement(e.target.value, { focusPanel: false });
  });
  document.getElementById("guardar").addEventListener("click", () => guarded(save));
  document.getElementById("validar").addEventListener("click", () => guarded(validate));
  document.getElementById("form-publicar").addEventListener("submit", (e) => guarded(() => publish(e)));
  document.getElementById("importar").addEventListener("change", (e) => guarded(() => importDiagram(e)));
  window.addEventListener("beforeunload", (e) => {
    if (dirty) e.preventDefault();
  });
}

// A process that is not in the draft yet: offer to start it (start → one user task → end, in one lane).
function offerNewProcess() {
  say(`El proceso ${processId} no está en el borrador.`, "warning");
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,80}$/.test(processId)) return;
  const create = el("button", { type: "button", class: "btn btn-primary btn-sm ms-2", text: `Crear el proceso ${processId}`, onclick: () => guarded(async () => {
    file = `processes/${processId}.bpmn`;
    const result = await api.saveFile(file, newProcessXml(processId), "application/xml");
    document.getElementById("archivo").textContent = file;
    await open(await api.readFile(file));
    panel.catalog = await api.catalog();
    showProblems(result.problems || [], "Proceso creado");
    say(`Proceso creado en el borrador (${file}): dibuje sus pasos y asigne los formularios.`, "success");
    root.dataset.ready = "true";
  }) });
  status.append(create);
}

function newProcessXml(id) {
  const safe = id;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="def_${safe}" targetNamespace="https://ventanilla.example/procesos">
  <bpmn:process id="${safe}" name="${safe}" isExecutable="true">
    <bpmn:laneSet id="carriles_${safe}">
      <bpmn:lane id="carril_${safe}" name="ejecutivo">
        <bpmn:flowNodeRef>inicio_${safe}</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>fin_${safe}</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="inicio_${safe}"><bpmn:outgoing>f_${safe}</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f_${safe}" sourceRef="inicio_${safe}" targetRef="fin_${safe}"/>
    <bpmn:endEvent id="fin_${safe}"><bpmn:incoming>f_${safe}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;
}

async function boot() {
  wire();
  const catalog = await api.catalog();
  panel.catalog = catalog;
  const processes = catalog.processes || [];
  // By process id; the taller's file list links by file name, which may differ from the id inside.
  const process = processes.find((p) => p.id === processId) || processes.find((p) => p.file === `processes/${processId}.bpmn`);
  if (!process) {
    offerNewProcess();
    return;
  }
  file = process.file;
  document.getElementById("archivo").textContent = file;
  const xml = await api.readFile(file);
  await open(xml);
  panel.show(modeler.get("canvas").getRootElement());
  const hint = "Seleccione un elemento del diagrama para ver y cambiar sus propiedades.";
  // bpmn-js reads no XML comments, so saving drops them: say so before the analyst saves.
  if (xml.includes("<!--")) say(`${hint} ${COMMENTS_DROPPED}`, "warning");
  else say(hint);
  root.dataset.ready = "true";
}

window.ventanillaModeler = { modeler, selectElement };
guarded(boot);
