/** Shared harness of the repository's browser and server tests (private). */
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from "./chromium.js";
export { freePort, type StaticServer, serveStatic } from "./serve.js";
