// Worker threads that run kernels on the caller's shared wasm memory (Node's worker_threads, also
// in Deno and Bun). A call splits its work into parts: part 0 runs on the calling thread, part i
// on worker i-1, each on disjoint output rows with its own scratch, and the call returns when all
// are done. The results are bit for bit those of one thread: every output element is computed by
// the same instructions in the same order, only on another core.
//
// Control block of a worker (Int32Array on its own SharedArrayBuffer):
//   [0] job sequence number (caller increments, then notifies)  [1] last finished sequence number
//   [2] job index into POOL_JOBS (-1 = stop)  [3] argument count  [4] 1 if the job threw
//   [8 ..] the arguments (pointers and counts; a pointer >= 2^31 wraps and reaches wasm unchanged)
// Waiting: the caller blocks in Atomics.wait until each worker has stored its sequence number.
// That is allowed on Node's main thread, not on a browser's, which is one reason this pool is
// Node-only for now.
import { S4BackendError } from "../errors.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** Kernel entry points a worker may run; a job travels as its index in this list. */
export const POOL_JOBS = ["linearBHL", "linearBLH", "cauchyWoodbury1"] as const;
/** One of {@link POOL_JOBS}. */
export type PoolJob = (typeof POOL_JOBS)[number];

const SEQ = 0;
const DONE = 1;
const JOB = 2;
const ARGC = 3;
const FAILED = 4;
const ARGS = 8;
const MAX_ARGS = 24;

/** The parts of node:worker_threads the pool uses. */
interface WorkerLike {
  once(event: "message" | "error", listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** Workers that run kernels on one shared wasm memory; see the file header. */
export class ThreadPool {
  /** Threads a split call uses: the caller plus the workers. */
  readonly threads: number;
  private readonly workers: WorkerLike[];
  private readonly controls: Int32Array[];
  private closed = false;

  private constructor(workers: WorkerLike[], controls: Int32Array[]) {
    this.workers = workers;
    this.controls = controls;
    this.threads = workers.length + 1;
  }

  /**
   * Start `threads - 1` workers, each instantiating `module` on `memory` (shared), and wait until
   * all are ready. The workers are unref'd: an idle pool does not keep a Node process alive.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): Promise<ThreadPool> {
    const Worker = await workerConstructor(threads);
    const workers: WorkerLike[] = [];
    const controls: Int32Array[] = [];
    try {
      for (let t = 1; t < threads; t++) {
        const control = new SharedArrayBuffer(4 * (ARGS + MAX_ARGS));
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, names: POOL_JOBS } });
        workers.push(worker);
        controls.push(new Int32Array(control));
        await new Promise<void>((resolve, reject) => {
          worker.once("message", () => resolve());
          worker.once("error", (err) => reject(err));
        });
        worker.unref();
      }
    } catch (err) {
      for (const w of workers) void w.terminate();
      throw new S4BackendError(`loadKernels(options.threads): a worker thread did not start (${(err as Error).message})`);
    }
    return new ThreadPool(workers, controls);
  }

  /**
   * Run `job` once per part, in parallel: parts[0] on the calling thread (through `exports`),
   * parts[i] on worker i-1. At most `threads` parts; returns when every part is done.
   */
  run(job: PoolJob, parts: readonly (readonly number[])[], exports: Record<PoolJob, (...args: number[]) => void>): void {
    if (this.closed) throw new S4BackendError(`${job}: the kernels' worker threads were closed (dispose)`);
    const index = POOL_JOBS.indexOf(job);
    const started: number[] = [];
    for (let i = 1; i < parts.length; i++) {
      const ctl = this.controls[i - 1];
      const args = parts[i];
      ctl[JOB] = index;
      ctl[ARGC] = args.length;
      ctl.set(args, ARGS);
      const seq = ctl[SEQ] + 1;
      started.push(seq);
      Atomics.store(ctl, SEQ, seq);
      Atomics.notify(ctl, SEQ);
    }
    exports[job](...parts[0]);
    let failed = false;
    for (let i = 1; i < parts.length; i++) {
      const ctl = this.controls[i - 1];
      for (let done = Atomics.load(ctl, DONE); done !== started[i - 1]; done = Atomics.load(ctl, DONE)) {
        Atomics.wait(ctl, DONE, done);
      }
      failed ||= ctl[FAILED] !== 0;
    }
    if (failed) throw new S4BackendError(`${job}: a worker thread failed while running it`);
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

/** node:worker_threads' Worker, or a S4BackendError naming the option where the runtime has none. */
async function workerConstructor(threads: number): Promise<WorkerCtor> {
  // the specifier is hidden from bundlers: browser and workerd bundles must not try to resolve it
  const name = "node:worker_threads";
  try {
    const mod = (await import(/* @vite-ignore */ name)) as { Worker: WorkerCtor };
    if (typeof SharedArrayBuffer === "function" && typeof mod.Worker === "function") return mod.Worker;
  } catch {
    // fall through to the error below
  }
  throw new S4BackendError(
    `loadKernels(options.threads): expected 1 in this runtime (worker threads need node:worker_threads and SharedArrayBuffer, as in Node, Deno and Bun), got ${threads}`,
  );
}
