// What the page loads once: the view and the layout client.
import { attachStepper } from "./stepper.js";
import { render as renderView } from "./view.js";

export { LayoutClient } from "./layout_client.js";

/** The graph view, with step-through backward (stepper.js) on top of it. */
export function render(ctx) {
  const cleanup = renderView(ctx);
  const detach = attachStepper(ctx);
  return () => {
    detach();
    cleanup();
  };
}
