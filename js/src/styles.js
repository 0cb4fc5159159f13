// Scoped CSS for .aw-graph, built on JupyterLab's theme variables (with
// fallbacks for other hosts) so the dark theme just works.  view.js adds it to
// the page once with dom.js's injectStyle.
export const CSS = `
.aw-graph {
  --aw-fg: var(--jp-ui-font-color1, #1a1a1a);
  --aw-fg2: var(--jp-ui-font-color2, #555);
  --aw-bg: var(--jp-layout-color1, #fff);
  --aw-bg2: var(--jp-layout-color2, #eee);
  --aw-border: var(--jp-border-color1, #bdbdbd);
  --aw-accent: var(--jp-brand-color1, #1976d2);
  --aw-warn: var(--jp-warn-color0, #c62828);
  --aw-font: var(--jp-ui-font-family, system-ui, sans-serif);
  --aw-mono: var(--jp-code-font-family, monospace);
  position: relative;
  font-family: var(--aw-font);
  font-size: var(--jp-ui-font-size1, 13px);
  color: var(--aw-fg);
  background: var(--aw-bg);
  border: 1px solid var(--aw-border);
  border-radius: 4px;
  box-sizing: border-box;
  max-width: 100%;
}
.aw-graph * { box-sizing: border-box; }
.aw-toolbar { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; padding: 4px 6px;
  border-bottom: 1px solid var(--aw-border); background: var(--aw-bg2); }
.aw-toolbar button, .aw-toolbar select, .aw-toolbar input {
  font: inherit; color: var(--aw-fg); background: var(--aw-bg); border: 1px solid var(--aw-border);
  border-radius: 3px; padding: 1px 6px; min-height: 24px; }
.aw-toolbar button:hover { border-color: var(--aw-accent); }
.aw-toolbar button:focus-visible, .aw-toolbar input:focus-visible, .aw-toolbar select:focus-visible,
.aw-canvas:focus-visible, .aw-graph g.node:focus-visible { outline: 2px solid var(--aw-accent); outline-offset: 1px; }
.aw-toolbar label { display: inline-flex; align-items: center; gap: 2px; cursor: pointer; }
.aw-toolbar .aw-sep { width: 1px; height: 18px; background: var(--aw-border); margin: 0 2px; }
.aw-search { width: 11em; }
.aw-search-count, .aw-passes { color: var(--aw-fg2); font-size: 90%; }
.aw-passes { margin-left: auto; }
.aw-timeline { display: flex; flex: 1 0 100%; gap: 4px; align-items: center; }
.aw-timeline[hidden] { display: none; }
.aw-timeline .aw-tl-slider { flex: 1 1 8em; min-width: 6em; max-width: 24em; padding: 0; }
.aw-timeline button.aw-on { border-color: var(--aw-accent); color: var(--aw-accent); }
.aw-timeline button:disabled { opacity: 0.45; }
.aw-tl-label, .aw-tl-dropped { color: var(--aw-fg2); font-size: 90%; }
.aw-graph:not([data-timeline="live"]) .aw-tl-label { color: var(--aw-accent); font-weight: bold; }
.aw-notice { padding: 3px 8px; background: var(--jp-warn-color3, #fff3cd); color: var(--jp-ui-font-color1, #5f4b00);
  border-bottom: 1px solid var(--aw-border); font-size: 90%; }
.aw-body { display: flex; align-items: stretch; min-height: 120px; }
.aw-canvas { position: relative; flex: 1 1 auto; min-width: 0; height: 360px; overflow: hidden; }
.aw-canvas > svg { width: 100%; height: 100%; display: block; }
.aw-message { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: var(--aw-fg2); pointer-events: none; text-align: center; padding: 1em; white-space: pre-wrap; }
.aw-graph[data-status="error"] .aw-message { color: var(--aw-warn); pointer-events: auto; user-select: text; }
.aw-graph[data-status="layout"] .aw-canvas > svg { opacity: 0.45; }
.aw-details { flex: 0 0 19em; max-width: 45%; border-left: 1px solid var(--aw-border); padding: 6px 8px;
  overflow: auto; height: 360px; background: var(--aw-bg); }
.aw-details[hidden] { display: none; }
.aw-details h3 { margin: 0 0 6px; font-size: 110%; display: flex; justify-content: space-between; gap: 6px; word-break: break-all; }
.aw-details h3 button { font: inherit; background: none; border: none; color: var(--aw-fg2); cursor: pointer; }
.aw-details .aw-key { color: var(--aw-fg2); font-size: 90%; margin-top: 4px; }
.aw-details .aw-val { margin: 0 0 0 6px; word-break: break-word; }
.aw-details pre { margin: 2px 0; max-height: 10em; overflow: auto; font-family: var(--aw-mono); font-size: 90%;
  background: var(--aw-bg2); padding: 3px 5px; border-radius: 3px; white-space: pre; }
.aw-details .aw-bad { color: var(--aw-warn); font-weight: bold; }
.aw-details button.aw-link { font: inherit; color: var(--aw-accent); background: none; border: none; padding: 0; cursor: pointer; text-decoration: underline; }
.aw-legend { display: flex; flex-wrap: wrap; gap: 10px; padding: 3px 8px; border-top: 1px solid var(--aw-border);
  font-size: 85%; color: var(--aw-fg2); }
.aw-legend span { display: inline-flex; align-items: center; gap: 4px; }
.aw-legend i { display: inline-block; width: 14px; height: 10px; border: 1px solid #777; border-radius: 2px; }
.aw-tooltip { position: absolute; z-index: 10; pointer-events: none; background: var(--aw-bg); color: var(--aw-fg);
  border: 1px solid var(--aw-border); border-radius: 3px; padding: 3px 6px; font-size: 90%; white-space: pre;
  box-shadow: 0 2px 6px rgba(0,0,0,.25); max-width: 30em; overflow: hidden; }
.aw-graph svg text { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; }
.aw-graph svg .edge path { stroke: var(--aw-fg2); }
.aw-graph svg .edge polygon { stroke: var(--aw-fg2); fill: var(--aw-fg2); }
.aw-graph svg .edge.aw-e-saved path { stroke: #d47500; }
.aw-graph svg .edge.aw-e-saved polygon { stroke: #d47500; fill: #d47500; }
.aw-graph svg g.node { cursor: pointer; }
.aw-graph svg g.node:hover > :is(path, polygon, ellipse) { stroke-width: 2.5; }
.aw-graph svg.aw-has-sel g.node, .aw-graph svg.aw-has-sel g.edge { opacity: 0.25; transition: opacity .15s; }
.aw-graph svg.aw-has-sel g.node.aw-lit, .aw-graph svg.aw-has-sel g.edge.aw-lit { opacity: 1; }
.aw-graph svg g.node.aw-sel > :is(path, polygon, ellipse) { stroke: var(--aw-accent); stroke-width: 3.5; }
.aw-graph svg g.node.aw-match > :is(path, polygon, ellipse) { stroke: #f9a825; stroke-width: 3.5; }
`;
