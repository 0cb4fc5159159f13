import { describe, expect, it } from "vitest";
import { nodeDetails, tooltipText } from "../src/graph_logic.js";
import { BOOT, LANGUAGES, MESSAGES, bootText, t } from "../src/i18n.js";

describe("message tables", () => {
  it("has every English key in every language, of the same kind", () => {
    expect(Object.keys(BOOT).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(MESSAGES).sort()).toEqual([...LANGUAGES].sort());
    for (const tables of [MESSAGES, BOOT]) {
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
    for (const [key, msg] of Object.entries(MESSAGES.en)) {
      if (code.has(key)) continue;
      const en = typeof msg === "function" ? msg(3, 4) : msg;
      const zh = typeof msg === "function" ? MESSAGES.zh[key](3, 4) : MESSAGES.zh[key];
      expect(zh, key).not.toBe(en);
      expect(zh, key).toMatch(/[\u4e00-\u9fff]/);
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
});
