// DOM-free logic of TensorView: decoding pages, number formats, the colour scale.
import { TENSOR, text } from "./i18n.js";

/** A Float64Array over a page sent by the kernel (DataView, ArrayBuffer, typed array or nothing). */
export function decodeFloat64(buf) {
  if (!buf) return new Float64Array(0);
  if (buf instanceof Float64Array) return buf;
  const bytes = ArrayBuffer.isView(buf)
    ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    : new Uint8Array(buf);
  // copy: the source view may be unaligned for 8-byte floats
  const copy = new Uint8Array(bytes.length - (bytes.length % 8));
  copy.set(bytes.subarray(0, copy.length));
  return new Float64Array(copy.buffer);
}

/**
 * Where a value sits on the diverging scale centred on zero.
 * @returns {{sign: "pos"|"neg"|"zero"|"nan", strength: number}} strength in [0, 1]
 */
export function cellColor(value, scale) {
  if (Number.isNaN(value)) return { sign: "nan", strength: 1 };
  if (value === 0) return { sign: "zero", strength: 0 };
  const sign = value > 0 ? "pos" : "neg";
  if (!Number.isFinite(value)) return { sign, strength: 1 };
  if (!(scale > 0) || !Number.isFinite(scale)) return { sign, strength: 1 };
  return { sign, strength: Math.min(1, Math.abs(value) / scale) };
}

/** CSS background for a cell: the sign's colour mixed into transparent (so themes show through). */
export function cellBackground(value, scale, maxPercent = 85) {
  const { sign, strength } = cellColor(value, scale);
  if (sign === "zero") return "transparent";
  const pct = Math.round(strength * maxPercent);
  return `color-mix(in srgb, var(--aw-${sign}) ${pct}%, transparent)`;
}

function finiteAbs(values, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out.push(Math.abs(v));
  }
  return out;
}

function special(v) {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return null;
}

/**
 * A formatter for one table, chosen like PyTorch's printer: integers for
 * integer dtypes, `1.` when every float is whole, else 4 decimals, or
 * scientific notation when magnitudes span more than 1000x or leave [1e-4, 1e8).
 * @param {ArrayLike<number>} values
 * @param {string} kind numpy dtype kind: "f" float, "i"/"u" integer, "b" bool
 */
export function chooseFormat(values, kind = "f", count = values.length) {
  if (kind === "b") return (v) => (v ? "True" : "False");
  if (kind === "i" || kind === "u") return (v) => special(v) ?? String(Math.round(v));
  let whole = true;
  let max = 0;
  let min = Infinity;
  for (const a of finiteAbs(values, count)) {
    if (!Number.isInteger(a)) whole = false;
    if (a > 0) {
      max = Math.max(max, a);
      min = Math.min(min, a);
    }
  }
  if (whole && max < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  if (max > 0 && (max / min > 1000 || max >= 1e8 || min < 1e-4)) {
    return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
  }
  return (v) => special(v) ?? v.toFixed(4);
}

/** Short numbers for the stats line and the colour bar. */
export function shortNumber(v) {
  if (v === null || v === undefined) return "–";
  const s = special(v);
  if (s) return s;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** "min -1 · max 2 · mean 0.5 · norm 3" (plus NaN/Inf counts when any), in `lang`. */
export function statsText(stats, lang = "en") {
  if (!stats) return "";
  const tr = (key, ...args) => text(TENSOR, lang, key, ...args);
  const parts = [tr("stats", ...["min", "max", "mean", "norm"].map((k) => shortNumber(stats[k])))];
  if (stats.nan) parts.push(tr("nan", stats.nan));
  if (stats.inf) parts.push(tr("inf", stats.inf));
  return parts.join(" · ");
}

/**
 * Pagination of one axis (`axis`: "rows" or "cols"): the label (in `lang`) and where
 * the previous/next page start (null: none).
 */
export function pageInfo(start, shown, total, size, axis, lang = "en") {
  const end = Math.min(total, start + shown);
  return {
    label: total > size ? text(TENSOR, lang, `${axis}Page`, start, end - 1, total) : "",
    prev: start > 0 ? Math.max(0, start - size) : null,
    next: end < total ? start + size : null,
  };
}

/** `t[1, 0]` for the chosen slice of a higher-rank tensor (`:` for the shown dims). */
export function sliceText(name, index, ndim) {
  if (ndim <= 2) return "";
  return `${name || "t"}[${[...index.map(String), ":", ":"].join(", ")}]`;
}
