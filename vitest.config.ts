import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Unit tests of pure modules that also run inside Workers: same suite, both runtimes. */
const RUNTIME_NEUTRAL = ["src/keys/**/*.test.ts", "src/scan/**/*.test.ts", "src/vault/**/*.test.ts", "src/widget/**/*.test.ts", "src/proxy/**/*.test.ts"];
/** Tests of code that uses Workers-only APIs (e.g. crypto.subtle.timingSafeEqual). */
const WORKERD_ONLY = "src/**/*.workerd.test.ts";

export default defineConfig({
  test: {
    // The JSON report lets CI print a plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-results.json" }]],
    projects: [
      {
        // Node: unit tests, and the cross-Worker tests in test/ that boot every
        // Worker in one real workerd through Miniflare (and drive Chromium).
        // Worker modules imported in Node for their pure parts: base classes only.
        resolve: { alias: { "cloudflare:workers": new URL("./test/support/cloudflare-workers-shim.ts", import.meta.url).pathname } },
        test: {
          name: "node",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [WORKERD_ONLY],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        // workerd: the runtime-neutral unit tests again, inside the Workers
        // runtime (the Workers Vitest integration). Its pinned workerd is a
        // little older than wrangler's, hence the earlier compatibility date.
        plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-11-09" } })],
        test: { name: "workerd", include: [...RUNTIME_NEUTRAL, WORKERD_ONLY] },
      },
    ],
  },
});
