// The list editor (/taller/listas/<id>): a content list (lists/<id>.json) as JSON in a textarea, a summary of
// what it holds (for the classification: mercados with their motivos), and save to the draft, where the
// server checks it and names each problem's entry.
import * as api from "./api.js";
import { el } from "./dom.js";

const root = document.getElementById("editor-lista");
const listId = root.dataset.list;
const path = `lists/${listId}.json`;
const source = document.getElementById("contenido");
const status = document.getElementById("estado");
const summary = document.getElementById("resumen");

function say(message, kind = "info") {
  status.className = `alert alert-${kind} py-2 mb-2`;
  status.textContent = message;
}

function showList(box, title, items) {
  box.replaceChildren(
    el("h2", { class: "h6", text: title }),
    items.length ? el("ul", { class: "small mb-0" }, items.map((t) => el("li", { text: t }))) : "",
  );
}

function refreshSummary() {
  let doc;
  try {
    doc = JSON.parse(source.value);
  } catch (err) {
    summary.replaceChildren(el("p", { class: "text-danger mb-0", text: `No es JSON válido: ${err.message}` }));
    return;
  }
  const motives = new Map((Array.isArray(doc.motives) ? doc.motives : []).map((m) => [m.code, m]));
  const markets = Array.isArray(doc.markets) ? doc.markets : [];
  if (!markets.length) {
    summary.replaceChildren(el("p", { class: "mb-0", text: "Sin mercados." }));
    return;
  }
  summary.replaceChildren(
    el("p", { class: "mb-1", text: `${markets.length} mercados, ${motives.size} motivos.` }),
    el("ul", { class: "mb-0" }, markets.map((m) => el("li", {},
      el("strong", { text: m.label || m.code || "(sin nombre)" }),
      ` — ${(m.motives || []).map((code) => (motives.get(code) || {}).label || `${code} (no existe)`).join(", ")}`,
    ))),
  );
}

async function save() {
  try {
    JSON.parse(source.value);
  } catch (err) {
    say(`No se guardó: el contenido no es JSON válido (${err.message}).`, "danger");
    return;
  }
  try {
    const result = await api.saveFile(path, source.value, "application/json");
    const own = (result.problems || []).filter((p) => p.file === path);
    showList(document.getElementById("problemas"), own.length ? `Guardada con ${own.length} problema(s):` : "Guardada sin problemas en esta lista.", own.map(api.describe));
    say("Lista guardada en el borrador.", own.length ? "warning" : "success");
  } catch (err) {
    say(err.message, "danger");
    showList(document.getElementById("problemas"), "Rechazada:", err.problems.map(api.describe));
  }
}

async function boot() {
  try {
    source.value = await api.readFile(path);
    say("Edite la lista y guárdela en el borrador; luego valide y publique en el taller.");
  } catch (err) {
    if (err.status !== 404) throw err;
    source.value = JSON.stringify({ title: listId, motives: [], markets: [] }, null, 2);
    say("Lista nueva: aún no existe en el borrador.", "warning");
  }
  source.addEventListener("input", refreshSummary);
  document.getElementById("guardar").addEventListener("click", save);
  refreshSummary();
  root.dataset.ready = "true";
}

boot().catch((err) => say(err.message, "danger"));
