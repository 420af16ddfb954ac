// The body of each pool worker, as source text: Node runs it with `new Worker(text, { eval: true })`,
// so no separate file has to be found beside the bundle (a bundler that inlines this package
// would leave a worker file behind). It instantiates the same module on the same shared memory
// and runs one job at a time from its control block (layout in pool.ts).

/** CommonJS source of a pool worker (workerData: { module, memory, control, names }). */
export const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { module, memory, control, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
const fns = names.map((name) => exports[name]);
let seen = 0;
parentPort.postMessage("ready");
for (;;) {
  Atomics.wait(ctl, 0, seen);
  const seq = Atomics.load(ctl, 0);
  if (seq === seen) continue;
  seen = seq;
  const fn = ctl[2];
  if (fn < 0) break;
  const args = Array.from(ctl.subarray(8, 8 + ctl[3]));
  try {
    fns[fn](...args);
    ctl[4] = 0;
  } catch {
    ctl[4] = 1;
  }
  Atomics.store(ctl, 1, seq);
  Atomics.notify(ctl, 1);
}
`;
