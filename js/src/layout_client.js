// The page's one layout worker, shared by every graph widget (see graph_widget.js:
// the worker's code arrives once per page and is started from a Blob URL).
export class LayoutClient {
  constructor(workerUrl) {
    this.workerUrl = workerUrl;
    this.worker = null;
    this.next = 1;
    this.pending = new Map();
  }

  _start() {
    const worker = new Worker(this.workerUrl);
    this.worker = worker;
    worker.onmessage = (event) => {
      const { id, svg, ms, error } = event.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error) {
        // A failed layout (e.g. a stack overflow) can leave Graphviz's WebAssembly
        // unusable: later layouts go to a fresh worker, this one ends when idle.
        p.reject(new Error(error));
        if (this.worker === worker) this.worker = null;
      } else p.resolve({ svg, ms });
      if (this.worker !== worker && !this._busy(worker)) worker.terminate();
    };
    worker.onerror = (event) => {
      // The worker died (e.g. out of memory): fail everything it had, restart on next use.
      const err = new Error(`layout worker failed: ${event.message || "unknown error"}`);
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        p.reject(err);
        this.pending.delete(id);
      }
      worker.terminate();
      if (this.worker === worker) this.worker = null;
    };
  }

  _busy(worker) {
    for (const p of this.pending.values()) if (p.worker === worker) return true;
    return false;
  }

  /** Lay out DOT text; resolves to {svg, ms}. */
  layout(dot) {
    if (!this.worker) this._start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: this.worker });
      this.worker.postMessage({ id, dot });
    });
  }
}

/**
 * Per-view scheduler: at most one layout in flight; while it runs, newer
 * requests replace each other so only the latest is laid out next.
 */
export class LatestOnly {
  constructor(run) {
    this.run = run;
    this.busy = false;
    this.queued = null;
  }

  request(job) {
    if (this.busy) {
      this.queued = job;
      return;
    }
    this.busy = true;
    Promise.resolve()
      .then(() => this.run(job))
      .catch(() => {})
      .finally(() => {
        this.busy = false;
        const next = this.queued;
        this.queued = null;
        if (next) this.request(next);
      });
  }
}
