/**
 * @s4wasm/layers: S4 as users meet it. HiPPO inits, S4D and S4 (DPLR) kernels, FFT convolution,
 * step mode, S4Block, S4Model, official PyTorch weight import.
 */
export const LAYERS_VERSION = "0.0.0";
