// Spanish (Chile) for the strings bpmn-js and bpmn-js-bpmnlint show (palette, context pad, lint button);
// anything not listed stays as bpmn-js wrote it.
const ES = {
  "Activate hand tool": "Mover el lienzo",
  "Activate lasso tool": "Seleccionar con lazo",
  "Activate create/remove space tool": "Crear o quitar espacio",
  "Activate global connect tool": "Conectar elementos",
  "Create start event": "Crear evento de inicio",
  "Create intermediate/boundary event": "Crear evento intermedio o adjunto",
  "Create end event": "Crear evento de fin",
  "Create gateway": "Crear compuerta",
  "Create task": "Crear tarea",
  "Create expanded sub-process": "Crear subproceso expandido",
  "Create data object reference": "Crear objeto de datos",
  "Create data store reference": "Crear almacén de datos",
  "Create pool/participant": "Crear piscina",
  "Create group": "Crear grupo",
  "Append task": "Agregar tarea",
  "Append end event": "Agregar evento de fin",
  "Append gateway": "Agregar compuerta",
  "Append intermediate/boundary event": "Agregar evento intermedio",
  "Append timer intermediate catch event": "Agregar temporizador",
  "Append message intermediate catch event": "Agregar espera de mensaje",
  "Append receive task": "Agregar tarea de recepción",
  "Add text annotation": "Agregar anotación",
  "Add lane above": "Agregar carril arriba",
  "Add lane below": "Agregar carril abajo",
  "Divide into two lanes": "Dividir en dos carriles",
  "Divide into three lanes": "Dividir en tres carriles",
  "Change element": "Cambiar tipo de elemento",
  "Connect to other element": "Conectar con otro elemento",
  "Connect using association": "Conectar con asociación",
  "Delete": "Eliminar",
  "Toggle linting overlays": "Mostrar u ocultar la revisión de estilo (bpmnlint)",
  "Issues for child elements": "Observaciones en elementos internos",
  "{errors} Errors, {warnings} Warnings": "{errors} errores, {warnings} avisos",
  "No Issues": "Sin observaciones",
};

function translate(template, replacements = {}) {
  const text = ES[template] || template;
  return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
}

export default { translate: ["value", translate] };
