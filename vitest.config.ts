import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (src/**/*.test.ts); cross-Worker tests live in
// test/ and boot every Worker in one real workerd through Miniflare.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The JSON report lets CI print a plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-results.json" }]],
  },
});
