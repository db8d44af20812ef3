import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT } from "../tools/local/system.ts";
import { AGENT_GZIP_BUDGET_KIB, workerConfigs } from "../tools/local/workers.ts";

/**
 * An agent is loaded for every step of every task: its bundle is the SDK and
 * its procedure, not a validation library. Tool schemas are JSON Schema
 * computed when the registry is built (src/registry/tools.ts).
 * (`npm run deploy -- --dry-run` checks the same budget on wrangler's own bundle.)
 */
const agents = (await workerConfigs({ fixtures: true })).filter((w) => w.kind === "agent" || w.kind === "fixture");

describe("an agent's bundle is small", () => {
  it.each(agents.map((a) => [a.name, a.config]))("%s: no zod inside, within the gzip budget", async (_name, config) => {
    const result = await build({
      entryPoints: [join(config, "../main.ts")],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*"],
      loader: { ".md": "text" },
      logLevel: "silent",
      absWorkingDir: ROOT,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.includes("node_modules/"))).toEqual([]);
    // The registry's tool catalogue only: no agent entry (with its procedure) rides along.
    expect(result.outputFiles[0]!.text).not.toMatch(/"AGENT_[A-Z_]+"/); // a registry binding name, quoted
    const gzipKiB = gzipSync(result.outputFiles[0]!.contents).length / 1024;
    expect(gzipKiB).toBeLessThanOrEqual(AGENT_GZIP_BUDGET_KIB);
  });
});
