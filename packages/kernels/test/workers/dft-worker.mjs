// A worker thread that loads its own kernels instance and runs many DFTs of its own signal.
import { parentPort, workerData } from "node:worker_threads";
import { loadKernels } from "../../dist/index.js";

const { n, seed, rounds } = workerData;
const k = await loadKernels();
const plan = k.dft(n);
const x = { re: new Float32Array(n), im: new Float32Array(n) };
for (let i = 0; i < n; i++) x.re[i] = Math.sin(seed * (i + 1));
let X;
for (let r = 0; r < rounds; r++) X = plan.forward(x);
parentPort.postMessage({ re: Array.from(X.re), im: Array.from(X.im), live: k.memoryStats().liveBytes });
