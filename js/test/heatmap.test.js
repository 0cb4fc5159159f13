import { describe, expect, it } from "vitest";
import {
  cellBackground,
  cellColor,
  chooseFormat,
  decodeFloat64,
  pageInfo,
  shortNumber,
  sliceText,
  statsText,
} from "../src/heatmap.js";
import { toggleText } from "../src/toggle_logic.js";

describe("decodeFloat64", () => {
  it("reads little-endian float64 pages from a DataView, NaN and Inf included", () => {
    const src = new Float64Array([1.5, -2, Number.NaN, Infinity]);
    const view = new DataView(src.buffer);
    expect([...decodeFloat64(view)]).toEqual([1.5, -2, Number.NaN, Infinity]);
  });
  it("copes with unaligned views and nothing", () => {
    const bytes = new Uint8Array(17);
    bytes.set(new Uint8Array(new Float64Array([3.25, 4]).buffer), 1);
    expect([...decodeFloat64(new DataView(bytes.buffer, 1, 16))]).toEqual([3.25, 4]);
    expect(decodeFloat64(null).length).toBe(0);
  });
});

describe("colour scale", () => {
  it("is diverging and centred on zero", () => {
    expect(cellColor(0, 2)).toEqual({ sign: "zero", strength: 0 });
    expect(cellColor(1, 2)).toEqual({ sign: "pos", strength: 0.5 });
    expect(cellColor(-2, 2)).toEqual({ sign: "neg", strength: 1 });
    expect(cellColor(-5, 2).strength).toBe(1);
  });
  it("marks NaN and saturates Inf", () => {
    expect(cellColor(Number.NaN, 1).sign).toBe("nan");
    expect(cellColor(-Infinity, 1)).toEqual({ sign: "neg", strength: 1 });
  });
  it("mixes theme colours into transparent", () => {
    expect(cellBackground(0, 1)).toBe("transparent");
    expect(cellBackground(1, 2)).toBe("color-mix(in srgb, var(--aw-pos) 43%, transparent)");
    expect(cellBackground(-1, 1, 80)).toContain("var(--aw-neg) 80%");
  });
});

describe("number formats like PyTorch's printer", () => {
  it("uses 4 decimals", () => {
    const f = chooseFormat([1.5, 0.25]);
    expect(f(1.5)).toBe("1.5000");
    expect(f(-0.25)).toBe("-0.2500");
  });
  it("prints whole floats as 1.", () => {
    expect(chooseFormat([1, 2, 0])(2)).toBe("2.");
  });
  it("switches to scientific notation for wide ranges", () => {
    const f = chooseFormat([1e-6, 1]);
    expect(f(1e-6)).toBe("1.0000e-06");
  });
  it("handles integers, bools and specials", () => {
    expect(chooseFormat([3], "i")(3)).toBe("3");
    expect(chooseFormat([1], "b")(1)).toBe("True");
    expect(chooseFormat([1.5, Number.NaN])(Number.NaN)).toBe("nan");
    expect(chooseFormat([1.5, Infinity])(-Infinity)).toBe("-inf");
  });
  it("only looks at the valid cells", () => {
    expect(chooseFormat([1, 2, 0.5], "f", 2)(1)).toBe("1.");
  });
  it("shortens stats", () => {
    expect(shortNumber(1.23456)).toBe("1.235");
    expect(shortNumber(123456)).toBe("1.23e+5");
    expect(shortNumber(null)).toBe("–");
    expect(statsText({ min: -1, max: 2, mean: 0.5, norm: 3, nan: 2 })).toBe(
      "min -1 · max 2 · mean 0.5 · norm 3 · 2 NaN",
    );
    expect(statsText(null)).toBe("");
  });
});

describe("paging and slices", () => {
  it("pages an axis", () => {
    expect(pageInfo(0, 20, 100, 20, "rows")).toEqual({ label: "rows 0–19 of 100", prev: null, next: 20 });
    expect(pageInfo(80, 20, 100, 20, "rows")).toEqual({ label: "rows 80–99 of 100", prev: 60, next: null });
    expect(pageInfo(0, 5, 5, 20, "rows").label).toBe("");
  });
  it("names the slice", () => {
    expect(sliceText("x", [1, 0], 4)).toBe("x[1, 0, :, :]");
    expect(sliceText("x", [], 2)).toBe("");
  });
});

describe("GradModeToggle text", () => {
  it("says the mode and when it applies", () => {
    const on = toggleText(true, false);
    expect(on.state).toBe("on");
    expect(on.note).toBe("");
    const pending = toggleText(false, true);
    expect(pending.state).toBe("off");
    expect(pending.note).toBe("from the next cell");
    expect(pending.title).toContain("torch.set_grad_enabled(True)");
  });
});
