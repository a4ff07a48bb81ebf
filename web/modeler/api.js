// Calls to the workbench API (/api/v1/workbench) with the session cookie and the CSRF token; refusals
// (problem+json) become an Error whose message is the server's Spanish detail and whose `problems` are kept.

const BASE = "/api/v1/workbench";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.problems = (body && body.problems) || [];
    this.body = body;
  }
}

async function refusal(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const detail = (body && (body.detail || body.title)) || `El servidor respondió ${response.status}.`;
  return new ApiError(detail, response.status, body);
}

export async function call(method, path, { json, body, contentType, as = "json" } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json, */*" };
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    headers["Content-Type"] = "application/json";
  } else if (contentType) {
    headers["Content-Type"] = contentType;
  }
  const url = path.startsWith("/") ? path : `${BASE}/${path}`;
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  if (!response.ok) {
    throw await refusal(response);
  }
  if (as === "text") return response.text();
  if (as === "blob") return response.blob();
  return response.json();
}

export function fileUrl(path) {
  return `${BASE}/draft/files/${path.split("/").map(encodeURIComponent).join("/")}`;
}

export const catalog = () => call("GET", "catalog");
export const readFile = (path) => call("GET", fileUrl(path), { as: "text" });
export const saveFile = (path, body, contentType) => call("PUT", fileUrl(path), { body, contentType });
export const validate = () => call("POST", "draft/validate", { json: {} });
export const publish = (note) => call("POST", "publish", { json: { note } });
export const merge = () => call("POST", "draft/merge", { json: {} });

// A problem's text as the page shows it: "elemento: mensaje (archivo)".
export function describe(problem) {
  const where = problem.element ? `${problem.element}: ` : "";
  return `${where}${problem.message}`;
}
