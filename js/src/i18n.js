// Every text the widgets show, one table per language: MESSAGES (the graph view),
// BOOT (graph_widget.js), TOGGLE (GradModeToggle), TENSOR (TensorView).
//
// A message is a string or a function of its parameters (for counts and values).
// Names PyTorch users type (grad_fn, AccumulateGrad, no_grad, requires_grad, dtype,
// max_nodes) stay as they are in every language: they are code, not prose.
// js/test/i18n.test.js checks that every language has every key of English.
//
// BOOT holds the few texts of graph_widget.js, the module anywidget sends with every
// widget: it imports only BOOT and bootText, so the bundler leaves MESSAGES (the
// view's texts, sent once per page with the view) out of it; the same way each
// widget's bundle holds only its own table.
//
// A widget's language is its synced `language` trait. While nothing chose one (the
// trait `_language_auto`), each widget's `initialize` calls adoptPageLanguage: the
// page's <html lang>, which JupyterLab sets from its language setting ("zh-CN"),
// becomes the widget's language and goes back to the kernel.

export const BOOT = {
  en: {
    loading: "loading Graphviz…",
    loadFailed: (err) => `autograd_widgets: could not load the graph view: ${err}`,
    kernelGone: "the kernel went away before sending the graph view; run the cell again",
  },
  zh: {
    loading: "正在加载 Graphviz…",
    loadFailed: (err) => `autograd_widgets：无法加载计算图视图：${err}`,
    kernelGone: "内核在发送计算图视图之前就已退出；请重新运行该单元格",
  },
};

