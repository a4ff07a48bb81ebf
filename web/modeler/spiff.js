// Reading and writing what the platform understands on a BPMN element: spiffworkflow:properties, lane
// names, timer expressions, called processes, scripts and conditions. Every write goes through bpmn-js's
// modeling API, so it can be undone and is saved with the diagram.

export function spiffProperties(bo) {
  const ext = bo.extensionElements;
  const holder = ext && (ext.values || []).find((v) => v.$type === "spiffworkflow:Properties");
  return holder ? holder.values || [] : [];
}

export function getProperty(bo, name) {
  const found = spiffProperties(bo).find((p) => p.name === name);
  return found ? found.value || "" : "";
}

// Comma-separated values of one or more properties (the engine reads `letter` and `letters` alike).
export function listed(bo, ...names) {
  return spiffProperties(bo)
    .filter((p) => names.includes(p.name))
    .flatMap((p) => (p.value || "").split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function holderOf(modeler, element) {
  const moddle = modeler.get("moddle");
  const modeling = modeler.get("modeling");
  const bo = element.businessObject;
  let ext = bo.extensionElements;
  if (!ext) {
    ext = moddle.create("bpmn:ExtensionElements", { values: [] });
    modeling.updateProperties(element, { extensionElements: ext });
  }
  let holder = (ext.values || []).find((v) => v.$type === "spiffworkflow:Properties");
  if (!holder) {
    holder = moddle.create("spiffworkflow:Properties", { values: [] });
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), holder] });
  }
  return holder;
}

// Set (or, with an empty value, remove) one spiffworkflow property.
export function setProperty(modeler, element, name, value) {
  const modeling = modeler.get("modeling");
  const text = (value || "").trim();
  const current = spiffProperties(element.businessObject).find((p) => p.name === name);
  if (!text) {
    if (current) {
      const holder = holderOf(modeler, element);
      modeling.updateModdleProperties(element, holder, { values: holder.values.filter((p) => p !== current) });
    }
    return;
  }
  if (current) {
    if (current.value !== text) modeling.updateModdleProperties(element, current, { value: text });
    return;
  }
  const holder = holderOf(modeler, element);
  const created = modeler.get("moddle").create("spiffworkflow:Property", { name, value: text });
  modeling.updateModdleProperties(element, holder, { values: [...holder.values, created] });
}

// Letters: one goes in `letter`, several in `letters` (comma-separated); the other property is removed.
export function setLetters(modeler, element, ids) {
  setProperty(modeler, element, ids.length > 1 ? "letter" : "letters", "");
  setProperty(modeler, element, ids.length > 1 ? "letters" : "letter", ids.join(", "));
}

export function timerOf(bo) {
  return (bo.eventDefinitions || []).find((d) => d.$type === "bpmn:TimerEventDefinition") || null;
}

export function timerValue(timer) {
  for (const kind of ["timeDate", "timeDuration", "timeCycle"]) {
    if (timer[kind]) return { kind, body: timer[kind].body || "" };
  }
  return { kind: "timeDate", body: "" };
}

export function setTimer(modeler, element, kind, body) {
  const timer = timerOf(element.businessObject);
  const expr = modeler.get("moddle").create("bpmn:FormalExpression", { body: body.trim() });
  const values = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
  values[kind] = body.trim() ? expr : undefined;
  modeler.get("modeling").updateModdleProperties(element, timer, values);
}

export function setCondition(modeler, element, body) {
  const text = body.trim();
  const expr = text ? modeler.get("moddle").create("bpmn:FormalExpression", { body: text }) : undefined;
  modeler.get("modeling").updateProperties(element, { conditionExpression: expr });
}

// The business-day deadline expression the helper builds, e.g. end_of_day(add_business_days(today(), 10, region)).
export function businessDaysExpression(days, base) {
  const start = base && base.trim() ? base.trim() : "today()";
  return `end_of_day(add_business_days(${start}, ${Number(days)}, region))`;
}
