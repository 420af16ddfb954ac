// One frame through the S4 block tail in one call (the streaming S4D block step):
//   x~ = dA x~ + g u;  v = scale Re(sum x~) + D u          (diagStepScaled, one frame)
//   v = GELU(v);  z = W v + bias (2H);  out = z[:H] * sigmoid(z[H:])
// Shapes: state x~ (B, G, M) planes, pk (G, M/4, 16), D (G); io (B, G): u in, GELU(v) out;
// W packed by StepLinearPlan (stepMatVecPacked: (2H, G) in row panels), bias (2H) or 0;
// z (B, 2H) scratch, out (B, H) written over its start. The same kernels in the same order as
// the separate calls (bit-identical results); what it saves is three host->wasm calls and the
// plans' checks around them: ~2 % of a frame at H = 256, N = 64 (the layers' block stepper
// against the four chained plan calls, median ratio ~0.98 over 8 runs, single runs 0.92-1.03).
import { gelu } from "./gelu";
import { glu } from "./glu";
import { diagStepScaled } from "./step";
import { stepMatVecPacked } from "./step-matvec";

export function stepBlockScaled(
  xRe: usize, xIm: usize, pk: usize, d: usize, io: usize, batch: i32, G: i32, M: i32, scale: f32,
  wp: usize, bias: usize, z: usize, H: i32,
): void {
  diagStepScaled(xRe, xIm, pk, d, io, io, batch, G, M, 1, scale);
  gelu(io, io, batch * G);
  for (let b = 0; b < batch; b++) {
    stepMatVecPacked(wp, io + ((<usize>(b * G)) << 2), bias, z + ((<usize>(b * 2 * H)) << 2), G, 2 * H);
  }
  // in place: output row r lies in input rows <= r, which are read before it is written
  glu(z, z, batch, H);
}
