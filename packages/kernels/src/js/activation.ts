// The official S4 code's other activations in float64 (models/s4/s4.py Activation: torch's
// Tanh, ReLU, ELU(alpha 1), SiLU, Sigmoid, Softplus(beta 1, threshold 20)), elementwise.
import type { OutPlane, Plane } from "./planes.js";

/** The activations besides GELU (which has its own plan). */
export type ActivationName = "tanh" | "relu" | "elu" | "silu" | "sigmoid" | "softplus";

/** Their wasm kind numbers (assembly/activation.ts ACT_*), in this order. */
export const ACTIVATION_KINDS: readonly ActivationName[] = ["tanh", "relu", "elu", "silu", "sigmoid", "softplus"];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const FUNCTIONS: Record<ActivationName, (x: number) => number> = {
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  silu: (x) => x * sigmoid(x),
  sigmoid,
  // torch: the input itself above the threshold 20
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
};

/** out[i] = f(x[i]) for n values; out may alias x. */
export function activation(name: ActivationName, x: Plane, out: OutPlane, n: number): void {
  const f = FUNCTIONS[name];
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
}
