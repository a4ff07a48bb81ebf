// Small helpers to build labelled, keyboard-usable form controls for the properties panel.

let counter = 0;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function fresh(name) {
  counter += 1;
  return `prop-${name}-${counter}`;
}

// A label + control + optional help text (aria-describedby), as a Bootstrap mb-2 block.
export function field(label, control, help) {
  const id = control.id || fresh("campo");
  control.id = id;
  const block = el("div", { class: "mb-2" }, el("label", { class: "form-label small mb-1", for: id, text: label }), control);
  if (help) {
    const helpId = `${id}-ayuda`;
    control.setAttribute("aria-describedby", helpId);
    block.append(el("div", { class: "form-text", id: helpId, text: help }));
  }
  return block;
}

export function textInput(value, onChange, attrs = {}) {
  return el("input", {
    type: "text",
    class: "form-control form-control-sm",
    value: value || "",
    autocomplete: "off",
    onchange: (e) => onChange(e.target.value),
    ...attrs,
  });
}

export function textArea(value, onChange, rows = 4) {
  const area = el("textarea", {
    class: "form-control form-control-sm font-monospace",
    rows: String(rows),
    spellcheck: "false",
    onchange: (e) => onChange(e.target.value),
  });
  area.value = value || "";
  return area;
}

// A text input with suggestions (datalist): pick a known id or type one.
export function comboInput(value, options, onChange) {
  const listId = fresh("opciones");
  const input = textInput(value, onChange, { list: listId });
  const list = el("datalist", { id: listId }, options.map(([v, label]) => el("option", { value: v, label })));
  return [input, list];
}

export function selectInput(value, options, onChange, { multiple = false, unknownLabel = "(no existe)" } = {}) {
  const chosen = new Set(multiple ? value : [value]);
  const known = new Set(options.map(([v]) => v));
  const all = [...options];
  for (const v of chosen) {
    if (v && !known.has(v)) all.push([v, `${v} ${unknownLabel}`]);
  }
  const select = el("select", {
    class: multiple ? "form-select form-select-sm" : "form-select form-select-sm",
    multiple,
    size: multiple ? String(Math.min(Math.max(all.length, 3), 8)) : undefined,
    onchange: (e) => onChange(multiple ? [...e.target.selectedOptions].map((o) => o.value) : e.target.value),
  });
  if (!multiple) select.append(el("option", { value: "", text: "— sin asignar —" }));
  for (const [v, label] of all) {
    select.append(el("option", { value: v, text: label, selected: chosen.has(v) }));
  }
  return select;
}

export function section(title, ...children) {
  return el("fieldset", { class: "border rounded p-2 mb-2" }, el("legend", { class: "fs-6 fw-semibold float-none w-auto px-1 mb-1", text: title }), ...children);
}
