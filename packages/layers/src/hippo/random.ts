/**
 * Seedable random numbers for inits. The official code draws from torch's global generator;
 * its streams cannot be reproduced in JS, so we match the DISTRIBUTIONS and make them seedable:
 * uniform [0,1) from mulberry32, normal from Box-Muller.
 */
export interface Rng {
  /** uniform in [0, 1) */
  uniform(): number;
  /** standard normal */
  normal(): number;
}

/** A seeded Rng: mulberry32 uniforms from `seed` (taken as uint32), Box-Muller normals. */
export function makeRng(seed = 0): Rng {
  let a = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
