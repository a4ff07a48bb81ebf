// Bundle the workbench's browser code (bpmn-js Modeler + bpmnlint + our panel) and the monitoring charts
// (Chart.js, web/charts/) with esbuild into
// web/static/dist/ (ignored by git, served by Flask). Run by `npm run build` (the Makefile's setup does it).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const require = createRequire(import.meta.url);
const compileConfig = require("bpmnlint/lib/support/compile-config");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// `import config from "./.bpmnlintrc"`: the config compiled to a module that bundles the rules it enables.
const bpmnlintrc = {
  name: "bpmnlintrc",
  setup(build) {
    build.onLoad({ filter: /\.bpmnlintrc$/ }, async (args) => ({
      contents: await compileConfig(JSON.parse(await readFile(args.path, "utf8"))),
      loader: "js",
      resolveDir: root,
    }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    modeler: "web/modeler/modeler.js",
    formeditor: "web/modeler/formeditor.js",
    lettereditor: "web/modeler/lettereditor.js",
    charts: "web/charts/charts.js", // the Cuadro de Monitoreo's charts (Chart.js)
    listeditor: "web/modeler/listeditor.js",
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  target: ["es2020"],
  outdir: "web/static/dist",
  loader: { ".json": "json", ".eot": "file", ".svg": "file", ".woff": "file", ".woff2": "file", ".ttf": "file" },
  assetNames: "assets/[name]-[hash]",
  plugins: [bpmnlintrc],
  logLevel: "warning",
});
