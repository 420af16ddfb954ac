// Maintenance tool (not a build step): refit g of erfcv in assembly/vmath.ts,
//   erfc(a) = t exp(-a^2 + g(t)),  t = 1 / (1 + a/2),
// by least squares on Chebyshev nodes of t for a in [0, 10] (Householder QR, float64), and print
// the worst relative error of erfc over a fine grid with the float64 erfc of the JS twin.
//   npm run build -w @s4wasm/kernels && node packages/kernels/scripts/fit-erfc.mjs [degree=9]
// vmath.ts lists the printed coefficients from the highest degree down.
import { js } from "../dist/index.js";

const degree = Number(process.argv[2] ?? 9);
const tLo = 1 / 6; // a = 10
const tHi = 1; // a = 0
const nodes = 400;

/** Nodes t and targets g(t) = log(erfc(a) / t) + a^2. */
function samples() {
  const t = [];
  const g = [];
  for (let i = 0; i < nodes; i++) {
    const ti = (tLo + tHi) / 2 + ((tHi - tLo) / 2) * Math.cos((Math.PI * (i + 0.5)) / nodes);
    const a = 2 * (1 / ti - 1);
    t.push(ti);
    g.push(Math.log(js.erfc64(a) / ti) + a * a);
  }
  return { t, g };
}

/** Least-squares coefficients c (lowest degree first) of sum c_k t^k ~ g, by Householder QR. */
function fit(t, g, n) {
  const A = t.map((ti) => Array.from({ length: n }, (_, k) => ti ** k));
  const b = g.slice();
  const m = t.length;
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[i][k] ** 2;
    norm = Math.sqrt(norm);
    const v = A.map((row, i) => (i < k ? 0 : row[k]));
    v[k] -= A[k][k] > 0 ? -norm : norm;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i] ** 2;
    const reflect = (get, set) => {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i] * get(i);
      s = (2 * s) / vv;
      for (let i = k; i < m; i++) set(i, get(i) - s * v[i]);
    };
    for (let j = k; j < n; j++)
      reflect(
        (i) => A[i][j],
        (i, x) => {
          A[i][j] = x;
        },
      );
    reflect(
      (i) => b[i],
      (i, x) => {
        b[i] = x;
      },
    );
  }
  const c = new Array(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < n; j++) s -= A[k][j] * c[j];
    c[k] = s / A[k][k];
  }
  return c;
}

const { t, g } = samples();
const c = fit(t, g, degree + 1);
let worst = 0;
for (let i = 0; i <= 20000; i++) {
  const a = (10 * i) / 20000;
  const ti = 1 / (1 + a / 2);
  let gi = 0;
  for (let k = c.length - 1; k >= 0; k--) gi = gi * ti + c[k];
  worst = Math.max(worst, Math.abs(Math.expm1(gi - a * a + Math.log(ti) - Math.log(js.erfc64(a)))));
}
console.log(`degree ${degree}: worst relative error of erfc in float64 ${worst.toExponential(2)}`);
console.log("coefficients, highest degree first:");
for (const x of c.slice().reverse()) console.log(`  ${x},`);
