/**
 * Bundles each Worker for workerd with esbuild (the same bundler wrangler
 * uses). The registry module is replaced by the registry compiled for this
 * system, so a test system can include fixture agents without touching the
 * shipped one.
 */
import { build, type Plugin } from "esbuild";
import type { Registry } from "../../src/registry/schema.ts";

export interface Bundle {
  path: string;
  contents: string;
}

export async function bundleWorker(entry: string, registry: Registry): Promise<Bundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    loader: { ".md": "text" },
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
      b.onResolve({ filter: /registry\.generated\.json$/ }, (args) => ({ path: args.path, namespace: "siloos-registry" }));
      b.onLoad({ filter: /.*/, namespace: "siloos-registry" }, () => ({ contents: JSON.stringify(registry), loader: "json" }));
    },
  };
}