export const MESSAGES = {
  en: {
    legend: "Legend",
    legendLeaf: "leaf (AccumulateGrad)",
    legendGradFn: "grad_fn",
    legendOutput: "output",
    legendSaved: "saved tensor",
    legendRan: "ran in last backward",
    legendNoGrad: "no_grad",
    legendNan: "NaN/Inf",
    searchPlaceholder: "search nodes",
    searchLabel: "Search nodes",
    direction: "Direction",
    topBottom: "top → bottom",
    leftRight: "left → right",
    toolbar: "Graph tools",
    zoomIn: "Zoom in",
    zoomOut: "Zoom out",
    fit: "Fit to view",
    savedTitle: "Show tensors saved for backward",
    saved: "saved",
    valuesTitle: "Show tensor values in the nodes",
    values: "values",
    exportSvg: "Export as SVG",
    exportPng: "Export as PNG",
    canvasLabel: "Autograd graph. Tab to a node, Enter to select, Escape to clear, + and - to zoom, 0 to fit.",
    nodeDetails: "Node details",
    closeDetails: "Close details",
    goToNode: "go to node",
    passes: (n) => `backward passes: ${n}`,
    truncated: (n) => `${n} nodes not shown (max_nodes)`,
    exportFailed: (err) => `export failed: ${err}`,
    emptyGraph: "empty graph",
    layoutFailed: (err) => `Graphviz could not lay out this graph:\n${err}`,
    tooDeep:
      "The graph is too big or too deep for Graphviz in the browser: draw fewer nodes (a smaller max_nodes, or draw() an intermediate tensor).",
    svgLabel: (n) => `autograd graph with ${n} nodes`,
    found: (n) => `${n} found`,
    layingOut: (n) => `laying out ${n.toLocaleString("en-US")} node${n === 1 ? "" : "s"}…`,
    name: "name",
    expr: "expr",
    ranInLast: (k) => `ran #${k} in the last backward`,
    underNoGrad: "recorded under no_grad",
    notShownCount: (n) => `${n} nodes not shown`,
    kindBackward: "backward node (grad_fn)",
    kindLeaf: "leaf tensor (AccumulateGrad)",
    kindTensor: "output tensor",
    kindSaved: "saved tensor",
    kindMore: "truncated",
    kind: "kind",
    op: "op",
    expression: "expression",
    lastBackward: "last backward",
    ranOf: (k, n) => `ran #${k} of ${n}`,
    gradMode: "grad mode",
    notShown: "not shown",
    shape: "shape",
    dtype: "dtype",
    requiresGrad: "requires_grad",
    version: "version",
    value: "value",
    stats: "stats",
    grad: "grad",
    gradStats: "grad stats",
    statsLine: (min, max, mean, norm) => `min ${min}  max ${max}  mean ${mean}  norm ${norm}`,
    // words inside the drawn nodes
    nodeLeaf: "leaf",
    nodeTensor: "tensor",
    nodeSaved: "saved",
    nodeMore: (n, atLeast) => `+${n}${atLeast ? "+" : ""} more`,
    nodeGrad: (value) => `grad ${value}`,
    nodeRan: (k) => `ran #${k}`,
    exportNotXml: (detail) => `the SVG is not valid XML: ${detail}`,
    exportPngEncoding: "PNG encoding failed",
    exportRasterise: "could not rasterise the SVG",
  },
  zh: {
    legend: "图例",
    legendLeaf: "叶子 (AccumulateGrad)",
    legendGradFn: "grad_fn",
    legendOutput: "输出",
    legendSaved: "保存的张量",
    legendRan: "上次反向传播中执行过",
    legendNoGrad: "no_grad",
    legendNan: "NaN/Inf",
    searchPlaceholder: "搜索节点",
    searchLabel: "搜索节点",
    direction: "方向",
    topBottom: "从上到下",
    leftRight: "从左到右",
    toolbar: "计算图工具",
    zoomIn: "放大",
    zoomOut: "缩小",
    fit: "适应窗口",
    savedTitle: "显示为反向传播保存的张量",
    saved: "保存值",
    valuesTitle: "在节点中显示张量的值",
    values: "数值",
    exportSvg: "导出为 SVG",
    exportPng: "导出为 PNG",
    canvasLabel: "Autograd 计算图。按 Tab 移到节点，Enter 选中，Escape 取消，+ 和 - 缩放，0 适应窗口。",
    nodeDetails: "节点详情",
    closeDetails: "关闭详情",
    goToNode: "转到节点",
    passes: (n) => `反向传播次数：${n}`,
    truncated: (n) => `还有 ${n} 个节点未显示 (max_nodes)`,
    exportFailed: (err) => `导出失败：${err}`,
    emptyGraph: "空的计算图",
    layoutFailed: (err) => `Graphviz 无法为这张图排版：\n${err}`,
    tooDeep:
      "这张图对浏览器里的 Graphviz 来说太大或太深：请少画一些节点（调小 max_nodes，或对某个中间张量调用 draw()）。",
    svgLabel: (n) => `包含 ${n} 个节点的 autograd 计算图`,
    found: (n) => `找到 ${n} 个`,
    layingOut: (n) => `正在为 ${n.toLocaleString("en-US")} 个节点排版…`,
    name: "名称",
    expr: "表达式",
    ranInLast: (k) => `上次反向传播中第 ${k} 个执行`,
    underNoGrad: "在 no_grad 下记录",
    notShownCount: (n) => `${n} 个节点未显示`,
    kindBackward: "反向节点 (grad_fn)",
    kindLeaf: "叶子张量 (AccumulateGrad)",
    kindTensor: "输出张量",
    kindSaved: "保存的张量",
    kindMore: "已截断",
    kind: "类型",
    op: "运算",
    expression: "表达式",
    lastBackward: "上次反向传播",
    ranOf: (k, n) => `第 ${k} 个执行（共 ${n} 个）`,
    gradMode: "梯度模式",
    notShown: "未显示",
    shape: "形状",
    dtype: "dtype",
    requiresGrad: "requires_grad",
    version: "版本",
    value: "值",
    stats: "统计",
    grad: "梯度",
    gradStats: "梯度统计",
    statsLine: (min, max, mean, norm) => `最小 ${min}  最大 ${max}  均值 ${mean}  范数 ${norm}`,
    nodeLeaf: "叶子",
    nodeTensor: "张量",
    nodeSaved: "保存值",
    nodeMore: (n, atLeast) => `另有 ${n}${atLeast ? "+" : ""} 个`,
    nodeGrad: (value) => `梯度 ${value}`,
    nodeRan: (k) => `第 ${k} 个执行`,
    exportNotXml: (detail) => `SVG 不是有效的 XML：${detail}`,
    exportPngEncoding: "PNG 编码失败",
    exportRasterise: "无法把 SVG 转成位图",
  },
};

