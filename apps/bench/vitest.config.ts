import { defineConfig } from "vitest/config";

// The CLI tests spawn whole benchmark runs (quick sizes) and a headless browser.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 600_000 } });
