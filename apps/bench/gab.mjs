import fs from "node:fs";
import { loadKernels, js } from "@s4wasm/kernels";
const A = await loadKernels();
const B = await loadKernels({ wasm: fs.readFileSync(process.env.W) });
const n = +(process.argv[2] ?? 256);
let seed = 1; const r = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
const gauss = () => Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r());
const xs = Float32Array.from({ length: n }, () => 1.5 * gauss());
const set = [A, B].map((k) => { const p = k.gelu(); const ws = k.workspace(); const x = ws.f32(n), y = ws.f32(n); x.view.set(xs); return { p, x, y }; });
for (const s of set) s.p.applyPtr(s.x.ptr, s.y.ptr, n);
let mx = [0, 0];
for (let i = 0; i < n; i++) { const ref = js.gelu64(xs[i]); for (let j = 0; j < 2; j++) { const e = Math.abs(set[j].y.view[i] - ref) / Math.max(Math.abs(ref), 1e-30); if (e > mx[j]) mx[j] = e; } }
const reps = Math.max(3, Math.round(3e5 / n));
const ts = [[], []];
for (let rep = 0; rep < 31; rep++) for (let j = 0; j < 2; j++) { const s = set[j]; const t0 = performance.now(); for (let i = 0; i < reps; i++) s.p.applyPtr(s.x.ptr, s.y.ptr, n); ts[j].push((performance.now() - t0) / reps * 1000); }
for (const t of ts) t.sort((a, b) => a - b);
console.log(`n=${n} HEAD median µs ${ts[0][15].toFixed(3)} maxrel ${mx[0].toExponential(2)} | build median µs ${ts[1][15].toFixed(3)} maxrel ${mx[1].toExponential(2)}`);
