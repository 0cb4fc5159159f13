// Step-through backward, the DOM-free part: what is shown after k steps of a
// recorded backward pass (autograd_widgets/graph/steps.py sends the passes).

const TEXT = {
  en: {
    bar: "Step through backward",
    pass: "pass",
    passN: (n) => `backward #${n}`,
    first: "Back to the start of the pass",
    prev: "Previous step (←)",
    next: "Next step (→)",
    last: "Jump to the end of the pass",
    stop: "Stop stepping: show the graph as it is",
    start: "Step through the last backward pass node by node (→)",
    startLabel: "▶ step through backward",
    none: "Run backward() to step through it here.",
    status: (k, n, label) => (k === 0 ? `step 0/${n}: nothing has run yet` : `step ${k}/${n}: ${label} ran`),
    received: "received",
    sent: "sent along",
    leaf: ".grad: before + incoming = after",
    none_: "None",
    hooked: "changed by a hook",
    beforeHooks: "before the hook",
    edge: (from, to) => `gradient ${from} → ${to}`,
    truncated: (n) => `${n} more steps not recorded`,
    scalar: "scalar",
  },
  zh: {
    bar: "逐步查看反向传播",
    pass: "第几次",
    passN: (n) => `第 ${n} 次 backward`,
    first: "回到这次反向传播的开始",
    prev: "上一步（←）",
    next: "下一步（→）",
    last: "跳到这次反向传播的结束",
    stop: "停止逐步查看：显示图的当前状态",
    start: "逐个节点查看最近一次反向传播（→）",
    startLabel: "▶ 逐步查看反向传播",
    none: "运行 backward() 之后可在这里逐步查看。",
    status: (k, n, label) => (k === 0 ? `第 0/${n} 步：还没有节点运行` : `第 ${k}/${n} 步：${label} 已运行`),
    received: "收到",
    sent: "沿边传出",
    leaf: ".grad：之前 + 传入 = 之后",
    none_: "None",
    hooked: "被钩子（hook）改变",
    beforeHooks: "钩子之前",
    edge: (from, to) => `梯度 ${from} → ${to}`,
    truncated: (n) => `还有 ${n} 步未记录`,
    scalar: "标量",
  },
};

/** The stepper's text `key` in `lang` (English when missing); functions are called with `args`. */
export function st(lang, key, ...args) {
  const table = TEXT[lang] || TEXT.en;
  const v = key in table ? table[key] : TEXT.en[key];
  return typeof v === "function" ? v(...args) : v;
}

/** `[2, 2]`; a 0-d gradient is a scalar. */
export function shapeText(grad, lang = "en") {
  if (!grad) return "";
  const s = grad.shape || [];
  return s.length ? `[${s.join(", ")}]` : st(lang, "scalar");
}

/** The index of the pass `passIndex` (negative counts from the end) in `passes`, or -1. */
export function passPosition(passes, passIndex) {
  const n = (passes || []).length;
  if (!n) return -1;
  const i = passIndex < 0 ? n + passIndex : passIndex;
  return i >= 0 && i < n ? i : -1;
}

/**
 * What the graph shows after `k` steps of pass `passIndex`.
 * @returns {null | {pass, n, k, current, done: Set<string>, edges: object[]}}
 *   edges: every edge that has carried a gradient so far, with `step` (1-based) and
 *   `fresh` (sent by the current step)
 */
export function stepState(passes, passIndex, k) {
  const p = passPosition(passes, passIndex);
  if (p < 0 || k === null || k === undefined) return null;
  const pass = passes[p];
  const steps = pass.steps || [];
  const n = steps.length;
  const upto = Math.max(0, Math.min(n, k));
  const done = new Set();
  const edges = [];
  for (let i = 0; i < upto; i++) {
    const s = steps[i];
    if (i < upto - 1) done.add(s.node);
    for (const e of s.edges || []) edges.push({ ...e, step: i + 1, fresh: i === upto - 1 });
  }
  const current = upto > 0 ? steps[upto - 1] : null;
  return { pass, position: p, n, k: upto, current, done, edges };
}

/**
 * Pair drawn edges with the edges that carried gradients.
 * @param {{source: string, target: string}[]} drawn  edges in SVG order (toDot's edges)
 * @param {object[]} carried  stepState's edges
 * @returns {Map<number, object>}  index into `drawn` -> carried edge
 *
 * Two edges between the same nodes (`x * x`) are told apart by their order: the
 * drawing lists a node's inputs in `next_functions` order, as the steps do.
 */
export function matchEdges(drawn, carried) {
  const slots = new Map();
  drawn.forEach((e, i) => {
    if (e.kind && e.kind !== "next") return;
    const key = `${e.source}\u0000${e.target}`;
    if (!slots.has(key)) slots.set(key, []);
    slots.get(key).push(i);
  });
  const used = new Map();
  const out = new Map();
  // the latest pass through an edge wins (a node runs once per pass, so this is its only one)
  const sorted = [...carried].sort((a, b) => a.step - b.step || a.index - b.index);
  for (const e of sorted) {
    const key = `${e.source}\u0000${e.target}`;
    const free = slots.get(key);
    if (!free) continue;
    const taken = used.get(key) || 0;
    const i = free[Math.min(taken, free.length - 1)];
    used.set(key, taken + 1);
    out.set(i, e);
  }
  return out;
}

/** The edge label: the gradient's shape, marked when a hook changed it. */
export function edgeLabel(e, lang = "en") {
  return shapeText(e.grad, lang) + (e.before_hooks ? " ⚓" : "");
}
