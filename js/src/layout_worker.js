// Web Worker: Graphviz (WebAssembly) layout off the main thread.
// Built as a classic script (IIFE) and started from a Blob URL, once per page.
// Protocol: {id, dot} in; {id, svg, ms} or {id, error} out.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

let graphviz = null;

self.onmessage = async (event) => {
  const { id, dot } = event.data || {};
  try {
    if (!graphviz) graphviz = await Graphviz.load();
    const t0 = performance.now();
    const svg = graphviz.dot(dot, "svg");
    self.postMessage({ id, svg, ms: performance.now() - t0 });
  } catch (err) {
    // A failed layout can leave the WebAssembly heap in a bad state: start afresh next time.
    graphviz = null;
    try {
      Graphviz.unload();
    } catch {
      /* ignore */
    }
    self.postMessage({ id, error: String((err && err.message) || err) });
  }
};
