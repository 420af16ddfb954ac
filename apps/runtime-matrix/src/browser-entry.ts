// Entry for Chromium: run the smoke check on the inline wasm and publish the result on the page.
import golden from "../build/golden-case.json" with { type: "json" };
import { type SmokeCase, smoke } from "./smoke.js";

declare global {
  interface Window {
    smokeResult?: unknown;
  }
}

smoke(golden as SmokeCase).then(
  (r) => {
    window.smokeResult = r;
    document.body.textContent = JSON.stringify(r);
  },
  (err: Error) => {
    window.smokeResult = { error: `${err.name}: ${err.message}` };
  },
);
