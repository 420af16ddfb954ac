// The body of each pool worker, as source text, in two flavours around one job loop:
// - WORKER_SOURCE for node:worker_threads (Node, Deno, Bun): `new Worker(text, { eval: true })`,
//   so no separate file has to be found beside the bundle (a bundler that inlines this package
//   would leave a worker file behind);
// - WEB_WORKER_SOURCE for a browser's Web Worker, started from a Blob URL of the text, which
//   receives its start data as its first message.
// Each instantiates the same module on the same shared memory and runs one job at a time from its
// control block (layout in pool.ts). No top-level name may be one of CommonJS's (module, exports,
// require ...): Deno and Bun run eval workers inside such a wrapper and refuse the redeclaration.

/**
 * Polls of the job word before a waiting side sleeps in Atomics.wait (~50-100 us of spinning):
 * shared by the workers (waiting for a job) and the caller (waiting for a part to finish).
 */
export const SPIN = 20_000;

/**
 * The job loop, shared by both flavours: s4wasmWorkerStart(init, post) with init = { module,
 * memory, control, names }; `post("ready")` once the instance exists.
 */
const JOB_LOOP = `
function s4wasmWorkerStart(init, post) {
  const { module: wasmModule, memory, control, names } = init;
  const kernels = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports;
  const ctl = new Int32Array(control, 0, 8);
  const argv = new Float64Array(control, 32);
  const fns = names.map((name) => kernels[name]);
  let seen = 0;
  post("ready");
  for (;;) {
    // spin a while before sleeping: a layer hands out its jobs back to back (one per batch row or
    // kernel block), and waking from Atomics.wait costs tens of microseconds
    let seq = Atomics.load(ctl, 0);
    for (let i = 0; seq === seen && i < ${SPIN}; i++) seq = Atomics.load(ctl, 0);
    if (seq === seen) {
      // announce the sleep (the caller notifies only sleepers: a notify costs ~1 us), then sleep
      // unless a job came in between
      Atomics.store(ctl, 6, 1);
      Atomics.wait(ctl, 0, seen);
      Atomics.store(ctl, 6, 0);
      continue;
    }
    seen = seq;
    const fn = ctl[2];
    if (fn < 0) break;
    // fixed arity straight from the float64 arguments (no array per job; a wasm function ignores
    // the ones past its parameters)
    const a = argv;
    try {
      fns[fn](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
      ctl[4] = 0;
    } catch {
      ctl[4] = 1;
    }
    Atomics.store(ctl, 1, seq);
    if (Atomics.load(ctl, 5) === 1) Atomics.notify(ctl, 1);
  }
}
`;

/** CommonJS source of a node:worker_threads pool worker (workerData: the start data). */
export const WORKER_SOURCE = `${JOB_LOOP}
const { workerData, parentPort } = require("node:worker_threads");
s4wasmWorkerStart(workerData, (message) => parentPort.postMessage(message));
`;

/**
 * Source of a browser pool worker (a classic Web Worker): the start data come as its first
 * message. A worker may block in Atomics.wait; only the page's main thread may not (pool.ts).
 */
export const WEB_WORKER_SOURCE = `${JOB_LOOP}
self.onmessage = (event) => {
  self.onmessage = null;
  try {
    s4wasmWorkerStart(event.data, (message) => self.postMessage(message));
  } catch (err) {
    // before "ready" (the instance did not build): the pool's start reports it
    self.postMessage({ error: String(err) });
  }
};
self.onmessageerror = () => self.postMessage({ error: "the worker could not read its start data" });
`;
