// The timeline bar of the graph widget: a slider and ◀ ▶ "live" buttons that
// move through the states the kernel kept (see autograd_widgets/widgets/_timeline.py).
//
// The kernel holds the states; the bar only sets the `position` trait (an index,
// or null to follow the live graph) and the kernel answers with that state's
// graph in the `graph` trait, so the view draws it like any update.  The labels
// come from `_states`: [number, cell, kind, backward passes] per state.
import { h } from "../dom.js";

/** The bar's texts, one table per language (English for unknown languages). */
export const TEXT = {
  en: {
    timeline: "Timeline",
    prev: "Earlier state",
    next: "Later state",
    live: "live",
    liveTitle: "Follow the live graph",
    slider: "Graph state",
    where: (cell, n) => (cell === null || cell === undefined ? `#${n}` : `In [${cell}]`),
    drawn: "drawn",
    backward: "backward",
    error: "backward failed",
    cell: "end of cell",
    following: "following the live graph",
    dropped: (n) => `${n} earlier state${n === 1 ? "" : "s"} dropped (kept: the newest)`,
  },
  zh: {
    timeline: "时间线",
    prev: "上一个状态",
    next: "下一个状态",
    live: "实时",
    liveTitle: "跟随实时计算图",
    slider: "计算图状态",
    where: (cell, n) => (cell === null || cell === undefined ? `#${n}` : `单元格 [${cell}]`),
    drawn: "绘制时",
    backward: "反向传播后",
    error: "反向传播失败",
    cell: "单元格结束时",
    following: "正在跟随实时计算图",
    dropped: (n) => `已丢弃更早的 ${n} 个状态（只保留最新的）`,
  },
};

function text(lang, key, ...args) {
  const table = TEXT[lang] || TEXT.en;
  const msg = key in table ? table[key] : TEXT.en[key];
  return typeof msg === "function" ? msg(...args) : msg;
}

/** The label of one state `[number, cell, kind, passes]`, e.g. "In [5] backward". */
export function stateLabel(lang, state) {
  const [n, cell, kind] = state;
  return `${text(lang, "where", cell, n)} · ${text(lang, kind in TEXT.en ? kind : "cell")}`;
}

/**
 * Where the slider stands: `{index, live, count}`; live shows the newest state's
 * place (the live graph is at least as new as it).
 */
export function sliderState(states, position) {
  const count = states.length;
  const live = position === null || position === undefined;
  const index = live ? count - 1 : Math.max(0, Math.min(count - 1, position));
  return { index, live, count };
}

/**
 * The timeline bar, a view extension (view.js's EXTENSIONS): its own row at the end
 * of the toolbar, hidden while fewer than two states are kept.
 * @param {object} ctx  the view's context (view/context.js)
 * @param {object} parts  {toolbar, ...}
 */
export function attachTimeline(ctx, { toolbar }) {
  const { model, el, lang } = ctx;
  const tip = (key) => ({ title: text(lang, key), "aria-label": text(lang, key) });
  const prev = h("button", { type: "button", class: "aw-tl-prev", ...tip("prev") }, "◀");
  const slider = h("input", {
    type: "range",
    class: "aw-tl-slider",
    min: "0",
    step: "1",
    "aria-label": text(lang, "slider"),
  });
  const next = h("button", { type: "button", class: "aw-tl-next", ...tip("next") }, "▶");
  const live = h("button", { type: "button", class: "aw-tl-live", title: text(lang, "liveTitle") }, text(lang, "live"));
  const label = h("span", { class: "aw-tl-label", "aria-live": "polite" });
  const dropped = h("span", { class: "aw-tl-dropped" });
  const bar = h("span", { class: "aw-timeline", role: "group", "aria-label": text(lang, "timeline") });
  bar.append(prev, slider, next, live, label, dropped);
  toolbar.el.append(bar);

  const states = () => model.get("_states") || [];
  const current = () => sliderState(states(), model.get("position"));
  const update = () => {
    const list = states();
    const { index, live: following, count } = sliderState(list, model.get("position"));
    bar.hidden = count < 2;
    bar.dataset.count = String(count);
    bar.dataset.position = following ? "live" : String(index);
    el.dataset.timeline = following ? "live" : String(index);
    slider.max = String(Math.max(0, count - 1));
    slider.value = String(Math.max(0, index));
    prev.disabled = count < 2 || index <= 0;
    next.disabled = following;
    live.setAttribute("aria-pressed", following ? "true" : "false");
    live.classList.toggle("aw-on", following);
    const shown = list[index];
    label.textContent = following ? text(lang, "following") : shown ? stateLabel(lang, shown) : "";
    label.title = shown ? stateLabel(lang, shown) : "";
    const n = model.get("_dropped") || 0;
    dropped.textContent = n ? text(lang, "dropped", n) : "";
    dropped.hidden = !n;
  };
  ctx.listen(prev, "click", () => {
    const { index, count } = current();
    if (count && index > 0) ctx.setTrait("position", index - 1);
  });
  ctx.listen(next, "click", () => {
    const { index, live: following, count } = current();
    if (!following) ctx.setTrait("position", index + 1 < count ? index + 1 : null);
  });
  ctx.listen(slider, "input", () => ctx.setTrait("position", Number(slider.value)));
  ctx.listen(live, "click", () => ctx.setTrait("position", null));
  for (const trait of ["_states", "position", "_dropped"]) ctx.onModel(`change:${trait}`, update);
  update();
  return () => {
    delete el.dataset.timeline;
    bar.remove();
  };
}
