// Entry for Deno and Bun: run the smoke check on the inline wasm and print the result as JSON.
import golden from "../build/golden-case.json" with { type: "json" };
import { type SmokeCase, smoke } from "./smoke.js";

const result = await smoke(golden as SmokeCase);
console.log(JSON.stringify(result));
