// The body of each pool worker, as source text: Node runs it with `new Worker(text, { eval: true })`,
// so no separate file has to be found beside the bundle (a bundler that inlines this package
// would leave a worker file behind). It instantiates the same module on the same shared memory
// and runs one job at a time from its control block (layout in pool.ts). No top-level name may be
// one of CommonJS's (module, exports, require ...): Deno and Bun run eval workers inside such a
// wrapper and refuse the redeclaration.

/**
 * Polls of the job word before a waiting side sleeps in Atomics.wait (~50-100 us of spinning):
 * shared by the workers (waiting for a job) and the caller (waiting for a part to finish).
 */
export const SPIN = 20_000;

/** CommonJS source of a pool worker (workerData: { module, memory, control, names }). */
export const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { module: wasmModule, memory, control, names } = workerData;
const kernels = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports;
const ctl = new Int32Array(control, 0, 8);
const argv = new Float64Array(control, 32);
const fns = names.map((name) => kernels[name]);
let seen = 0;
parentPort.postMessage("ready");
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
`;
