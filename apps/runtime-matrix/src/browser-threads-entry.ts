// Entry for Chromium's threads page: loadKernels({ threads: 2 }) on Web Workers, with the threads
// build passed as `wasm` (a bundle moved the package's JS away from the file, as a user's bundler
// would), the check of scripts/threads-check.mjs, and the result (or the error, on a page that is
// not cross-origin isolated) published on the page. The page's main thread is the caller, which
// may not block in Atomics.wait: this exercises the pool's polling wait.
import { loadKernels } from "@s4wasm/kernels";
import { threadsCheck } from "../scripts/threads-check.mjs";

declare global {
  interface Window {
    threadsResult?: unknown;
  }
}

threadsCheck(loadKernels, { wasm: new URL("./kernels-threads.wasm", location.href) }).then(
  (r) => {
    window.threadsResult = r;
    document.body.textContent = JSON.stringify(r);
  },
  (err: Error) => {
    window.threadsResult = { error: `${err.name}: ${err.message}` };
  },
);
