import { describe, expect, it } from "vitest";
import { allowedAttribute, allowedElement, parseSvg, SVG_NS, sanitizeTree } from "../src/svg_sanitize.js";

// A small stand-in for the DOM (node has none): just what the sanitizer walks.
class FakeNode {
  constructor(nodeType, props = {}) {
    this.nodeType = nodeType;
    Object.assign(this, props);
    this.childNodes = [];
  }
}

function el(localName, attrs = {}, children = [], namespaceURI = SVG_NS) {
  const e = new FakeNode(1, { localName, namespaceURI });
  e.attributes = Object.entries(attrs).map(([name, value]) => ({ name, value }));
  e.removeAttribute = (name) => {
    e.attributes = e.attributes.filter((a) => a.name !== name);
  };
  e.removeChild = (child) => {
    e.childNodes = e.childNodes.filter((c) => c !== child);
  };
  e.childNodes = children;
  return e;
}
const text = (data) => new FakeNode(3, { data });
const comment = (data) => new FakeNode(8, { data });

function tags(root) {
  const out = [root.localName];
  for (const c of root.childNodes) if (c.nodeType === 1) out.push(...tags(c));
  return out;
}
function attrNames(root) {
  const out = root.attributes.map((a) => a.name);
  for (const c of root.childNodes) if (c.nodeType === 1) out.push(...attrNames(c));
  return out;
}

describe("svg allow-list", () => {
  it("keeps what Graphviz draws a graph with", () => {
    for (const name of ["svg", "g", "title", "polygon", "path", "ellipse", "text", "polyline"]) {
      expect(allowedElement(name, SVG_NS)).toBe(true);
    }
    for (const [name, value] of [
      ["points", "1,2 3,4"],
      ["fill", "#add8e6"],
      ["transform", "scale(1 1) rotate(0)"],
      ["xml:space", "preserve"],
    ]) {
      expect(allowedAttribute(name, value)).toBe(true);
    }
  });

  it("drops script, foreign content, links, handlers and risky values", () => {
    for (const name of ["script", "foreignObject", "a", "image", "use", "style", "iframe", "animate", "set"]) {
      expect(allowedElement(name, SVG_NS)).toBe(false);
    }
    expect(allowedElement("svg", "http://www.w3.org/1999/xhtml")).toBe(false);
    for (const name of ["onload", "onerror", "onclick", "href", "xlink:href", "style", "src"]) {
      expect(allowedAttribute(name, "x")).toBe(false);
    }
    expect(allowedAttribute("fill", "url(javascript:alert(1))")).toBe(false);
    expect(allowedAttribute("fill", "url(https://evil.example/x)")).toBe(false);
    expect(allowedAttribute("class", "a<b")).toBe(false);
  });

  it("walks the whole tree, keeping text and the allowed parts", () => {
    const label = el("text", { x: "1", y: "2", onclick: "alert(1)" }, [text("<img src=x onerror=alert(1)>")]);
    const nested = el("g", { class: "node", onmouseover: "x()" }, [
      el("title", {}, [text("n1")]),
      label,
      el("script", {}, [text("alert(1)")]),
      el("foreignObject", {}, [el("div", { onclick: "x()" }, [], "http://www.w3.org/1999/xhtml")]),
      el("a", { "xlink:href": "javascript:alert(1)" }, [el("text", {}, [text("link")])]),
      comment("a comment"),
    ]);
    const root = el("svg", { viewBox: "0 0 10 10", onload: "alert(1)", xmlns: SVG_NS }, [
      el("g", { id: "graph0" }, [nested]),
    ]);
    const removed = sanitizeTree(root);
    expect(tags(root)).toEqual(["svg", "g", "g", "title", "text"]);
    expect(attrNames(root).sort()).toEqual(["class", "id", "viewBox", "x", "y"]);
    expect(label.childNodes[0].data).toBe("<img src=x onerror=alert(1)>"); // text stays text
    expect(removed).toBe(8); // onload, xmlns, onmouseover, onclick; script, foreignObject, a, the comment
  });
});

describe("parseSvg", () => {
  const parserOf = (doc, calls) =>
    class {
      parseFromString(textIn, type) {
        calls.push(type);
        return doc;
      }
    };
  const docOf = (root, error) => ({
    documentElement: root,
    getElementsByTagName: (n) => (n === "parsererror" && error ? [error] : []),
  });

  it("parses as XML and sanitizes", () => {
    const calls = [];
    const root = el("svg", { onload: "x()" }, [el("script")]);
    const out = parseSvg("<svg/>", parserOf(docOf(root), calls));
    expect(calls).toEqual(["image/svg+xml"]);
    expect(out).toBe(root);
    expect(root.attributes).toEqual([]);
    expect(root.childNodes).toEqual([]);
  });

  it("refuses invalid XML and a root that is not svg", () => {
    const error = { textContent: "error on line 1 at column 5: PCDATA invalid Char value 1\nmore" };
    expect(() => parseSvg("x", parserOf(docOf(el("svg"), error), []))).toThrow(
      /not valid: error on line 1 .*Char value 1$/,
    );
    expect(() => parseSvg("x", parserOf(docOf(el("html", {}, [], "http://www.w3.org/1999/xhtml")), []))).toThrow(
      /no <svg> root/,
    );
  });
});
