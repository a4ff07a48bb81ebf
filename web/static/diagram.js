// Draw each case diagram with bpmn-js and mark the path taken (visitado) and the pending elements (actual).
document.querySelectorAll(".diagrama").forEach(async (el) => {
  const viewer = new BpmnJS({ container: el });
  try {
    const xml = await (await fetch(el.dataset.url, { credentials: "same-origin" })).text();
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const mark = (ids, cls) => ids.forEach((id) => registry.get(id) && canvas.addMarker(id, cls));
    mark(JSON.parse(el.dataset.visited), "visitado");
    mark(JSON.parse(el.dataset.current), "actual");
    canvas.zoom("fit-viewport");
    el.dataset.ready = "true";
  } catch (err) {
    el.textContent = "No se pudo mostrar el diagrama: " + err.message;
    el.dataset.ready = "error";
  }
});
