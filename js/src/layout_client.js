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
    this.worker = new Worker(this.workerUrl);
    this.worker.onmessage = (event) => {
      const { id, svg, ms, error } = event.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error) p.reject(new Error(error));
      else p.resolve({ svg, ms });
    };
    this.worker.onerror = (event) => {
      // The worker died (e.g. out of memory): fail everything queued, restart on next use.
      const err = new Error(`layout worker failed: ${event.message || "unknown error"}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker.terminate();
      this.worker = null;
    };
  }

  /** Lay out DOT text; resolves to {svg, ms}. */
  layout(dot) {
    if (!this.worker) this._start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
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
