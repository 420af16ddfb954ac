// Worker threads that run kernels on the caller's shared wasm memory (Node's worker_threads, also
// in Deno and Bun, or a browser's Web Workers). A call splits its work into parts: part 0 runs on
// the calling thread, part i on worker i-1, each on disjoint output rows with its own scratch, and
// the call returns when all are done. The results are bit for bit those of one thread: every
// output element is computed by the same instructions in the same order, only on another core.
//
// Control block of a worker (its own SharedArrayBuffer): 8 Int32 words, then float64 arguments.
//   [0] job sequence number (caller increments, then notifies)  [1] last finished sequence number
//   [2] job index into POOL_JOBS (-1 = stop)  [4] 1 if the job threw
//   [5] 1 while the caller sleeps on [1]  [6] 1 while the worker sleeps on [0]
//   float64 from byte 32: the arguments (pointers, counts, f32 scalars: every one is exact in a
//   double, and wasm's i32 conversion of a pointer >= 2^31 gives back its bits)
// Waiting: each side polls a while (SPIN) and then blocks in Atomics.wait: the caller until each
// worker has stored its sequence number, a worker until the next job. A side flags its sleep
// ([5], [6]) and the other notifies only then (Atomics.notify costs about a microsecond).
// Sequentially consistent stores and loads: a sleeper that flags after the other side's check
// still sees the changed word in its wait. Arguments travel as up to MAX_ARGS float64 and the
// worker calls with a fixed arity (no array per job). A round trip with a trivial job took
// ~1 us here, so only calls of ~100 us or more are split: one stream's step (its 6 us product
// came out no faster on two threads, measured) stays on one; a frame of several streams is split
// by stream.
// Workers: node:worker_threads where the runtime has it (Node, Deno, Bun), else a browser's Web
// Workers, which need a cross-origin isolated page (COOP same-origin + COEP require-corp) for
// shared memory. A browser's main thread may not block in Atomics.wait: a caller there only
// polls until the workers are done (its own part takes about as long as theirs, so the poll is
// short); a caller inside a Web Worker blocks as in Node.
import { S4BackendError } from "../errors.js";
import { splitRange } from "./split-range.js";
import { SPIN, WEB_WORKER_SOURCE, WORKER_SOURCE } from "./worker-source.js";

/** Kernel entry points a worker may run; a job travels as its index in this list. */
export const POOL_JOBS = [
  "linearBHL",
  "linearStrassenBHL",
  "linearGluBHL",
  "linearBLH",
  "cauchyWoodbury1",
  "fftConvRows",
  "kernelSpectrumRows",
  "gelu",
  "erf",
  "activation",
  "vandermonde",
  "fftRows",
  "rfftRows",
  "irfftRows",
  "stepBlockScaled",
] as const;
/** One of {@link POOL_JOBS}. */
export type PoolJob = (typeof POOL_JOBS)[number];

const SEQ = 0;
const DONE = 1;
const JOB = 2;
const FAILED = 4;
const CALLER_SLEEPS = 5;
const WORKER_SLEEPS = 6;
const HEADER_BYTES = 32;
const MAX_ARGS = 16;
/**
 * How long a starting worker may take to answer: ~10-100 ms is usual (it instantiates the module);
 * the bound only ends a wait for one that will never answer.
 */
const START_TIMEOUT_MS = 30_000;

/** The parts of a node:worker_threads Worker the pool uses (a Web Worker is adapted to them). */
interface WorkerLike {
  once(event: "message" | "error" | "exit", listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** What a worker starts from: the compiled threads build, the shared memory, its control block. */
interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  names: readonly string[];
}

/** Starts one pool worker; from {@link workerFactory}. */
export type WorkerFactory = (init: WorkerInit) => WorkerLike;

/** Workers that run kernels on one shared wasm memory; see the file header. */
export class ThreadPool {
  /** Threads a split call uses: the caller plus the workers. */
  readonly threads: number;
  private readonly workers: WorkerLike[];
  private readonly controls: Int32Array[];
  private readonly args: Float64Array[];
  private closed = false;
  /**
   * Set by a worker's "exit" event. Events arrive between calls only (the caller blocks during
   * one, and the runtimes report a stopped thread through their event loop), so a worker that
   * stops in the middle of a call is not detected; one that stopped before is, and the call is
   * refused instead of waiting for an answer that cannot come.
   */
  private exited = false;
  /** False on a browser's main thread, where Atomics.wait throws: the caller then only polls. */
  private readonly canBlock = agentCanBlock();

