// What the page loads once: the view and the layout client.
export { LayoutClient } from "./layout_client.js";
export { render } from "./view.js";
