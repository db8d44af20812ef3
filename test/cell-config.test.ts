import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { CELL_LIMITS } from "../src/contracts/cell.ts";
import { agentDirs, compileRegistry } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";
import { routerAgentBindings } from "../tools/local/wrangler-bindings.ts";
import { HOSTILE } from "./support/system.ts";

/** Every kind of binding wrangler can give a Worker, besides services. */
const OTHER_BINDINGS = [
  "d1_databases",
  "kv_namespaces",
  "r2_buckets",
  "queues",
  "analytics_engine_datasets",
  "vectorize",
  "hyperdrive",
  "send_email",
  "mtls_certificates",
  "workflows",
  "dispatch_namespaces",
  "secrets_store_secrets",
  "pipelines",
  "worker_loaders",
] as const;

/** undefined, [], {} or an object of only empty things (e.g. queues: { producers: [], consumers: [] }). */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v).every(isEmpty);
  return false;
}

const dirs = [...(await agentDirs(join(ROOT, "agents"))), HOSTILE];

describe("every agent's wrangler.toml is a padded cell", () => {
  it.each(dirs.map((d) => [basename(d), d]))(
    "%s binds the proxy, labelled with its own name, and nothing else",
    (name, dir) => {
      const config = unstable_readConfig({ config: join(dir, "wrangler.toml") }) as unknown as Record<
        string,
        unknown
      > & {
        name: string;
        services: unknown[];
        vars: Record<string, unknown>;
        durable_objects: { bindings: unknown[] };
        ai?: unknown;
        browser?: unknown;
        images?: unknown;
        assets?: unknown;
        limits?: { cpu_ms?: number; subrequests?: number };
      };
      expect(config.name).toBe(name);
      expect(config.services).toEqual([{ binding: "PROXY", service: "siloos-proxy", props: { agent: name } }]);
      for (const kind of OTHER_BINDINGS) expect(isEmpty(config[kind]), `${name}: ${kind}`).toBe(true);
      expect(config.durable_objects.bindings).toEqual([]);
      expect(config.vars).toEqual({});
      expect([config.ai, config.browser, config.images, config.assets]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      // CPU and subrequests are capped in every mode (the loader and the dispatch pass the same ceiling).
      expect(config.limits?.cpu_ms).toBeGreaterThan(0);
      expect(config.limits!.cpu_ms).toBeLessThanOrEqual(CELL_LIMITS.cpuMs);
      expect(config.limits?.subrequests).toBeGreaterThan(0);
      expect(config.limits!.subrequests).toBeLessThanOrEqual(CELL_LIMITS.subRequests);
    },
  );
});

describe("the compiled registry is the grant, and it is in sync with the agent folders", () => {
  it("src/registry/registry.generated.json matches agents/ (run npm run build:registry)", async () => {
    const compiled = await compileRegistry(await agentDirs(join(ROOT, "agents")));
    const committed = JSON.parse(await readFile(join(ROOT, "src/registry/registry.generated.json"), "utf8"));
    expect(committed).toEqual(compiled);
  });

  it("the router's wrangler.toml binds exactly the registered agents", async () => {
    const compiled = await compileRegistry(await agentDirs(join(ROOT, "agents")));
    const toml = await readFile(join(ROOT, "wrangler.toml"), "utf8");
    expect(routerAgentBindings(toml, compiled)).toBe(toml);
  });

  it("refuses an agent whose escalation or template is not backed by a grant", async () => {
    await expect(compileRegistry([HOSTILE, join(ROOT, "agents/refund-agent")])).rejects.toThrow(
      /manager-agent is not an agent/,
    );
  });
});
