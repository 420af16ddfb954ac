import type { FloatArray } from "@s4wasm/kernels";

/**
 * (B, H, L) -> (B, c*H, L): each batch row repeated c times along the channel axis, the input of
 * c output channel groups (the official '(c h)' layout: FFTConv with channels > 1, and the step
 * of such a layer, whose c*H channels each read the layer's channel h). Into `out` when given
 * (same dtype, length B*c*H*L), else a fresh array of u's type.
 */
export function repeatChannels(u: FloatArray, batch: number, H: number, L: number, c: number, out?: FloatArray): FloatArray {
  const o = out ?? new (u.constructor as Float64ArrayConstructor)(batch * c * H * L);
  for (let b = 0; b < batch; b++) {
    const src = u.subarray(b * H * L, (b + 1) * H * L);
    for (let k = 0; k < c; k++) o.set(src, (b * c + k) * H * L);
  }
  return o;
}
