import { defineConfig } from "vitest/config";

// Only the TypeScript tests: assembly/__tests__/*.spec.ts are as-pect specs run by `asp`.
export default defineConfig({ test: { include: ["test/**/*.test.ts"] } });
