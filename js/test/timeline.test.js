import { describe, expect, it } from "vitest";
import { TEXT, sliderState, stateLabel } from "../src/view/timeline.js";

describe("timeline bar", () => {
  it("labels states by cell, or by number outside IPython", () => {
    expect(stateLabel("en", [1, 3, "drawn", 0])).toBe("In [3] · drawn");
    expect(stateLabel("en", [2, 4, "backward", 1])).toBe("In [4] · backward");
    expect(stateLabel("en", [3, null, "cell", 1])).toBe("#3 · end of cell");
    expect(stateLabel("en", [4, 7, "error", 1])).toBe("In [7] · backward failed");
    expect(stateLabel("zh", [2, 4, "backward", 1])).toBe("单元格 [4] · 反向传播后");
    expect(stateLabel("fr", [2, 4, "backward", 1])).toBe("In [4] · backward");
  });

  it("puts the slider at the newest state when live, else at the position", () => {
    const states = [
      [1, 1, "drawn", 0],
      [2, 2, "backward", 1],
      [3, 3, "cell", 1],
    ];
    expect(sliderState(states, null)).toEqual({ index: 2, live: true, count: 3 });
    expect(sliderState(states, 0)).toEqual({ index: 0, live: false, count: 3 });
    expect(sliderState(states, 7)).toEqual({ index: 2, live: false, count: 3 });
  });

  it("has every text in every language", () => {
    for (const lang of Object.keys(TEXT)) {
      expect(Object.keys(TEXT[lang]).sort()).toEqual(Object.keys(TEXT.en).sort());
    }
    expect(TEXT.zh.dropped(3)).toMatch(/3/);
  });
});
