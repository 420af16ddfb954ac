import { ACTIVATION_KINDS, type ActivationName, type ElementwisePlan, type Kernels, validate } from "@s4wasm/kernels";

/**
 * An elementwise activation of a block (models/s4/s4.py Activation): exact GELU, none ("id"),
 * or one of the kernels' other activations (tanh, relu, elu, silu, sigmoid, softplus).
 */
export type BlockActivation = "gelu" | "id" | ActivationName;

/** Every {@link BlockActivation}. */
export const BLOCK_ACTIVATIONS: readonly BlockActivation[] = ["gelu", "id", ...ACTIVATION_KINDS];

/**
 * An FFTConv's activation: any {@link BlockActivation}, or "glu" (official activation='glu':
 * the conv runs 2c channel groups and the GLU halves them, first half the value).
 */
export type ConvActivation = BlockActivation | "glu";

/** `name` checked (`where` names the argument in the error). */
export function checkActivation(where: string, name: unknown): BlockActivation {
  return validate.checkOneOf(where, name as BlockActivation, BLOCK_ACTIVATIONS);
}

/** An FFTConv activation checked (`where` names the argument in the error). */
export function checkConvActivation(where: string, name: unknown): ConvActivation {
  return validate.checkOneOf(where, name as ConvActivation, [...BLOCK_ACTIVATIONS, "glu"]);
}

/** The plan that applies `name` in place, or null for "id" (nothing to do). */
export function activationPlan(kernels: Kernels, name: BlockActivation): ElementwisePlan | null {
  if (name === "id") return null;
  return name === "gelu" ? kernels.gelu() : kernels.activation(name);
}