/** GradModeToggle (toggle_logic.js). */
export const TOGGLE = {
  en: {
    label: "grad mode",
    on: "on",
    off: "off",
    fromNextCell: "from the next cell",
    offNote: "tensors made now get no grad_fn",
    title: (on, pending) =>
      `Grad mode is ${on ? "on" : "off"}${pending ? " from the next cell" : ""}. Click to turn it ${on ? "off" : "on"} for the next cells (torch.set_grad_enabled(${on ? "False" : "True"})).`,
  },
  zh: {
    label: "梯度模式",
    on: "开",
    off: "关",
    fromNextCell: "从下一个单元格起",
    offNote: "现在创建的张量不会有 grad_fn",
    title: (on, pending) =>
      `梯度模式${pending ? "从下一个单元格起" : "现在"}${on ? "开启" : "关闭"}。点击可在之后的单元格中${on ? "关闭" : "开启"}它（torch.set_grad_enabled(${on ? "False" : "True"})）。`,
  },
};

/** TensorView (tensor_view.js, heatmap.js). */
export const TENSOR = {
  en: {
    shape: (dims) => `shape [${dims}]`,
    version: (v) => `version ${v}`,
    values: "values",
    empty: "(empty tensor)",
    gone: "the tensor is gone",
    noGradYet: "None (run backward())",
    noGrad: "None (requires_grad=False)",
    slice: "slice",
    indexTitle: (dim, size) => `index into dim ${dim} (size ${size})`,
    indexLabel: (dim) => `index for dim ${dim}`,
    prevRows: "previous rows",
    nextRows: "next rows",
    prevCols: "previous columns",
    nextCols: "next columns",
    rowsPage: (first, last, total) => `rows ${first}–${last} of ${total}`,
    colsPage: (first, last, total) => `cols ${first}–${last} of ${total}`,
    stats: (min, max, mean, norm) => `min ${min} · max ${max} · mean ${mean} · norm ${norm}`,
    nan: (n) => `${n} NaN`,
    inf: (n) => `${n} Inf`,
  },
  zh: {
    shape: (dims) => `形状 [${dims}]`,
    version: (v) => `版本 ${v}`,
    values: "数值",
    empty: "（空张量）",
    gone: "这个张量已经不存在了",
    noGradYet: "None（请先运行 backward()）",
    noGrad: "None（不需要梯度：requires_grad=False）",
    slice: "切片",
    indexTitle: (dim, size) => `第 ${dim} 维的索引（大小 ${size}）`,
    indexLabel: (dim) => `第 ${dim} 维的索引`,
    prevRows: "上一页（行）",
    nextRows: "下一页（行）",
    prevCols: "上一页（列）",
    nextCols: "下一页（列）",
    rowsPage: (first, last, total) => `第 ${first}–${last} 行，共 ${total} 行`,
    colsPage: (first, last, total) => `第 ${first}–${last} 列，共 ${total} 列`,
    stats: (min, max, mean, norm) => `最小 ${min} · 最大 ${max} · 均值 ${mean} · 范数 ${norm}`,
    nan: (n) => `${n} 个 NaN`,
    inf: (n) => `${n} 个 Inf`,
  },
};

export const LANGUAGES = ["en", "zh"]; // a literal, not Object.keys(MESSAGES): keeps MESSAGES out of graph_widget.js

