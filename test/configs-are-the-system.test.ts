import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { ROOT } from "../tools/local/system.ts";
import { workerConfigs } from "../tools/local/workers.ts";
import { useSystem } from "./support/system.ts";

/**
 * The deployable config is the tested config: every Worker the local system
 * runs has exactly what its wrangler.toml says (compatibility date and flags,
 * vars, D1, Durable Objects, service bindings, assets, crons, migrations),
 * plus only the local layer: its secrets (.dev.vars.example names which
 * Worker holds each), the local-development flag and agent mode, fixture
 * agents' bindings in the router, and, for agents, the egress guard as
 * outbound service and no cache.
 */
const t = useSystem();
const configs = (await workerConfigs({ fixtures: true })).filter(
  (w) => w.kind !== "fixture" || ["hostile-agent", "puppet-agent"].includes(w.name),
);

/** `NAME='…'  # router: …` lines of .dev.vars.example: which Worker each secret belongs to. */
async function secretsOf(worker: "router" | "proxy"): Promise<string[]> {
  const text = await readFile(join(ROOT, ".dev.vars.example"), "utf8");
  return [...text.matchAll(/^([A-Z_]+)=.*#\s*(\w+):/gm)].filter((m) => m[2] === worker).map((m) => m[1]!);
}

const FROM_CONFIG = [
  "compatibilityDate",
  "compatibilityFlags",
  "d1Databases",
  "durableObjects",
  "cronTriggers",
  "assets",
  "ratelimits",
] as const;

describe("each Worker runs as its wrangler config says", () => {
  it.each(configs.map((c) => [c.name, c]))("%s", async (name, cfg) => {
    const fromConfig = unstable_getMiniflareWorkerOptions(cfg.config).workerOptions as Record<string, any>;
    // Vars as written in the config (wrangler's options would add any .dev.vars beside it).
    fromConfig.bindings = unstable_readConfig({ config: cfg.config }).vars;
    const running = t.sys.workers.find((w) => w.name === name) as Record<string, any> | undefined;
    expect(running, `${name} is not running`).toBeDefined();
    for (const key of FROM_CONFIG) expect(running![key], `${name}: ${key}`).toEqual(fromConfig[key]);

    // Vars: the config's, with the config's values; extra plain bindings only the local layer's.
    // The router is told the local agent mode (tools/local/cells.ts); the proxy, that it runs locally.
    const localOnly =
      cfg.kind === "router"
        ? [...(await secretsOf("router")), "SILOOS_AGENT_MODE"]
        : cfg.kind === "proxy"
          ? [...(await secretsOf("proxy")), "SILOOS_LOCAL_DEV"]
          : [];
    const vars = running!.bindings ?? {};
    expect(vars).toMatchObject(fromConfig.bindings ?? {});
    expect(Object.keys(vars).filter((k) => !(k in (fromConfig.bindings ?? {})) && !localOnly.includes(k))).toEqual([]);

    // Service bindings: the config's, unchanged; the router adds only the registered fixture agents.
    const services = running!.serviceBindings ?? {};
    expect(services).toMatchObject(fromConfig.serviceBindings ?? {});
    const fixtures = t.sys.registry.agents
      .filter((a) => !configs.some((c) => c.kind === "agent" && c.name === a.name))
      .map((a) => a.binding);
    expect(
      Object.keys(services).filter(
        (k) => !(k in (fromConfig.serviceBindings ?? {})) && !(cfg.kind === "router" && fixtures.includes(k)),
      ),
    ).toEqual([]);

    // What the running Worker's env really holds: the same names, nothing more.
    const env = await t.sys.mf.getBindings(name);
    const expected = [
      ...Object.keys(vars),
      ...Object.keys(services),
      ...Object.keys(fromConfig.d1Databases ?? {}),
      ...Object.keys(fromConfig.durableObjects ?? {}),
      ...Object.keys(fromConfig.ratelimits ?? {}),
      ...Object.keys(fromConfig.queueProducers ?? {}),
    ];
    if (fromConfig.assets?.binding) expected.push(fromConfig.assets.binding);
    expect(Object.keys(env).sort()).toEqual(expected.sort());

    // Agents: the proxy and nothing else; outbound fetch() goes to the egress guard (local only).
    if (cfg.kind === "agent" || cfg.kind === "fixture") {
      expect(running!.outboundService).toEqual({ name: "siloos-egress", props: { agent: name } });
      expect(running!.cacheAPI).toBe(false);
    } else expect(running!.outboundService).toBeUndefined();
  });

  it("D1 holds exactly the migrations the configs name, and every Durable Object class is in a SQLite migration", async () => {
    const dirs = new Set<string>();
    for (const cfg of configs) {
      const config = unstable_readConfig({ config: cfg.config }) as unknown as {
        d1_databases: Array<{ binding: string; migrations_dir?: string }>;
        durable_objects: { bindings: Array<{ name: string; class_name: string }> };
        migrations: Array<{ new_sqlite_classes?: string[] }>;
      };
      for (const d of config.d1_databases) if (d.migrations_dir) dirs.add(join(cfg.config, "..", d.migrations_dir));
      const sqlite = config.migrations.flatMap((m) => m.new_sqlite_classes ?? []);
      for (const b of config.durable_objects.bindings)
        expect(sqlite, `${cfg.name}: ${b.class_name}`).toContain(b.class_name);
    }
    expect([...dirs]).toEqual([join(ROOT, "migrations")]);
    const files = (await readdir(join(ROOT, "migrations"))).filter((f) => f.endsWith(".sql")).sort();
    const applied = await (await t.sys.db())
      .prepare("SELECT name FROM d1_migrations ORDER BY id")
      .all<{ name: string }>();
    expect(applied.results.map((r) => r.name)).toEqual(files);
  });
});
