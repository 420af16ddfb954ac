/** Decode base64 with `atob`, which every supported runtime has (Node >= 16, Deno, Bun, browsers, workerd). */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
