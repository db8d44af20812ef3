import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// A unit test's runtime is in its name, so a new one cannot silently run in
// Node only:
//   src/**/*.test.ts          in Node and again inside workerd (one suite, both runtimes);
//   src/**/*.node.test.ts     in Node only (the file says why);
//   src/**/*.workerd.test.ts  in workerd only (Workers-only APIs, e.g. crypto.subtle.timingSafeEqual).
// test/**/*.test.ts are the cross-Worker tests: Node drives a real workerd.
const UNIT = "src/**/*.test.ts";
const NODE_ONLY = "src/**/*.node.test.ts";
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
        resolve: {
          alias: {
            "cloudflare:workers": new URL("./test/support/cloudflare-workers-shim.ts", import.meta.url).pathname,
          },
        },
        test: {
          name: "node",
          include: [UNIT, "test/**/*.test.ts"],
          exclude: [WORKERD_ONLY],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        // workerd: every unit test but the Node-only ones, inside the Workers
        // runtime (the Workers Vitest integration). Its pinned workerd is a
        // little older than wrangler's, hence the earlier compatibility date.
        plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-11-09" } })],
        test: { name: "workerd", include: [UNIT], exclude: [NODE_ONLY] },
      },
    ],
  },
});
