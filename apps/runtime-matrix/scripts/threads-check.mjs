// The threads check shared by scripts/threads-probe.mjs (Node, Deno, Bun) and the Chromium page
// (src/browser-threads-entry.ts): loadKernels({ threads: 2, ...options }), one Linear(64, 130)
// over 1000 positions, large enough to be split across the worker. Returns the thread count, how
// many outputs differ from one thread (must be 0), and the relative error against the float64
// definition.

const H = 64;
const O = 130;
const L = 1000;

/** Types: threads-check.d.mts. */
export async function threadsCheck(loadKernels, options = {}) {
  const w = Float64Array.from({ length: O * H }, (_, i) => Math.cos(0.37 * i) / 8);
  const bias = Float64Array.from({ length: O }, (_, i) => Math.sin(i));
  const x = Float64Array.from({ length: H * L }, (_, i) => Math.sin(0.01 * i));
  const run = (k) => k.linear({ inFeatures: H, outFeatures: O, weight: w, bias }).apply(x, { batch: 1, length: L });

  const two = await loadKernels({ backend: "wasm", threads: 2, ...options });
  const one = await loadKernels({ backend: "wasm" });
  const a = run(two);
  const b = run(one);
  let differ = 0;
  let num = 0;
  let den = 0;
  for (let o = 0; o < O; o++)
    for (let l = 0; l < L; l++) {
      let s = bias[o];
      for (let h = 0; h < H; h++) s += w[o * H + h] * x[h * L + l];
      const i = o * L + l;
      if (a[i] !== b[i]) differ++;
      num += (a[i] - s) ** 2;
      den += s * s;
    }
  const threads = two.threads;
  two.dispose();
  const relErr = Math.sqrt(num / den);
  return { threads, differ, relErr, ok: threads === 2 && differ === 0 && relErr <= 1e-6 };
}
