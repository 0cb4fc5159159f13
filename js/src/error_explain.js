// A failed backward() explained on the graph: the red mark on the node at fault and a
// short box saying, in plain words, what went wrong and the usual fix.  One of the
// view's EXTENSIONS (view.js): the box sits under the toolbar, the marks are redrawn
// each time the canvas reports a new drawing ("drawn").
//
// The kernel sends `graph.error` (docs/graph-schema.md, "error"): plain data about the
// failure (kind, the node at fault, versions, the op that bumped one). This module turns
// it into text (explainError, DOM-free: tested in node) and into DOM (renderErrorBox,
// markError). PyTorch's own message is shown as it is, below the explanation.
//
// The texts follow i18n.js: one table per language, a message is a string or a
// function of its parameters, code words (backward, retain_graph, requires_grad, ...)
// stay as they are in every language. js/test/error_explain.test.js checks that every
// language has every key of English.
import { h, injectStyle } from "./dom.js";

export const ERROR_TEXTS = {
  en: {
    failed: (cell) => (cell ? `backward() failed in cell [${cell}]` : "backward() failed"),
    fixLabel: "Usual fix",
    goTo: "show node",
    pytorchSays: "PyTorch's message",
    atNode: "marked in red on the graph",
    notDrawn: "(not drawn in this graph)",
    inplaceTitle: "A tensor saved for backward was changed in place",
    inplaceWhat: (node, what) =>
      `${node} saved ${what} during the forward pass, to compute its gradient. It was changed in place after that, so the gradient would be computed from the wrong values, and backward() refuses.`,
    savedWhat: (attr, shape) => `its ${attr} (shape [${shape}])`,
    versions: (saved, now) => `version when saved: ${saved} · version now: ${now}`,
    bumpedBy: (op, expr, cell) =>
      `changed by ${op || "an in-place op"}${expr ? ` in \`${expr}\`` : ""}${cell ? ` (cell [${cell}])` : ""}`,
    bumpUnknown: "the in-place op ran before this graph was drawn, so it was not seen",
    inplaceFix:
      "Use the out-of-place form (y = y + 1 instead of y += 1 or y.add_(1); x = x * 2 instead of x.mul_(2)), or .clone() the tensor before changing it. Changes under no_grad (an optimizer step) must come after backward().",
    freedTitle: "backward() through a graph that was already freed",
    freedWhat: (node) =>
      `The first backward() freed the tensors ${node} saved for its gradient (to save memory). A second backward() through the same graph cannot use them.`,
    freedFix:
      "Run the forward pass again before each backward(). If you really need two passes over one graph, call the first one with backward(retain_graph=True).",
    nonScalarTitle: "backward() needs a scalar to start from",
    nonScalarWhat: (shape) =>
      `backward() without a gradient argument starts from the number 1, so the output must be a single number. This output has shape [${shape}].`,
    nonScalarFix:
      "Reduce it to a scalar first (y.sum().backward() or y.mean().backward()), or pass a gradient shaped like the output: y.backward(torch.ones_like(y)).",
    noGradTitle: "This tensor does not require grad",
    noGradWhat:
      "It has no grad_fn: none of the tensors it was computed from had requires_grad=True, or it was computed under torch.no_grad(). There is no graph to go back through.",
    noGradFix:
      "Create the inputs with requires_grad=True (or call x.requires_grad_()) before computing the output, and do not compute it under torch.no_grad().",
    gradShapeTitle: "The gradient passed to backward() has the wrong shape",
    gradShapeWhat: (g, shape) =>
      `The gradient has shape [${g}] but the output has shape [${shape}]: backward(gradient) needs one number for every element of the output.`,
    gradShapeFix: "Pass a gradient shaped exactly like the output, e.g. y.backward(torch.ones_like(y)).",
    nanTitle: "Anomaly mode found NaN in a gradient",
    nanWhat: (node, nr, to) =>
      `${node} returned NaN in its output ${nr}${to ? `, the gradient sent to ${to}` : ""}. The NaN starts here: the nodes before it still had numbers.`,
    nanFix:
      "Look at the forward op behind this node: NaN usually comes from 0/0, inf·0, or log/sqrt/pow at 0 or below. Keep the input in range (x.clamp(min=1e-6), add a small eps) or use a stable form (log_softmax, logsumexp).",
    otherTitle: "backward() raised an error",
    otherWhat: (node) => (node ? `It happened while ${node} ran.` : "It happened before any node ran."),
    otherFix: "Read PyTorch's message below; the node marked in red is where it happened.",
  },
  zh: {
    failed: (cell) => (cell ? `第 [${cell}] 个单元格中的 backward() 失败了` : "backward() 失败了"),
    fixLabel: "通常的解决办法",
    goTo: "定位节点",
    pytorchSays: "PyTorch 的报错信息",
    atNode: "已在图中用红色标出",
    notDrawn: "（这张图里没有画出）",
    inplaceTitle: "为反向传播保存的张量被原地修改了",
    inplaceWhat: (node, what) =>
      `${node} 在前向传播时保存了${what}，用来计算梯度。之后它被原地修改了，梯度会用错误的值算出，所以 backward() 拒绝执行。`,
    savedWhat: (attr, shape) => `它的 ${attr}（形状 [${shape}]）`,
    versions: (saved, now) => `保存时的版本：${saved} · 现在的版本：${now}`,
    bumpedBy: (op, expr, cell) =>
      `由 ${op || "某个原地操作"} 修改${expr ? `，位于 \`${expr}\`` : ""}${cell ? `（第 [${cell}] 个单元格）` : ""}`,
    bumpUnknown: "那个原地操作在画出这张图之前就运行了，所以没有看到它",
    inplaceFix:
      "改用非原地的写法（用 y = y + 1 代替 y += 1 或 y.add_(1)；用 x = x * 2 代替 x.mul_(2)），或在修改之前先 .clone() 这个张量。在 no_grad 下的修改（如优化器的 step）必须放在 backward() 之后。",
    freedTitle: "对已经释放的计算图再次调用 backward()",
    freedWhat: (node) =>
      `第一次 backward() 已经释放了 ${node} 为计算梯度而保存的张量（为了节省内存）。对同一张图的第二次 backward() 无法再使用它们。`,
    freedFix:
      "每次 backward() 之前重新运行一遍前向传播。如果确实需要对同一张图做两次反向传播，第一次请调用 backward(retain_graph=True)。",
    nonScalarTitle: "backward() 需要从一个标量开始",
    nonScalarWhat: (shape) =>
      `不带 gradient 参数的 backward() 从数字 1 开始，所以输出必须是单个数。这个输出的形状是 [${shape}]。`,
    nonScalarFix:
      "先把它变成标量（y.sum().backward() 或 y.mean().backward()），或者传入一个与输出形状相同的梯度：y.backward(torch.ones_like(y))。",
    noGradTitle: "这个张量不需要梯度",
    noGradWhat:
      "它没有 grad_fn：计算它所用的张量都没有 requires_grad=True，或者它是在 torch.no_grad() 下算出的。没有可以反向追溯的计算图。",
    noGradFix:
      "在计算输出之前，用 requires_grad=True 创建输入（或调用 x.requires_grad_()），并且不要在 torch.no_grad() 下计算它。",
    gradShapeTitle: "传给 backward() 的梯度形状不对",
    gradShapeWhat: (g, shape) =>
      `梯度的形状是 [${g}]，而输出的形状是 [${shape}]：backward(gradient) 需要为输出的每个元素提供一个数。`,
    gradShapeFix: "传入一个与输出形状完全相同的梯度，例如 y.backward(torch.ones_like(y))。",
    nanTitle: "异常检测模式在梯度中发现了 NaN",
    nanWhat: (node, nr, to) =>
      `${node} 的第 ${nr} 个输出中有 NaN${to ? `（这是传给 ${to} 的梯度）` : ""}。NaN 从这里开始出现：在它之前运行的节点算出的还都是正常的数。`,
    nanFix:
      "检查这个节点对应的前向运算：NaN 通常来自 0/0、inf·0，或在 0 及以下取 log/sqrt/pow。让输入保持在合法范围内（x.clamp(min=1e-6)，或加一个小的 eps），或使用数值稳定的写法（log_softmax、logsumexp）。",
    otherTitle: "backward() 抛出了错误",
    otherWhat: (node) => (node ? `错误发生在 ${node} 运行时。` : "错误发生在任何节点运行之前。"),
    otherFix: "请阅读下面 PyTorch 的报错信息；红色标出的节点就是出错的位置。",
  },
};

function tr(lang, key, ...args) {
  const table = ERROR_TEXTS[lang] || ERROR_TEXTS.en;
  const msg = key in table ? table[key] : ERROR_TEXTS.en[key];
  return typeof msg === "function" ? msg(...args) : msg;
}

const shapeText = (s) => (Array.isArray(s) ? s.join(", ") : "");
const short = (attr) => String(attr || "").replace(/^_saved_/, "");

function nodeName(graph, id, fallback) {
  const n = id ? (graph.nodes || []).find((x) => x.id === id) : null;
  const label = (n && n.label) || fallback || "";
  return n && n.name ? `${label} (${n.name})` : label;
}

/**
 * The explanation of `error` (graph.error) in `lang`, as plain text.
 * @returns {{kind, title, heading, what: string[], fix, message, node, marks}|null}
 *   `marks`: {nodeId: role} for the nodes to mark (role "fault", "saved", "bump", "to").
 */
export function explainError(error, graph, lang) {
  if (!error) return null;
  const kind = error.kind || "other";
  const node = nodeName(graph, error.node, error.label);
  const marks = {};
  if (error.node) marks[error.node] = "fault";
  const what = [];
  let title;
  let fix;
  if (kind === "inplace") {
    title = tr(lang, "inplaceTitle");
    const saved = error.saved || [];
    const parts = saved.map((s) =>
      tr(
        lang,
        "savedWhat",
        s.index === null || s.index === undefined ? short(s.attr) : `${short(s.attr)}[${s.index}]`,
        shapeText(s.shape),
      ),
    );
    what.push(tr(lang, "inplaceWhat", node, parts.join(", ")));
    for (const s of saved) {
      what.push(`${short(s.attr)}: ${tr(lang, "versions", s.saved_version, s.version)}`);
      if (s.node) marks[s.node] = "saved";
      const bumps = s.bumped_by || [];
      if (!bumps.length) what.push(`  ${tr(lang, "bumpUnknown")}`);
      for (const b of bumps) {
        what.push(`  v${b.version}: ${tr(lang, "bumpedBy", b.op, b.expr, b.cell)}`);
        if (b.node && !marks[b.node]) marks[b.node] = "bump";
      }
    }
    fix = tr(lang, "inplaceFix");
  } else if (kind === "freed") {
    title = tr(lang, "freedTitle");
    what.push(tr(lang, "freedWhat", node));
    fix = tr(lang, "freedFix");
  } else if (kind === "non_scalar") {
    title = tr(lang, "nonScalarTitle");
    what.push(tr(lang, "nonScalarWhat", shapeText(error.shape)));
    fix = tr(lang, "nonScalarFix");
  } else if (kind === "no_grad") {
    title = tr(lang, "noGradTitle");
    what.push(tr(lang, "noGradWhat"));
    fix = tr(lang, "noGradFix");
  } else if (kind === "grad_shape") {
    title = tr(lang, "gradShapeTitle");
    what.push(tr(lang, "gradShapeWhat", shapeText(error.grad_shape), shapeText(error.shape)));
    fix = tr(lang, "gradShapeFix");
  } else if (kind === "nan") {
    title = tr(lang, "nanTitle");
    what.push(tr(lang, "nanWhat", node, error.output_nr || 0, nodeName(graph, error.to, error.to_label)));
    if (error.to && !marks[error.to]) marks[error.to] = "to";
    fix = tr(lang, "nanFix");
  } else {
    title = tr(lang, "otherTitle");
    what.push(tr(lang, "otherWhat", error.label ? node : ""));
    fix = tr(lang, "otherFix");
  }
  what.push(error.node ? tr(lang, "atNode") : tr(lang, "notDrawn"));
  return {
    kind,
    title,
    heading: tr(lang, "failed", error.cell),
    what,
    fix,
    fixLabel: tr(lang, "fixLabel"),
    pytorchSays: tr(lang, "pytorchSays"),
    message: `${error.error || "RuntimeError"}: ${error.message || ""}`,
    node: error.node || null,
    marks,
  };
}

/** Fill `box` (an element) with the explanation of graph.error; hide it when there is none. */
export function renderErrorBox(box, graph, lang, onGoTo) {
  const ex = explainError(graph && graph.error, graph || {}, lang);
  box.replaceChildren();
  if (!ex) {
    box.hidden = true;
    delete box.dataset.kind;
    return;
  }
  const el = (tag, cls, text) => h(tag, { class: cls || null, text });
  const head = el("div", "aw-error-head");
  head.append(el("strong", "aw-error-title", ex.title), el("span", "aw-error-when", ` · ${ex.heading}`));
  if (ex.node && onGoTo) {
    const go = el("button", "aw-error-goto", tr(lang, "goTo"));
    go.type = "button";
    go.title = ex.node;
    go.addEventListener("click", () => onGoTo(ex.node));
    head.append(go);
  }
  const what = el("div", "aw-error-what");
  for (const line of ex.what) what.append(el("div", line.startsWith("  ") ? "aw-error-sub" : "", line.trim()));
  const fix = el("div", "aw-error-fix");
  fix.append(el("strong", "", `${ex.fixLabel}: `), document.createTextNode(ex.fix));
  const raw = el("details", "aw-error-raw");
  raw.append(el("summary", "", ex.pytorchSays), el("pre", "", ex.message));
  box.append(head, what, fix, raw);
  box.dataset.kind = ex.kind;
  box.dataset.node = ex.node || "";
  box.hidden = false;
}

/** Mark the nodes of graph.error on the drawn SVG (`byId`: node id -> g.node element). */
export function markError(byId, graph) {
  const ex = explainError(graph && graph.error, graph || {}, "en");
  const marks = ex ? ex.marks : {};
  for (const [id, g] of byId) {
    const role = marks[id];
    g.classList.toggle("aw-error", role === "fault");
    g.classList.toggle("aw-error-rel", !!role && role !== "fault");
    if (role) g.dataset.error = role;
    else delete g.dataset.error;
  }
}

export const ERROR_CSS = `
.aw-error-box { padding: 5px 8px; border-bottom: 1px solid var(--aw-border); border-left: 4px solid #d32f2f;
  background: rgba(211, 47, 47, 0.12); color: var(--aw-fg); font-size: 92%; }
.aw-error-box[hidden] { display: none; }
.aw-error-head { display: flex; gap: 4px; align-items: baseline; }
.aw-error-title { color: var(--jp-error-color1, #d32f2f); }
.aw-error-when { color: var(--aw-fg2); flex: 1 1 auto; }
.aw-error-goto { font: inherit; background: none; border: 1px solid var(--aw-border); border-radius: 3px; cursor: pointer; color: var(--aw-fg); }
.aw-error-what { margin: 3px 0; }
.aw-error-what .aw-error-sub { margin-left: 1.2em; color: var(--aw-fg2); }
.aw-error-fix { margin: 3px 0; }
.aw-error-raw summary { cursor: pointer; color: var(--aw-fg2); }
.aw-error-raw pre { margin: 2px 0; white-space: pre-wrap; font-family: var(--aw-mono); font-size: 90%; }
.aw-graph svg g.node.aw-error > :is(path, polygon, ellipse) { stroke: #d32f2f; stroke-width: 4; }
.aw-graph svg g.node.aw-error-rel > :is(path, polygon, ellipse) { stroke: #d32f2f; stroke-width: 2.5; stroke-dasharray: 5 3; }
`;

/**
 * Add the explanation of a failed backward to a graph view (an extension of view.js).
 * @param {object} ctx  the view's context (view/context.js)
 * @param {object} parts  {toolbar, canvas, selection, ...} (view.js)
 */
export function attachErrorExplain(ctx, parts) {
  injectStyle("aw-error-style", ERROR_CSS);
  const box = h("div", { class: "aw-error-box", role: "alert", hidden: true });
  const notices = parts.toolbar.notices || [];
  (notices.length ? notices[notices.length - 1] : parts.toolbar.el).after(box);
  const goTo = (id) => {
    parts.selection.select(id);
    parts.canvas.centerOn(id);
  };
  const update = () => renderErrorBox(box, ctx.graph, ctx.lang, goTo);
  ctx.on("graph", update);
  ctx.on("drawn", () => markError(parts.canvas.nodeElements(), ctx.graph));
  update();
}