  private constructor(workers: WorkerLike[], controls: Int32Array[]) {
    this.workers = workers;
    this.controls = controls;
    this.args = controls.map((c) => new Float64Array(c.buffer, HEADER_BYTES, MAX_ARGS));
    this.threads = workers.length + 1;
  }

  /**
   * Start `threads - 1` workers, each instantiating `module` on `memory` (shared), and wait until
   * all are ready. The workers are unref'd: an idle pool does not keep a Node process alive.
   * A worker that reports a failure, fails, or has not answered within `startTimeoutMs` (it never
   * received or could not read its start data) refuses the start instead of leaving it waiting.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    startWorker: WorkerFactory,
    startTimeoutMs = START_TIMEOUT_MS,
  ): Promise<ThreadPool> {
    const workers: WorkerLike[] = [];
    const controls: Int32Array[] = [];
    try {
      for (let t = 1; t < threads; t++) {
        const control = new SharedArrayBuffer(HEADER_BYTES + 8 * MAX_ARGS);
        const worker = startWorker({ module, memory, control, names: POOL_JOBS });
        workers.push(worker);
        controls.push(new Int32Array(control, 0, HEADER_BYTES / 4));
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await new Promise<void>((resolve, reject) => {
            worker.once("message", (m) =>
              m === "ready" ? resolve() : reject(new Error(String((m as { error?: unknown })?.error ?? m))),
            );
            worker.once("error", (err) => reject(err));
            timer = setTimeout(() => reject(new Error(`no answer within ${startTimeoutMs} ms`)), startTimeoutMs);
          });
        } finally {
          clearTimeout(timer);
        }
        worker.unref();
      }
    } catch (err) {
      for (const w of workers) void w.terminate();
      throw new S4BackendError(
        `loadKernels(options.threads): expected every worker thread to start, got one that did not (${(err as Error).message})`,
      );
    }
    const pool = new ThreadPool(workers, controls);
    for (const w of workers) w.once("exit", () => (pool.exited = true));
    return pool;
  }

  /**
   * Run `job` once per part, in parallel: parts[0] on the calling thread (through `exports`),
   * parts[i] on worker i-1. At most `threads` parts; returns when every part is done.
   */
  run(job: PoolJob, parts: readonly (readonly number[])[], exports: Record<PoolJob, (...args: number[]) => void>): void {
    if (this.closed) throw new S4BackendError(`${job}: the kernels' worker threads were closed (dispose)`);
    if (this.exited) throw exitedError(job);
    const index = POOL_JOBS.indexOf(job);
    const started: number[] = [];
    for (let i = 1; i < parts.length; i++) {
      const ctl = this.controls[i - 1];
      const args = parts[i];
      ctl[JOB] = index;
      this.args[i - 1].set(args);
      const seq = ctl[SEQ] + 1;
      started.push(seq);
      Atomics.store(ctl, SEQ, seq);
      if (Atomics.load(ctl, WORKER_SLEEPS) === 1) Atomics.notify(ctl, SEQ);
    }
    // the caller's part may throw (a trap): the workers' parts still finish before it propagates,
    // so no worker is left writing while the caller goes on
    let callerError: unknown = null;
    try {
      exports[job](...parts[0]);
    } catch (err) {
      callerError = err;
    }
    let failed = false;
    for (let i = 1; i < parts.length; i++) {
      const ctl = this.controls[i - 1];
      // parts are near-equal, so the worker is usually done or nearly: poll before sleeping
      let done = Atomics.load(ctl, DONE);
      for (let spin = 0; done !== started[i - 1] && (spin < SPIN || !this.canBlock); spin++) done = Atomics.load(ctl, DONE);
      for (; done !== started[i - 1]; done = Atomics.load(ctl, DONE)) {
        Atomics.store(ctl, CALLER_SLEEPS, 1);
        Atomics.wait(ctl, DONE, done);
        Atomics.store(ctl, CALLER_SLEEPS, 0);
      }
      failed ||= ctl[FAILED] !== 0;
    }
    if (callerError !== null) throw callerError;
    if (failed) throw new S4BackendError(`${job}: a worker thread failed while running it`);
  }

