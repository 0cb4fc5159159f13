// The front end's two DOM helpers, shared by every widget (each bundle takes its own copy).

/**
 * `h("button", {class: "x", title: "Zoom", onclick: fn}, child, ...)`: make an element.
 *
 * Props: `class` sets the class name, `text` the text content, `on<event>` (a function)
 * adds a listener; any other prop becomes an attribute (`true` an empty one); `null`,
 * `undefined` and `false` props are left out. Children are nodes or strings; `null`,
 * `undefined`, `false` and `""` children are skipped, so `cond && h(...)` reads well.
 * @param {string} tag
 * @param {object} [props]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false && child !== "") el.append(child);
  }
  return el;
}

/**
 * Add a stylesheet to the page once: a `<style id=id>` in `<head>` (later calls with the
 * same id do nothing, so every view of every widget can call it).
 * @param {string} id element id of the style tag
 * @param {string} css
 */
export function injectStyle(id, css) {
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.textContent = css;
  document.head.appendChild(style);
}
