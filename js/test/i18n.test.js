import { describe, expect, it } from "vitest";
import { nodeLabelLines } from "../src/dot.js";
import { nodeDetails, tooltipText } from "../src/graph_logic.js";
import { pageInfo, statsText } from "../src/heatmap.js";
import {
  BOOT,
  LANGUAGES,
  MESSAGES,
  TENSOR,
  TOGGLE,
  adoptPageLanguage,
  bootText,
  pageLanguage,
  t,
  translateNotice,
} from "../src/i18n.js";
import { toggleText } from "../src/toggle_logic.js";

const HAN = /[\u4e00-\u9fff]/;

describe("message tables", () => {
  it("has every English key in every language, of the same kind", () => {
    expect(Object.keys(BOOT).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(MESSAGES).sort()).toEqual([...LANGUAGES].sort());
    for (const tables of [MESSAGES, BOOT, TOGGLE, TENSOR]) {
      expect(Object.keys(tables).sort()).toEqual([...LANGUAGES].sort());
      for (const lang of LANGUAGES) {
        for (const [key, msg] of Object.entries(tables.en)) {
          expect(tables[lang], `${lang}.${key}`).toHaveProperty(key);
          expect(typeof tables[lang][key], `${lang}.${key}`).toBe(typeof msg);
        }
        expect(Object.keys(tables[lang]).sort()).toEqual(Object.keys(tables.en).sort());
      }
    }
  });

  it("translates the prose of zh (only code words may equal English)", () => {
    const code = new Set(["legendGradFn", "legendNoGrad", "legendNan", "dtype", "requiresGrad"]);
    for (const tables of [MESSAGES, BOOT, TOGGLE, TENSOR]) {
      for (const [key, msg] of Object.entries(tables.en)) {
        if (code.has(key)) continue;
        const en = typeof msg === "function" ? msg(3, 4) : msg;
        const zh = typeof msg === "function" ? tables.zh[key](3, 4) : tables.zh[key];
        expect(zh, key).not.toBe(en);
        expect(zh, key).toMatch(HAN);
      }
    }
  });

  it("falls back to English for an unknown language", () => {
    expect(t("fr", "legend")).toBe("Legend");
    expect(t("zh", "passes", 2)).toBe("反向传播次数：2");
    expect(bootText("zh", "loading")).toBe("正在加载 Graphviz…");
    expect(bootText(undefined, "loading")).toBe("loading Graphviz…");
  });

  it("builds the details panel and tooltip in the language asked", () => {
    const node = { id: "n1", kind: "backward", label: "MulBackward0", no_grad: true, executed_order: 0 };
    const zh = nodeDetails(node, { executed: ["n1"] }, "zh");
    expect(zh.rows.map((r) => r[0])).toEqual(["类型", "运算", "上次反向传播", "梯度模式"]);
    expect(tooltipText(node, "zh")).toContain("在 no_grad 下记录");
    expect(nodeDetails(node, { executed: ["n1"] }).rows[0][0]).toBe("kind");
  });

  it("shows the kernel's notices in zh, part by part, unknown parts as they are", () => {
    const notice =
      "tensor has no grad_fn: y does not require grad (computed under no_grad, or from tensors that do not require grad); " +
      "12 nodes not shown (max_nodes=5); something new";
    expect(translateNotice("zh", notice)).toBe(
      "张量没有 grad_fn：y 不需要梯度（在 no_grad 下计算，或由不需要梯度的张量算出）；12 个节点未显示 (max_nodes=5)；something new",
    );
    expect(translateNotice("zh", "the drawn tensors are gone")).toBe("画出的张量已经不存在了");
    expect(translateNotice("en", notice)).toBe(notice);
    expect(translateNotice("zh", null)).toBe(null);
  });

  it("draws the words inside the nodes in the language asked, English by default", () => {
    const leaf = { id: "l", kind: "leaf", label: "AccumulateGrad", tensor: { shape: [2], grad: "tensor([1., 1.])" } };
    const ran = { id: "b", kind: "backward", label: "MulBackward0", executed_order: 2 };
    expect(nodeLabelLines(leaf)).toEqual(["(2,)", "AccumulateGrad", "grad [1., 1.]"]);
    expect(nodeLabelLines(leaf, { lang: "zh" })).toEqual(["(2,)", "AccumulateGrad", "梯度 [1., 1.]"]);
    expect(nodeLabelLines({ id: "x", kind: "leaf" }, { lang: "zh" })).toEqual(["叶子", "AccumulateGrad"]);
    expect(nodeLabelLines(ran, { lang: "zh" })).toEqual(["MulBackward0", "第 3 个执行"]);
    expect(nodeLabelLines(ran, { lang: "en" })).toEqual(["MulBackward0", "ran #3"]);
    const more = { id: "m", kind: "more", label: "+12+ more", more_count: 12 };
    expect(nodeLabelLines(more)).toEqual(["+12+ more"]);
    expect(nodeLabelLines(more, { lang: "zh" })).toEqual(["另有 12+ 个"]);
    expect(nodeLabelLines({ ...more, label: "+5 more" }, { lang: "zh" })).toEqual(["另有 5 个"]);
    // a collapsed chain's label has no words: shown as it is
    expect(nodeLabelLines({ ...more, label: "… ×3 A → B" }, { lang: "zh" })).toEqual(["… ×3 A → B"]);
  });

  it("builds GradModeToggle's and TensorView's texts in the language asked", () => {
    const off = toggleText(false, false, "", "zh");
    expect([off.label, off.state, off.note]).toEqual(["梯度模式", "关", "现在创建的张量不会有 grad_fn"]);
    expect(off.title).toContain("torch.set_grad_enabled(True)");
    expect(toggleText(true, true, "", "zh").note).toBe("从下一个单元格起");
    expect(toggleText(true, false, "my label", "zh").label).toBe("my label");
    const en = toggleText(false, true);
    expect([en.label, en.state, en.note]).toEqual(["grad mode", "off", "from the next cell"]);
    expect(en.title).toBe(
      "Grad mode is off from the next cell. Click to turn it on for the next cells (torch.set_grad_enabled(True)).",
    );
    const stats = { min: -1, max: 2, mean: 0.5, norm: 3, nan: 2 };
    expect(statsText(stats, "zh")).toBe("最小 -1 · 最大 2 · 均值 0.5 · 范数 3 · 2 个 NaN");
    expect(pageInfo(0, 20, 100, 20, "rows", "zh").label).toBe("第 0–19 行，共 100 行");
    expect(pageInfo(0, 12, 30, 12, "cols").label).toBe("cols 0–11 of 30");
  });
});

