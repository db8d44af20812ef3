/**
 * The deployable configs of the loader and namespace modes: derived from the
 * committed wrangler.toml files (tools/local/mode-configs.ts), read back by
 * wrangler's own config reader, and accepted by `wrangler deploy --dry-run`
 * (namespace agents with --dispatch-namespace), the same check a deploy runs.
 */
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { CELL_LIMITS } from "../src/contracts/cell.ts";
import { AGENT_NAMESPACE, namespaceAgentConfig, routerConfigFor } from "../tools/local/mode-configs.ts";
import { agentDirs } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";

const run = promisify(execFile);
const dirs = await agentDirs(join(ROOT, "agents"));
// Written beside the originals so every relative path (main, assets, migrations) still holds.
const routerPath = (mode: string) => join(ROOT, `.wrangler-test-${mode}-${process.pid}.toml`);
const agentPath = (dir: string) => join(dir, `.wrangler-test-namespace-${process.pid}.toml`);
type Config = Record<string, any>;
const read = (path: string) => unstable_readConfig({ config: path }) as unknown as Config;

beforeAll(async () => {
  const router = await readFile(join(ROOT, "wrangler.toml"), "utf8");
  for (const mode of ["loader", "namespace"] as const) await writeFile(routerPath(mode), routerConfigFor(mode, router));
  for (const dir of dirs)
    await writeFile(agentPath(dir), namespaceAgentConfig(await readFile(join(dir, "wrangler.toml"), "utf8")));
});
afterAll(async () => {
  await Promise.all(
    [...["loader", "namespace"].map(routerPath), ...dirs.map(agentPath)].map((p) => rm(p, { force: true })),
  );
});

/** wrangler deploy --dry-run: bundles, validates the config and lists the bindings, without an account. */
async function dryRun(config: string, ...extra: string[]): Promise<string> {
  const { stdout } = await run(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "-c", config, "--outdir", join(ROOT, `.wrangler/tmp/dry-${basename(config)}`), ...extra],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    },
  );
  return stdout;
}

describe("loader mode's router config", () => {
  it("keeps the router's own bindings, drops the per-agent ones, adds the loader, the builds and the guard's door", () => {
    const c = read(routerPath("loader"));
    expect(c.worker_loaders).toEqual([{ binding: "LOADER" }]);
    expect(c.kv_namespaces.map((k: Config) => k.binding)).toEqual(["CELL_CODE"]);
    expect(c.services).toEqual([
      { binding: "PROXY", service: "siloos-proxy", entrypoint: "RouterGate" },
      { binding: "EGRESS", service: "siloos-egress", entrypoint: "GuardIssuer" },
    ]);
    expect(c.vars).toMatchObject({ SILOOS_AGENT_MODE: "loader" });
    expect(c.d1_databases.map((d: Config) => d.binding)).toEqual(["DB"]);
  });
});

describe("namespace mode's configs", () => {
  it("the router dispatches through the namespace with the egress guard as outbound Worker (agent, task)", () => {
    const c = read(routerPath("namespace"));
    expect(c.dispatch_namespaces).toEqual([
      {
        binding: "DISPATCHER",
        namespace: AGENT_NAMESPACE,
        outbound: { service: "siloos-egress", parameters: ["agent", "task"] },
      },
    ]);
    expect(c.services).toEqual([{ binding: "PROXY", service: "siloos-proxy", entrypoint: "RouterGate" }]);
    expect(c.vars).toMatchObject({ SILOOS_AGENT_MODE: "namespace" });
  });

  it.each(dirs.map((d) => [basename(d), d]))(
    "%s as a user Worker has no binding at all, and its limits",
    (name, dir) => {
      const c = read(agentPath(dir));
      expect(c.name).toBe(name);
      for (const kind of [
        "services",
        "d1_databases",
        "kv_namespaces",
        "r2_buckets",
        "dispatch_namespaces",
        "worker_loaders",
      ])
        expect(c[kind] ?? [], kind).toEqual([]);
      expect(c.queues.producers).toEqual([]);
      expect(c.durable_objects.bindings).toEqual([]);
      expect(c.vars).toEqual({});
      expect(c.limits.cpu_ms).toBeLessThanOrEqual(CELL_LIMITS.cpuMs);
      expect(c.limits.subrequests).toBeLessThanOrEqual(CELL_LIMITS.subRequests);
    },
  );
});

describe("wrangler deploy --dry-run accepts every generated config", () => {
  it("the routers (loader, namespace) and each agent into the dispatch namespace", async () => {
    const [loader, namespace, ...agents] = await Promise.all([
      dryRun(routerPath("loader")),
      dryRun(routerPath("namespace")),
      ...dirs.map((d) => dryRun(agentPath(d), "--dispatch-namespace", AGENT_NAMESPACE)),
    ]);
    expect(loader).toMatch(/env\.LOADER\s+Worker Loader/);
    expect(loader).toMatch(/env\.EGRESS \(siloos-egress#GuardIssuer\)/);
    expect(loader).not.toMatch(/env\.AGENT_/);
    expect(namespace).toMatch(/env\.DISPATCHER \(siloos-agents \(outbound -> siloos-egress\)\)\s+Dispatch Namespace/);
    for (const out of agents) expect(out).toContain("No bindings found.");
  }, 180_000);
});
