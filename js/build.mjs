// Build the front end into ../autograd_widgets/static/:
//   graph_widget.js        the small ES module anywidget sends with every widget
//   graph_view.js          the view (UI, pan/zoom), sent once per page on request
//   graph_layout_worker.js Graphviz WebAssembly in a classic worker script, sent once per page
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "autograd_widgets", "static");
mkdirSync(outDir, { recursive: true });

const common = { bundle: true, minify: true, write: false, legalComments: "none", logLevel: "warning" };

async function build(entry, options) {
  const result = await esbuild.build({ ...common, entryPoints: [join(here, "src", entry)], ...options });
  return result.outputFiles[0].contents;
}

const worker = await build("layout_worker.js", { format: "iife", target: "es2020", platform: "browser" });
const view = await build("view_entry.js", { format: "esm", target: "es2020", platform: "browser" });
const hash = createHash("sha256").update(worker).update(view).digest("hex").slice(0, 16);
const widget = await build("graph_widget.js", {
  format: "esm",
  target: "es2020",
  platform: "browser",
  define: { __AW_ASSETS_HASH__: JSON.stringify(hash) },
});

const files = { "graph_widget.js": widget, "graph_view.js": view, "graph_layout_worker.js": worker };
// GradModeToggle and TensorView: small self-contained ES modules (no Graphviz).
for (const name of ["grad_mode_toggle.js", "tensor_view.js"]) {
  files[name] = await build(name, { format: "esm", target: "es2020", platform: "browser" });
}
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(outDir, name), data);
  console.log(`${name.padEnd(24)} ${(data.length / 1024).toFixed(1).padStart(8)} KB`);
}
console.log(`assets hash ${hash}`);