  /**
   * Run `job` over rows 0..n in one range per thread, cut at multiples of `align` (splitRange):
   * `args(r0, r1, t)` gives the arguments of thread t's range [r0, r1) (its rows, its scratch).
   */
  runRows(
    job: PoolJob,
    n: number,
    align: number,
    args: (r0: number, r1: number, t: number) => readonly number[],
    exports: Record<PoolJob, (...args: number[]) => void>,
  ): void {
    this.run(
      job,
      splitRange(n, this.threads, align).map(([r0, r1], t) => args(r0, r1, t)),
      exports,
    );
  }

  /** Stop the workers; later split calls throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ctl of this.controls) {
      ctl[JOB] = -1;
      Atomics.store(ctl, SEQ, ctl[SEQ] + 1);
      Atomics.notify(ctl, SEQ);
    }
    for (const w of this.workers) void w.terminate();
  }
}

function exitedError(job: string): S4BackendError {
  return new S4BackendError(
    `${job}: expected the kernels' worker threads running, got one that exited (load the kernels again to restart them)`,
  );
}

/**
 * How this runtime starts pool workers: node:worker_threads (Node, Deno, Bun), else Web Workers in
 * a cross-origin isolated browser context; else an S4BackendError naming the option and what is
 * missing. Called before anything is loaded, so a refused `threads` costs nothing.
 */
export async function workerFactory(threads: number): Promise<WorkerFactory> {
  const refuse = (why: string) =>
    new S4BackendError(`loadKernels(options.threads): expected 1 in this runtime (${why}), got ${threads}`);
  // the specifier is hidden from bundlers: browser and workerd bundles must not try to resolve it
  const name = "node:worker_threads";
  try {
    const mod = (await import(/* @vite-ignore */ name)) as { Worker?: WorkerCtor };
    const NodeWorker = mod.Worker;
    if (typeof SharedArrayBuffer === "function" && typeof NodeWorker === "function") {
      return (init) => new NodeWorker(WORKER_SOURCE, { eval: true, workerData: init });
    }
  } catch {
    // not a Node-like runtime: try Web Workers below
  }
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean };
  if (typeof g.Worker !== "function") {
    throw refuse("worker threads need node:worker_threads, as in Node, Deno and Bun, or a browser's Web Workers");
  }
  if (g.crossOriginIsolated !== true || typeof SharedArrayBuffer !== "function") {
    throw refuse(
      "a browser shares memory with its workers only on a cross-origin isolated page: serve it with " +
        "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
  return webWorker;
}

/** A Web Worker running WEB_WORKER_SOURCE from a Blob URL, behind the node:worker_threads surface. */
function webWorker(init: WorkerInit): WorkerLike {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(url);
  worker.postMessage(init);
  return {
    once(event, listener) {
      // a Web Worker reports no exit: one that stops mid-run is as undetected as in Node (above)
      if (event === "exit") return;
      worker.addEventListener(
        event,
        (e) => {
          // the Blob URL has served its purpose once the worker answered or failed
          URL.revokeObjectURL(url);
          listener(
            event === "error" ? new Error((e as ErrorEvent).message || "the worker script failed") : (e as MessageEvent).data,
          );
        },
        { once: true },
      );
    },
    unref() {
      // a page does not wait for its workers
    },
    terminate() {
      worker.terminate();
      return Promise.resolve(0);
    },
  };
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function agentCanBlock(): boolean {
  try {
    // the agent check comes before the value comparison, so this returns at once where allowed
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
