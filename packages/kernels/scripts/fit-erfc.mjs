// Maintenance tool (not a build step): refit R = P/Q of erfcv in assembly/vmath.ts,
//   erfc(a) = exp(-a^2) R(a),  R = erfcx = P/Q,  P = 1 + p1 a + ... + p4 a^4,  Q = 1 + q1 a + ... + q5 a^5,
// for relative error on a in [0, 9.2] (past 9.1 erfc is below float32's normal range): linearised
// least squares P - erfcx (Q - 1) = erfcx on Chebyshev nodes, weighted by 1/(erfcx Q) from the
// previous round (Sanathanan-Koerner) and by Lawson's factors toward the minimax (Householder QR,
// float64). Prints the worst relative error of R in float64 over a fine grid, against the JS
// twin's float64 erfc, and the coefficients.
//   npm run build -w @s4wasm/kernels && node packages/kernels/scripts/fit-erfc.mjs [p=4] [q=5]
// vmath.ts lists them as p1..p4, then q1..q5 (P(0) = Q(0) = 1 are the table's 1.0).
import { js } from "../dist/index.js";

const dp = Number(process.argv[2] ?? 4);
const dq = Number(process.argv[3] ?? 5);
const A_MAX = 9.2;
const nodes = 3000;
const erfcx = (a) => js.erfc64(a) * Math.exp(a * a);
const poly = (c, a) => c.reduceRight((s, ck) => s * a + ck, 0);

/** x minimising |A x - b| (A: m rows of n), by Householder QR; A and b are overwritten. */
function lsq(A, b) {
  const m = A.length;
  const n = A[0].length;
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

const a = Array.from({ length: nodes }, (_, i) => (A_MAX / 2) * (1 - Math.cos((Math.PI * (i + 0.5)) / nodes)));
const f = a.map(erfcx);
let weight = a.map(() => 1);
let qAt = a.map(() => 1);
let p = [];
let q = [];
for (let round = 0; round < 80; round++) {
  // unknowns p0..p_dp, q1..q_dq: P(a) - f (Q(a) - 1) = f, each row scaled by weight / (f Q_prev)
  const rows = a.map((ai, i) => {
    const s = weight[i] / (f[i] * qAt[i]);
    const r = [];
    for (let k = 0; k <= dp; k++) r.push(s * ai ** k);
    for (let k = 1; k <= dq; k++) r.push(-s * f[i] * ai ** k);
    return r;
  });
  const x = lsq(
    rows,
    f.map((fi, i) => (weight[i] * fi) / (fi * qAt[i])),
  );
  p = x.slice(0, dp + 1);
  q = [1, ...x.slice(dp + 1)];
  qAt = a.map((ai) => poly(q, ai));
  const err = a.map((ai, i) => Math.abs(poly(p, ai) / qAt[i] / f[i] - 1));
  const top = Math.max(...err);
  weight = weight.map((w, i) => w * (err[i] / top) ** 0.3 + 1e-3);
  const wMax = Math.max(...weight);
  weight = weight.map((w) => w / wMax);
}
let worst = 0;
for (let i = 0; i <= 200000; i++) {
  const ai = (A_MAX * i) / 200000;
  worst = Math.max(worst, Math.abs(poly(p, ai) / poly(q, ai) / erfcx(ai) - 1));
}
console.log(`P degree ${dp}, Q degree ${dq}: worst relative error of R = erfcx in float64 ${worst.toExponential(2)}`);
console.log(`p0 = ${p[0]} (the table uses 1.0)`);
console.log("p1.., then q1..:");
for (const x of [...p.slice(1), ...q.slice(1)]) console.log(`  ${x},`);
