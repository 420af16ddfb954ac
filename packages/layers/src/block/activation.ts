import { ACTIVATION_KINDS, type ActivationName, type ElementwisePlan, type Kernels, validate } from "@s4wasm/kernels";

/**
 * An elementwise activation of a block (models/s4/s4.py Activation): exact GELU, none ("id"),
 * or one of the kernels' other activations (tanh, relu, elu, silu, sigmoid, softplus).
 */
export type BlockActivation = "gelu" | "id" | ActivationName;

/** Every {@link BlockActivation}. */
export const BLOCK_ACTIVATIONS: readonly BlockActivation[] = ["gelu", "id", ...ACTIVATION_KINDS];

/** `name` checked (`where` names the argument in the error). */
export function checkActivation(where: string, name: unknown): BlockActivation {
  return validate.checkOneOf(where, name as BlockActivation, BLOCK_ACTIVATIONS);
}

/** The plan that applies `name` in place, or null for "id" (nothing to do). */
export function activationPlan(kernels: Kernels, name: BlockActivation): ElementwisePlan | null {
  if (name === "id") return null;
  return name === "gelu" ? kernels.gelu() : kernels.activation(name);
}
