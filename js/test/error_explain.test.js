import { describe, expect, it } from "vitest";
import { ERROR_TEXTS, explainError } from "../src/error_explain.js";
import { LANGUAGES } from "../src/i18n.js";

const graph = {
  nodes: [
    { id: "n0", kind: "tensor", label: "output" },
    { id: "n2", kind: "backward", label: "ExpBackward0", name: "a" },
    { id: "n5", kind: "backward", label: "AddBackward0" },
    { id: "n3", kind: "leaf", label: "AccumulateGrad" },
  ],
};

const inplace = {
  kind: "inplace",
  error: "RuntimeError",
  message: "one of the variables needed for gradient computation has been modified by an inplace operation: ...",
  node: "n2",
  label: "ExpBackward0",
  cell: 7,
  saved: [
    {
      attr: "_saved_result",
      index: null,
      node: null,
      saved_version: 0,
      version: 1,
      shape: [3],
      bumped_by: [{ version: 1, op: "AddBackward0", expr: "a.add_(1)", cell: 6, node: "n5" }],
    },
  ],
};

describe("error texts", () => {
  it("has every English key in every language, of the same kind, in Chinese", () => {
    expect(Object.keys(ERROR_TEXTS).sort()).toEqual([...LANGUAGES].sort());
    for (const lang of LANGUAGES) {
      expect(Object.keys(ERROR_TEXTS[lang]).sort()).toEqual(Object.keys(ERROR_TEXTS.en).sort());
      for (const [key, msg] of Object.entries(ERROR_TEXTS.en))
        expect(typeof ERROR_TEXTS[lang][key], key).toBe(typeof msg);
    }
    for (const [key, msg] of Object.entries(ERROR_TEXTS.zh)) {
      const text = typeof msg === "function" ? msg("X", "Y", 3) : msg;
      expect(text, key).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe("explainError", () => {
  it("is null without an error", () => {
    expect(explainError(null, graph, "en")).toBeNull();
  });

  it("explains an in-place change with both versions and the op that made it", () => {
    const ex = explainError(inplace, graph, "en");
    expect(ex.title).toBe("A tensor saved for backward was changed in place");
    expect(ex.heading).toBe("backward() failed in cell [7]");
    const text = ex.what.join("\n");
    expect(text).toContain("ExpBackward0 (a) saved its result (shape [3])");
    expect(text).toContain("version when saved: 0 · version now: 1");
    expect(text).toContain("changed by AddBackward0 in `a.add_(1)` (cell [6])");
    expect(ex.fix).toContain("out-of-place");
    expect(ex.marks).toEqual({ n2: "fault", n5: "bump" });
    expect(ex.message.startsWith("RuntimeError: one of the variables")).toBe(true);
  });

  it("says when the op that bumped the version was not seen", () => {
    const e = { ...inplace, saved: [{ ...inplace.saved[0], bumped_by: [] }] };
    expect(explainError(e, graph, "en").what.join("\n")).toContain("before this graph was drawn");
  });

  it("explains each kind in Chinese", () => {
    const cases = {
      inplace: [inplace, "原地修改"],
      freed: [{ kind: "freed", node: "n2", label: "ExpBackward0", message: "Trying..." }, "retain_graph=True"],
      non_scalar: [{ kind: "non_scalar", node: "n0", shape: [2, 3], message: "grad can..." }, "[2, 3]"],
      no_grad: [{ kind: "no_grad", node: "n0", shape: [3], message: "element 0..." }, "requires_grad=True"],
      grad_shape: [{ kind: "grad_shape", node: "n0", shape: [3], grad_shape: [2], message: "Mismatch..." }, "[2]"],
      nan: [{ kind: "nan", node: "n2", label: "ExpBackward0", output_nr: 0, to: "n3", message: "Function..." }, "NaN"],
    };
    for (const [kind, [error, needle]] of Object.entries(cases)) {
      const ex = explainError(error, graph, "zh");
      expect(ex.kind).toBe(kind);
      expect(`${ex.title}\n${ex.what.join("\n")}\n${ex.fix}`, kind).toContain(needle);
      expect(ex.title, kind).toMatch(/[\u4e00-\u9fff]/);
      expect(ex.marks[error.node]).toBe("fault");
    }
    expect(explainError(cases.nan[0], graph, "en").marks).toEqual({ n2: "fault", n3: "to" });
  });

  it("still explains when the node at fault is not drawn", () => {
    const ex = explainError({ kind: "freed", node: null, label: "MulBackward0", message: "..." }, graph, "en");
    expect(ex.what[0]).toContain("MulBackward0");
    expect(ex.what.at(-1)).toBe("(not drawn in this graph)");
    expect(ex.marks).toEqual({});
  });
});
