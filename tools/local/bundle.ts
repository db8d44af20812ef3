/**
 * Bundles each Worker for workerd with esbuild (the same bundler wrangler
 * uses). The registry module is replaced by the registry compiled for this
 * system, so a test system can include fixture agents without touching the
 * shipped one.
 */
import { dirname } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import type { Registry } from "../../src/registry/schema.ts";
import type { LatencyModel } from "./latency.ts";

export interface Bundle {
  path: string;
  contents: string;
}

/** What every Worker bundle shares: ESM for workerd, `.md` as text (as wrangler's `Text` rule). */
const workerdBuild = {
  bundle: true,
  write: false,
  format: "esm",
  platform: "browser",
  target: "es2024",
  conditions: ["workerd", "worker", "browser"],
  external: ["cloudflare:*"],
  loader: { ".md": "text" },
} as const satisfies BuildOptions;

/** `latency`: bench only, wrap the Worker's exports in the latency model (tools/local/latency.ts). */
export async function bundleWorker(entry: string, registry: Registry, latency?: LatencyModel): Promise<Bundle> {
  if (latency) return bundleWithLatency(entry, registry, latency);
  const result = await build({
    entryPoints: [entry],
    ...workerdBuild,
    outfile: `${entry}.bundle.js`,
    logLevel: "silent",
    plugins: [registryPlugin(registry)],
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild produced nothing for ${entry}`);
  return { path: out.path, contents: out.text };
}

function registryPlugin(registry: Registry): Plugin {
  return {
    name: "siloos-registry",
    setup(b) {
      b.onResolve({ filter: /registry\.generated\.json$/ }, (args) => ({
        path: args.path,
        namespace: "siloos-registry",
      }));
      b.onLoad({ filter: /.*/, namespace: "siloos-registry" }, () => ({
        contents: JSON.stringify(registry),
        loader: "json",
      }));
    },
  };
}

/** The entry's classes and default export, re-exported through the latency model's wrappers. */
async function bundleWithLatency(entry: string, registry: Registry, latency: LatencyModel): Promise<Bundle> {
  const probe = await build({
    entryPoints: [entry],
    ...workerdBuild,
    outfile: `${entry}.probe.js`,
    metafile: true,
    logLevel: "silent",
    plugins: [registryPlugin(registry)],
  });
  const exports = Object.values(probe.metafile.outputs)[0]?.exports ?? [];
  const shim = JSON.stringify(new URL("./latency.ts", import.meta.url).pathname);
  const model = JSON.stringify(latency);
  const lines = [
    `import * as real from ${JSON.stringify(entry)};`,
    `import { latencyClass, latencyDefault } from ${shim};`,
    `export * from ${JSON.stringify(entry)};`,
  ];
  for (const name of exports) {
    if (name === "default") lines.push(`export default latencyDefault(real.default, ${model});`);
    else
      lines.push(
        `export const ${name} = typeof real.${name} === "function" && /^class\\b/.test(String(real.${name})) ? latencyClass(real.${name}, ${model}) : real.${name};`,
      );
  }
  const result = await build({
    stdin: { contents: lines.join("\n"), resolveDir: dirname(entry), sourcefile: `${entry}.latency.ts`, loader: "ts" },
    ...workerdBuild,
    outfile: `${entry}.latency.bundle.js`,
    logLevel: "silent",
    plugins: [registryPlugin(registry)],
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild produced nothing for ${entry}`);
  return { path: out.path, contents: out.text };
}