// The kernel's notices (graph.notice, built in autograd_widgets/graph/ and widgets/) are
// English data that tests and other tools read; the view shows them in the widget's
// language. Each part ("; " between parts) that matches a pattern is translated; an
// unknown part is shown as it is.
export const NOTICES = {
  zh: [
    [/^no tensors given$/, () => "没有给出张量"],
    [/^nothing was recorded \(or everything recorded is gone\)$/, () => "什么也没有记录下来（或者记录的都已不存在）"],
    [/^the drawn tensors are gone$/, () => "画出的张量已经不存在了"],
    [/^meta tensors have no data: shapes and dtypes only$/, () => "meta 张量没有数据：只显示形状和 dtype"],
    [
      /^tensor has no grad_fn: (.*) does not require grad \(computed under no_grad, or from tensors that do not require grad\)$/,
      (who) => `张量没有 grad_fn：${who} 不需要梯度（在 no_grad 下计算，或由不需要梯度的张量算出）`,
    ],
    [
      /^more than (\d+) nodes not shown \(walk stopped at (\d+)\)$/,
      (n, cap) => `超过 ${n} 个节点未显示（遍历在 ${cap} 处停止）`,
    ],
    [/^(\d+) nodes not shown \(max_nodes=(\d+)\)$/, (n, k) => `${n} 个节点未显示 (max_nodes=${k})`],
    [
      /^the graph has a cycle \((.*)\): next_functions must form a DAG$/,
      (c) => `计算图有环（${c}）：next_functions 必须构成有向无环图`,
    ],
    [
      /^none of the names given refers to a tensor in this graph: (.*)$/,
      (names) => `给出的名字都不指向这张图里的张量：${names}`,
    ],
    [/^could not update the graph: (.*)$/, (err) => `无法更新计算图：${err}`],
  ],
};

/** `notice` (the kernel's English text) in `lang`, part by part. */
export function translateNotice(lang, notice) {
  const rules = NOTICES[lang];
  if (!notice || !rules) return notice;
  return notice
    .split("; ")
    .map((part) => {
      for (const [re, fn] of rules) {
        const m = re.exec(part);
        if (m) return fn(...m.slice(1));
      }
      return part;
    })
    .join("；");
}

/**
 * The widget language of the page: its <html lang> ("zh-CN" -> "zh"), which JupyterLab
 * sets from its language setting; null when the page speaks none of LANGUAGES.
 */
export function pageLanguage(doc = globalThis.document) {
  const lang = String((doc && doc.documentElement && doc.documentElement.lang) || "").toLowerCase();
  return LANGUAGES.find((code) => lang === code || lang.startsWith(`${code}-`) || lang.startsWith(`${code}_`)) || null;
}

/**
 * For each widget's `initialize`: a widget whose language nothing chose (`_language_auto`)
 * takes the page's language, and the kernel hears it (so `widget.language` tells the truth).
 */
export function adoptPageLanguage(model, doc = globalThis.document) {
  if (!model.get("_language_auto")) return;
  const lang = pageLanguage(doc);
  if (!lang || lang === model.get("language")) return;
  model.set("language", lang);
  model.save_changes();
}

function lookup(tables, lang, key, args) {
  const table = tables[lang] || tables.en;
  const msg = key in table ? table[key] : tables.en[key];
  if (msg === undefined) return key;
  return typeof msg === "function" ? msg(...args) : msg;
}

/** The text of `key` in `lang` (English when the language or key is unknown). */
export function t(lang, key, ...args) {
  return lookup(MESSAGES, lang, key, args);
}

/** The text of `key` in `lang` from one widget's `tables` (TOGGLE, TENSOR). */
export function text(tables, lang, key, ...args) {
  return lookup(tables, lang, key, args);
}

/** The same for the texts of BOOT. */
export function bootText(lang, key, ...args) {
  return lookup(BOOT, lang, key, args);
}
