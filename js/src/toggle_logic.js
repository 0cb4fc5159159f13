// DOM-free text of GradModeToggle (unit-tested in node).

/**
 * What the toggle says for a state.
 * @param {boolean} enabled grad mode for the next cells
 * @param {boolean} pending the change waits for the next cell
 * @param {string} label text before the state
 */
export function toggleText(enabled, pending, label = "grad mode") {
  const on = Boolean(enabled);
  const state = on ? "on" : "off";
  const note = pending ? `from the next cell` : on ? "" : "tensors made now get no grad_fn";
  const next = on ? "off" : "on";
  return {
    enabled: on,
    pending: Boolean(pending),
    label: label || "grad mode",
    state,
    note,
    title: `Grad mode is ${state}${pending ? " from the next cell" : ""}. Click to turn it ${next} for the next cells (torch.set_grad_enabled(${!on ? "True" : "False"})).`,
  };
}
