// The form editor (/taller/formularios/<id>): the JSON Schema in a textarea, a live preview rendered by the
// server (the same renderer as the staff pages), "probar" with sample data, and save to the draft.
import * as api from "./api.js";
import { el } from "./dom.js";

const root = document.getElementById("editor-formulario");
const formId = root.dataset.form;
const path = `forms/${formId}.json`;
const source = document.getElementById("esquema");
const preview = document.getElementById("vista-previa");
const status = document.getElementById("estado");
let timer = null;

function say(message, kind = "info") {
  status.className = `alert alert-${kind} py-2 mb-2`;
  status.textContent = message;
}

function parsed() {
  try {
    return { schema: JSON.parse(source.value) };
  } catch (err) {
    return { error: `El esquema no es JSON válido: ${err.message}` };
  }
}

async function refreshPreview() {
  const { schema, error } = parsed();
  if (error) {
    preview.replaceChildren(el("p", { class: "text-danger small mb-0", text: error }));
    return;
  }
  try {
    const html = await api.call("POST", `forms/${encodeURIComponent(formId)}/preview`, { json: { schema }, as: "text" });
    const holder = el("div", { inert: true });
    holder.innerHTML = html;
    preview.replaceChildren(holder);
  } catch (err) {
    preview.replaceChildren(el("p", { class: "text-danger small mb-0", text: `Sin vista previa: ${err.message}` }));
  }
}

function schedulePreview() {
  clearTimeout(timer);
  timer = setTimeout(refreshPreview, 400);
}

function showList(box, title, items) {
  box.replaceChildren(
    el("h2", { class: "h6", text: title }),
    items.length ? el("ul", { class: "small mb-0" }, items.map((t) => el("li", { text: t }))) : "",
  );
}

async function tryIt(event) {
  event.preventDefault();
  const box = document.getElementById("resultado-prueba");
  const { schema, error } = parsed();
  let data;
  try {
    data = JSON.parse(document.getElementById("datos-prueba").value || "{}");
  } catch (err) {
    showList(box, "Los datos de prueba no son JSON válido.", [err.message]);
    return;
  }
  if (error) {
    showList(box, error, []);
    return;
  }
  const result = await api.call("POST", `forms/${encodeURIComponent(formId)}/try`, { json: { data, schema } });
  const errors = (result.errors || []).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  showList(box, result.valid ? "Los datos son válidos para este formulario." : `Datos rechazados (${errors.length}):`, errors);
}

async function save() {
  const { error } = parsed();
  if (error) {
    say(error, "danger");
    return;
  }
  try {
    const result = await api.saveFile(path, source.value, "application/json");
    const own = (result.problems || []).filter((p) => p.file === path);
    showList(document.getElementById("problemas"), own.length ? `Guardado con ${own.length} problema(s):` : "Guardado sin problemas en este formulario.", own.map(api.describe));
    say("Formulario guardado en el borrador.", "success");
  } catch (err) {
    say(err.message, "danger");
    showList(document.getElementById("problemas"), "Rechazado:", err.problems.map(api.describe));
  }
}

async function boot() {
  try {
    source.value = await api.readFile(path);
    say("Edite el esquema: la vista previa se actualiza sola.");
  } catch (err) {
    if (err.status !== 404) throw err;
    source.value = JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", title: formId, type: "object", properties: {}, required: [] }, null, 2);
    say("Formulario nuevo: aún no existe en el borrador.", "warning");
  }
  source.addEventListener("input", schedulePreview);
  document.getElementById("guardar").addEventListener("click", save);
  document.getElementById("form-probar").addEventListener("submit", (e) => tryIt(e).catch((err) => say(err.message, "danger")));
  await refreshPreview();
  root.dataset.ready = "true";
}

boot().catch((err) => say(err.message, "danger"));
