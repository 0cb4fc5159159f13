// What the page loads once: the view (with its timeline bar) and the layout client.
import { mountTimeline } from "./timeline.js";
import { render as renderView } from "./view.js";

export { LayoutClient } from "./layout_client.js";

export function render(ctx) {
  const stopView = renderView(ctx);
  const stopTimeline = mountTimeline(ctx);
  return () => {
    stopTimeline();
    stopView();
  };
}
