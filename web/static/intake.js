// The intake page, made quicker (the page works without this script): dependent selects (motivos of the
// chosen mercado, categorías of the chosen motivo, comunas of the chosen región), a known RUT fills the
// consumer's data and lists their previous cases, and the company name offers the provider registry.
(() => {
  const form = document.querySelector("form[data-intake]");
  if (!form) return;

  const byName = (name) => form.querySelector(`[name="${CSS.escape(name)}"]`);
  const prefixOf = (name) => name.slice(0, name.lastIndexOf(".") + 1);

  // --- dependent selects: <optgroup data-parent="code"> under a select, filtered by its parent's value ---

  function dependent(child, parent) {
    const groups = [...child.querySelectorAll("optgroup[data-parent]")].map((g) => g.cloneNode(true));
    const loose = [...child.querySelectorAll(":scope > option")].map((o) => o.cloneNode(true));
    function refresh() {
      const current = child.value;
      const chosen = groups.filter((g) => !parent.value || g.dataset.parent === parent.value);
      child.replaceChildren(...loose.map((o) => o.cloneNode(true)), ...chosen.map((g) => g.cloneNode(true)));
      const still = [...child.options].find((o) => o.value === current);
      child.value = still ? current : "";
      child.dispatchEvent(new Event("ventanilla:refreshed"));
    }
    parent.addEventListener("change", refresh);
    refresh();
  }

  function wireSources(childSource, parentSource) {
    form.querySelectorAll(`select[data-options-source="${childSource}"]`).forEach((child) => {
      // Same group of the form: [name^=""] would match nothing, so the top level is looked up without it.
      const prefix = prefixOf(child.name);
      const within = prefix ? `[name^="${CSS.escape(prefix)}"]` : "";
      const parent = form.querySelector(`select[data-options-source="${parentSource}"]${within}`);
      if (parent) dependent(child, parent);
    });
  }

  // Comunas come grouped by región: a Región select (made here, not posted) filters them.
  function regionFor(comuna) {
    const region = document.createElement("select");
    region.className = "form-select";
    region.id = `${comuna.id}-region`;
    region.setAttribute("data-options-source", "regions-helper");
    region.append(new Option("Todas las regiones", ""));
    comuna.querySelectorAll("optgroup[data-parent]").forEach((g) => region.append(new Option(g.label, g.dataset.parent)));
    const selected = comuna.selectedOptions[0];
    if (selected && selected.parentElement.dataset.parent) region.value = selected.parentElement.dataset.parent;
    const label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = region.id;
    label.textContent = "Región";
    const box = document.createElement("div");
    box.className = "mb-3";
    box.append(label, region);
    comuna.closest(".mb-3").before(box);
    dependent(comuna, region);
    return region;
  }

  wireSources("motives", "markets");
  wireSources("categories", "motives");
  const comuna = form.querySelector('select[data-options-source="comunas"]');
  const region = comuna ? regionFor(comuna) : null;

  // --- a known consumer: fill what is empty, list their cases, warn of an open case with the company ---

  const rut = byName("consumer.rut");
  const panel = document.getElementById("consumidor-conocido");
  const company = byName("provider.name");
  const companyRut = byName("provider.rut");
  let known = null;

  const fold = (text) => (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase();

  function setIfEmpty(name, value) {
    const field = byName(name);
    if (field && value && !field.value) {
      field.value = value;
      field.dispatchEvent(new Event("change"));
    }
  }

  function el(tag, text, attrs = {}) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    return node;
  }

  function showKnown() {
    if (!panel) return;
    if (!known || !known.known) {
      panel.hidden = true;
      panel.replaceChildren();
      return;
    }
    const title = known.count === 1 ? "1 caso anterior" : `${known.count} casos anteriores`;
    const list = el("ul", "", { class: "mb-0 small" });
    for (const c of known.cases) {
      const item = el("li");
      item.append(c.url ? el("a", c.folio, { href: c.url }) : el("span", c.folio));
      item.append(` · ${c.kind_label} · ${c.status_label} · ${c.provider_name || "sin proveedor"} · ${c.opened_on}`);
      list.append(item);
    }
    const open = known.cases.filter(
      (c) =>
        c.open &&
        ((companyRut && companyRut.value && c.provider_rut && fold(c.provider_rut) === fold(companyRut.value.replace(/\./g, ""))) ||
          (company && company.value && fold(c.provider_name) === fold(company.value))),
    );
    const parts = [el("strong", `${known.name}: ${title}`), list];
    if (open.length) {
      parts.push(
        el("p", `Atención: ya tiene ${open.length === 1 ? "un caso abierto" : `${open.length} casos abiertos`} contra esta empresa (${open.map((c) => c.folio).join(", ")}).`, {
          class: "mb-0 mt-2 fw-semibold",
          id: "caso-abierto-misma-empresa",
        }),
      );
    }
    panel.className = `alert ${open.length ? "alert-warning" : "alert-info"} py-2`;
    panel.replaceChildren(...parts);
    panel.hidden = false;
  }

  async function lookUpConsumer() {
    const value = rut.value.trim();
    if (value.length < 8) return;
    try {
      const response = await fetch(`${panel.dataset.url}?rut=${encodeURIComponent(value)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      known = await response.json();
    } catch {
      return;
    }
    if (known.known) {
      setIfEmpty("consumer.name", known.name);
      setIfEmpty("consumer.email", known.email);
      setIfEmpty("consumer.phone", known.phone);
      if (known.comuna && comuna && !comuna.value) {
        if (region) {
          region.value = known.region || "";
          region.dispatchEvent(new Event("change"));
        }
        comuna.value = known.comuna;
      }
    }
    showKnown();
  }

  if (rut && panel) {
    rut.closest(".mb-3").after(panel);
    rut.addEventListener("change", lookUpConsumer);
    if (rut.value) lookUpConsumer();
  }

  // --- the company: names from the provider registry as the user types (RUT or name, any accents) ---

  if (company && form.dataset.providers) {
    const list = el("datalist", "", { id: `${company.id}-registro` });
    company.setAttribute("list", list.id);
    company.after(list);
    const note = el("div", "", { class: "form-text", id: `${company.id}-registro-nota`, "aria-live": "polite" });
    company.parentElement.append(note);
    let found = [];
    let timer = null;
    async function suggest() {
      const q = company.value.trim();
      if (q.length < 2) return;
      try {
        const response = await fetch(`${form.dataset.providers}?q=${encodeURIComponent(q)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        found = (await response.json()).providers;
      } catch {
        return;
      }
      list.replaceChildren(...found.map((p) => new Option(`${p.rut} · ${p.trade_name || p.legal_name}`, p.legal_name)));
      choose();
    }
    function choose() {
      const hit = found.find((p) => fold(p.legal_name) === fold(company.value) || fold(p.trade_name) === fold(company.value));
      if (hit) {
        if (companyRut && !companyRut.value) companyRut.value = hit.rut;
        note.textContent = `Empresa del registro: ${hit.legal_name} (${hit.rut})${hit.digital ? ", responde por el portal" : ""}.`;
      } else {
        note.textContent = company.value.trim().length >= 2 && found.length === 0
          ? "No está en el registro de proveedores: se registrará el caso y quedará marcada para el registro."
          : "";
      }
      showKnown();
    }
    company.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 250);
    });
    company.addEventListener("change", choose);
  }
})();