describe("the page's language", () => {
  const page = (lang) => ({ documentElement: { lang } });
  const model = (state) => ({
    state,
    saved: 0,
    get(k) {
      return this.state[k];
    },
    set(k, v) {
      this.state[k] = v;
    },
    save_changes() {
      this.saved += 1;
    },
  });

  it("reads JupyterLab's language from <html lang>", () => {
    expect(pageLanguage(page("zh-CN"))).toBe("zh");
    expect(pageLanguage(page("zh_TW"))).toBe("zh");
    expect(pageLanguage(page("zh"))).toBe("zh");
    expect(pageLanguage(page("en-US"))).toBe("en");
    expect(pageLanguage(page("fr-FR"))).toBe(null);
    expect(pageLanguage(page(""))).toBe(null);
    expect(pageLanguage(page("zhx"))).toBe(null);
    expect(pageLanguage(undefined)).toBe(null);
  });

  it("is adopted only by a widget whose language nothing chose, and told to the kernel", () => {
    const auto = model({ language: "en", _language_auto: true });
    adoptPageLanguage(auto, page("zh-CN"));
    expect(auto.state.language).toBe("zh");
    expect(auto.saved).toBe(1);
    const chosen = model({ language: "en", _language_auto: false });
    adoptPageLanguage(chosen, page("zh-CN"));
    expect(chosen.state.language).toBe("en");
    expect(chosen.saved).toBe(0);
    const same = model({ language: "en", _language_auto: true });
    adoptPageLanguage(same, page("en-US"));
    adoptPageLanguage(same, page("fr"));
    expect(same.saved).toBe(0);
  });
});
