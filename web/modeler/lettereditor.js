// The letter template page (/taller/cartas/<id>): check a .docx (its placeholders, flagging those no case
// data can fill), save it to the draft, and preview the draft's template filled with a chosen case.
import * as api from "./api.js";
import { el } from "./dom.js";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const root = document.getElementById("editor-carta");
const letterId = root.dataset.letter;
const path = `letter_templates/${letterId}.docx`;
const status = document.getElementById("estado");

function say(message, kind = "info") {
  status.className = `alert alert-${kind} py-2 mb-2`;
  status.textContent = message;
}

function showPlaceholders(title, result) {
  const unknown = new Set(result.unknown || []);
  const items = (result.placeholders || []).map((name) =>
    el("li", { class: "list-group-item d-flex justify-content-between align-items-center small" },
      el("code", { text: name }),
      unknown.has(name) ? el("span", { class: "badge text-bg-danger", text: "ningún dato del caso lo llena" }) : el("span", { class: "badge text-bg-success", text: "ok" })));
  const heading = `${title}: ${items.length} marcador(es)${unknown.size ? `, ${unknown.size} sin datos` : ""}.`;
  document.getElementById("marcadores").replaceChildren(
    el("h2", { class: "h6", id: "t-marcadores", text: heading }),
    el("ul", { class: "list-group", "aria-labelledby": "t-marcadores" }, items),
  );
}

async function inspectDraft() {
  try {
    showPlaceholders("Plantilla del borrador", await api.call("POST", `templates/inspect?id=${encodeURIComponent(letterId)}`));
    return true;
  } catch (err) {
    if (err.status === 404) {
      document.getElementById("marcadores").replaceChildren(el("p", { class: "small", text: "Esta carta aún no tiene plantilla en el borrador: suba un .docx." }));
      return false;
    }
    throw err;
  }
}

async function inspectChosen() {
  const chosen = document.getElementById("plantilla").files[0];
  if (!chosen) return;
  const body = new FormData();
  body.append("file", chosen);
  try {
    showPlaceholders(`Revisión de ${chosen.name}`, await api.call("POST", "templates/inspect", { body }));
    say("Revise los marcadores y guarde la plantilla en el borrador.");
  } catch (err) {
    say(err.message, "danger");
  }
}

async function upload(event) {
  event.preventDefault();
  const chosen = document.getElementById("plantilla").files[0];
  if (!chosen) {
    say("Elija un archivo .docx.", "warning");
    return;
  }
  try {
    const result = await api.saveFile(path, await chosen.arrayBuffer(), DOCX);
    const own = (result.problems || []).filter((p) => p.file === path);
    const box = document.getElementById("problemas");
    box.replaceChildren(...own.map((p) => el("p", { class: "small text-danger mb-1", text: api.describe(p) })));
    say(own.length ? `Plantilla guardada con ${own.length} problema(s).` : "Plantilla guardada en el borrador.", own.length ? "warning" : "success");
    await inspectDraft();
  } catch (err) {
    say(err.message, "danger");
    document.getElementById("problemas").replaceChildren(...err.problems.map((p) => el("p", { class: "small text-danger mb-1", text: api.describe(p) })));
  }
}

async function preview(event) {
  event.preventDefault();
  const folio = document.getElementById("folio").value.trim();
  if (!folio) {
    say("Indique el folio de un caso.", "warning");
    return;
  }
  try {
    const blob = await api.call("GET", `templates/${encodeURIComponent(letterId)}/preview?folio=${encodeURIComponent(folio)}`, { as: "blob" });
    const link = el("a", { href: URL.createObjectURL(blob), download: `${letterId}-${folio}.docx` });
    document.body.append(link);
    link.click();
    link.remove();
    say(`Vista previa descargada: ${letterId}-${folio}.docx`, "success");
  } catch (err) {
    say(err.message, "danger");
  }
}

async function boot() {
  document.getElementById("plantilla").addEventListener("change", inspectChosen);
  document.getElementById("form-subir").addEventListener("submit", upload);
  document.getElementById("form-vista").addEventListener("submit", preview);
  const exists = await inspectDraft();
  document.getElementById("descargar").hidden = !exists;
  say(exists ? "Plantilla del borrador." : "Carta nueva.");
  root.dataset.ready = "true";
}

boot().catch((err) => say(err.message, "danger"));
