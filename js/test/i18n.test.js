import { describe, expect, it } from "vitest";
import { nodeDetails, tooltipText } from "../src/graph_logic.js";
import { BOOT, LANGUAGES, MESSAGES, bootText, t, translateNotice } from "../src/i18n.js";

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
});
