// Graphviz's SVG, reduced to what a drawn graph needs.
//
// Labels come from user code (variable names, custom Function class names), and
// Graphviz escapes them; this allow-list makes sure that a gap in that escaping
// (or a future Graphviz feature such as URL/href attributes) cannot put script,
// event handlers or foreign content on the page.  DOM-agnostic: it walks any
// tree with the standard node interface, so it is unit-tested in node with a
// small fake tree and in the browser with the real DOMParser.

export const SVG_NS = "http://www.w3.org/2000/svg";

/** The elements Graphviz's SVG renderer writes for our graphs. */
export const ALLOWED_ELEMENTS = new Set(["svg", "g", "title", "polygon", "polyline", "path", "ellipse", "text"]);

/** Presentation and geometry attributes; no href, no style, no event handlers. */
export const ALLOWED_ATTRIBUTES = new Set([
  "id",
  "class",
  "width",
  "height",
  "viewBox",
  "preserveAspectRatio",
  "transform",
  "x",
  "y",
  "cx",
  "cy",
  "rx",
  "ry",
  "points",
  "d",
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-anchor",
  "text-decoration",
  "baseline-shift",
  "xml:space",
]);

// values that could fetch or run something even in an allowed attribute
const BAD_VALUE = /javascript:|data:|url\s*\(|expression\s*\(|[<>]/i;

const ELEMENT = 1;
const TEXT = 3;

/** Whether an element (by local name and namespace) may stay. */
export function allowedElement(localName, namespaceURI) {
  return namespaceURI === SVG_NS && ALLOWED_ELEMENTS.has(localName);
}

/** Whether an attribute (by name and value) may stay on an allowed element. */
export function allowedAttribute(name, value) {
  return ALLOWED_ATTRIBUTES.has(name) && !BAD_VALUE.test(String(value));
}

/**
 * Remove, in place, every node under `root` that is not an allowed element or
 * text, and every attribute not allowed.  Returns the number of removals.
 */
export function sanitizeTree(root) {
  let removed = 0;
  const stack = [root];
  while (stack.length) {
    const el = stack.pop();
    for (const attr of Array.from(el.attributes || [])) {
      if (!allowedAttribute(attr.name, attr.value)) {
        el.removeAttribute(attr.name);
        removed++;
      }
    }
    for (const child of Array.from(el.childNodes || [])) {
      if (child.nodeType === ELEMENT && allowedElement(child.localName, child.namespaceURI)) {
        stack.push(child);
      } else if (child.nodeType !== TEXT) {
        el.removeChild(child); // comments, processing instructions, anything else
        removed++;
      }
    }
  }
  return removed;
}

/**
 * Parse SVG text as XML (never as HTML) and keep only the allowed parts.
 *
 * @param {string} svgText  Graphviz's output
 * @param {function} Parser  a DOMParser constructor (the page's by default)
 * @returns {Element} the sanitized `<svg>` root (of a separate XML document:
 *   import or adopt it into the page)
 */
export function parseSvg(svgText, Parser = globalThis.DOMParser) {
  const doc = new Parser().parseFromString(svgText, "image/svg+xml");
  const root = doc.documentElement;
  const error = doc.getElementsByTagName("parsererror")[0];
  if (error || !root || !allowedElement(root.localName, root.namespaceURI) || root.localName !== "svg") {
    const why = error ? error.textContent.trim().split("\n")[0] : "no <svg> root";
    throw new Error(`Graphviz returned SVG that is not valid: ${why}`);
  }
  sanitizeTree(root);
  return root;
}
