/**
 * The whole of SiloOS in one real workerd, through Miniflare: router, proxy
 * (with its Vault Durable Object), egress guard and every agent. Each Worker's
 * options are read from its own wrangler.toml (worker-options.ts); this file
 * adds only the local layer: secrets, the egress guard as the agents'
 * outbound service, fixture agents' bindings, test instruments. `npm run dev`, the
 * integration tests and the benchmark all start the system through here.
 */
import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions as WorkerOptions } from "miniflare";
import type { AgentMode } from "../../src/contracts/cell.ts";
import type { Registry } from "../../src/registry/schema.ts";
import { type Bundle, bundleWorker } from "./bundle.ts";
import { cellWiring } from "./cells.ts";
import type { LatencyModel } from "./latency.ts";
import { applyMigrations, applySqlFile } from "./migrate.ts";
import { prepareDatabase } from "./prepare-db.ts";
import { agentDirs, compileRegistry } from "./registry.ts";
import type { LocalSecrets } from "./secrets.ts";
import { type ConfiguredWorker, readWorkerConfig } from "./worker-options.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const ROUTER_CONFIG = join(ROOT, "wrangler.toml");
export const PROXY_CONFIG = join(ROOT, "src/proxy/wrangler.toml");
export const EGRESS_CONFIG = join(ROOT, "src/egress/wrangler.toml");
/** The router's compatibility date (for the bench's helper Workers). */
export const COMPATIBILITY_DATE: string = readWorkerConfig(ROUTER_CONFIG).options.compatibilityDate ?? "";

export interface SystemOptions {
  secrets: LocalSecrets;
  /** Extra agent folders (test fixtures), registered beside agents/. */
  extraAgents?: string[];
  /** Persist D1 and Durable Objects here; in memory when absent. */
  persistTo?: string;
  port?: number;
  host?: string;
  seed?: boolean;
  /** Extra plain bindings for the proxy (e.g. an LLM provider URL in tests). */
  proxyVars?: Record<string, string>;
  /** Extra plain bindings for the router (e.g. a short task lifetime in tests). */
  routerVars?: Record<string, string>;
  /**
   * Test instrumentation: put a wiretap Worker (scriptPath) between the router
   * and each named agent, and between that agent and the proxy.
   */
  tap?: { scriptPath: string; agents: string[] };
  /** Test instrumentation: host the VAULT class from another script. */
  vault?: { scriptPath: string; className: string };
  /** Test: run the proxy as deployed, without the local-development defaults (offline model, local outbox). */
  asDeployed?: boolean;
  /** How agents run (SILOOS_AGENT_MODE): service (default), loader or namespace. See tools/local/cells.ts. */
  agentMode?: AgentMode;
  /** Bench only: a fixed delay per D1 and Durable Object call (tools/local/latency.ts). */
  latency?: LatencyModel;
  /** Test instrumentation: a Worker with the router's cell bindings (scriptPath), to drive agents through the same seam. */
  cellDriver?: string;
  /** Profiling only (scripts/task-profile.ts): open the DevTools inspector on this port (0: any) for every Worker. */
  inspectorPort?: number;
  /** Profiling only: the Workers' console lines, instead of Miniflare's printing them. */
  onLog?: (log: { level: string; message: string }) => void;
}

/** Set only here, by the local launcher: lets the proxy fall back to its embedded fakes. */
const LOCAL_DEV = { SILOOS_LOCAL_DEV: "1" } as const;

export interface System {
  mf: Miniflare;
  url: URL;
  registry: Registry;
  /** The options every Worker runs with (the configs' plus the local layer). */
  workers: WorkerOptions[];
  agentMode: AgentMode;
  db(): Promise<D1Database>;
  dispose(): Promise<void>;
}

export async function startSystem(opts: SystemOptions): Promise<System> {
  const dirs = [...(await agentDirs(join(ROOT, "agents"))), ...(opts.extraAgents ?? [])];
  const registry = await compileRegistry(dirs);
  // Every Worker as its wrangler config describes it; the entry is the config's main.
  const [routerCfg, proxyCfg, egressCfg, ...agentCfgs] = [
    ROUTER_CONFIG,
    PROXY_CONFIG,
    EGRESS_CONFIG,
    ...dirs.map((d) => join(d, "wrangler.toml")),
  ].map(readWorkerConfig);
  const cells = await cellWiring(opts.agentMode ?? "service", dirs, registry, {
    root: ROOT,
    compatibilityDate: COMPATIBILITY_DATE,
  });
  // The bench's latency model wraps the Workers that hold D1 and Durable Object bindings (tools/local/latency.ts).
  const [router, proxy, egress, ...agents] = await Promise.all(
    [routerCfg!, proxyCfg!, egressCfg!, ...agentCfgs].map((w, i) =>
      bundleWorker(w.main, registry, i < 3 ? opts.latency : undefined),
    ),
  );
  const d1Id = d1IdOf(routerCfg!);
  const migrations = routerCfg!.migrationsDir ?? join(ROOT, "migrations");
  // Persisted state: migrated and seeded before the router listens (ready means ready).
  if (opts.persistTo)
    await prepareDatabase({
      root: ROOT,
      migrations,
      persistTo: opts.persistTo,
      d1Id,
      compatibilityDate: COMPATIBILITY_DATE,
      seed: opts.seed !== false,
    });
  const tapped = new Set(opts.tap?.agents ?? []);
  const instruments = await instrumentWorkers(opts, registry, d1Id);
  const module = (b: Bundle) => ({ modules: [{ type: "ESModule" as const, path: b.path, contents: b.contents }] });
  const workers: WorkerOptions[] = [
    cells.apply({
      ...routerCfg!.options,
      ...module(router!),
      serviceBindings: {
        ...routerCfg!.options.serviceBindings,
        // Local only: fixture agents are registered in tests but never in the deployed config.
        ...Object.fromEntries(
          registry.agents
            .filter((a) => tapped.has(a.name) || !(a.binding in (routerCfg!.options.serviceBindings ?? {})))
            .map((a) => [
              a.binding,
              tapped.has(a.name) ? { name: `tap-${a.name}`, entrypoint: "AgentTap" } : { name: a.name },
            ]),
        ),
      },
      // Secrets: `wrangler secret put` in production, .dev.vars (generated) locally.
      bindings: {
        ...routerCfg!.options.bindings,
        SILOOS_API_KEY: opts.secrets.SILOOS_API_KEY,
        SILOOS_ADMIN_KEY: opts.secrets.SILOOS_ADMIN_KEY,
        SILOOS_SIGNING_KEYS: opts.secrets.SILOOS_SIGNING_KEYS,
        SILOOS_OPERATOR_SECRET: opts.secrets.SILOOS_OPERATOR_SECRET,
        SILOOS_WIDGET_SECRET: opts.secrets.SILOOS_WIDGET_SECRET,
        SILOOS_WEBHOOK_SECRETS: opts.secrets.SILOOS_WEBHOOK_SECRETS,
        SILOOS_AUDIT_KEY: opts.secrets.SILOOS_AUDIT_KEY,
        ...opts.routerVars,
      },
    }),
    {
      ...proxyCfg!.options,
      ...module(proxy!),
      // SQLite-backed like the config's Vault (new_sqlite_classes): the audit journal needs it.
      ...(opts.vault
        ? {
            durableObjects: {
              ...proxyCfg!.options.durableObjects,
              VAULT: { className: opts.vault.className, scriptName: "test-vault", useSQLite: true },
            },
          }
        : {}),
      bindings: {
        ...proxyCfg!.options.bindings,
        SILOOS_VERIFY_JWKS: opts.secrets.SILOOS_VERIFY_JWKS,
        ...(opts.asDeployed ? {} : LOCAL_DEV),
        ...opts.proxyVars,
      },
    },
    { ...egressCfg!.options, ...module(egress!) },
    ...agentCfgs
      .filter(() => cells.mode === "service")
      .map((cfg, i): WorkerOptions => {
        const cell = cellOptions(cfg, agents[i]!);
        return tapped.has(cfg.name)
          ? { ...cell, serviceBindings: { PROXY: { name: `tap-${cfg.name}`, entrypoint: "ProxyTap" } } }
          : cell;
      }),
    ...cells.workers,
    ...(opts.cellDriver ? [cells.apply(await testDriver(opts.cellDriver, registry))] : []),
    ...instruments,
  ];
  // Miniflare 5 takes a new options shape; the v4 shape is the documented one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: opts.inspectorPort === undefined ? workers : workers.map((w) => ({ ...w, unsafeInspectorProxy: true })),
      ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort }),
      ...(opts.onLog ? { handleStructuredLogs: opts.onLog } : {}),
      host: opts.host ?? "127.0.0.1",
      port: opts.port ?? 0,
      ...(opts.persistTo ? { resourcePersistencePath: opts.persistTo } : {}),
    }),
  );
  const url = await mf.ready;
  const db = () => mf.getD1Database("DB", "siloos-router") as unknown as Promise<D1Database>;
  if (!opts.persistTo) {
    // In memory there is nothing to prepare ahead; callers get the URL only after this.
    await applyMigrations(await db(), migrations);
    if (opts.seed !== false) await applySqlFile(await db(), join(ROOT, "seed/demo.sql"));
  }
  await cells.publish(mf);
  return { mf, url, registry, workers, agentMode: cells.mode, db, dispose: () => mf.dispose() };
}

/** The D1 database id the Worker's DB binding names (all three share one database). */
function d1IdOf(w: ConfiguredWorker): string {
  const db = (w.options.d1Databases as Record<string, { id: string } | string> | undefined)?.DB;
  const id = typeof db === "string" ? db : db?.id;
  if (!id) throw new Error(`${w.name}: its wrangler config binds no DB`);
  return id;
}

/** Test-only Workers: wiretaps and a replacement vault host. Never used by dev. */
async function instrumentWorkers(opts: SystemOptions, registry: Registry, d1Id: string): Promise<WorkerOptions[]> {
  const out: WorkerOptions[] = [];
  if (opts.tap) {
    const tap = await bundleWorker(opts.tap.scriptPath, registry);
    for (const agent of opts.tap.agents) {
      out.push({
        name: `tap-${agent}`,
        compatibilityDate: COMPATIBILITY_DATE,
        modules: [{ type: "ESModule", path: tap.path, contents: tap.contents }],
        serviceBindings: { AGENT: { name: agent }, PROXY: { name: "siloos-proxy", props: { agent } } },
      });
    }
  }
  if (opts.vault) {
    const host = await bundleWorker(opts.vault.scriptPath, registry);
    out.push({
      name: "test-vault",
      compatibilityDate: COMPATIBILITY_DATE,
      modules: [{ type: "ESModule", path: host.path, contents: host.contents }],
      d1Databases: { DB: d1Id },
      durableObjects: {
        VAULT: { className: opts.vault.className, useSQLite: true },
        // The vault's lease of per-agent units comes from the proxy's AgentRates (src/vault/rate-lease.ts).
        AGENT_RATES: { className: "AgentRates", scriptName: "siloos-proxy", useSQLite: true },
      },
    });
  }
  return out;
}

/** Test-only: a Worker that opens cells exactly as the router does (it gets the router's cell bindings). */
async function testDriver(scriptPath: string, registry: Registry): Promise<WorkerOptions> {
  const driver = await bundleWorker(scriptPath, registry);
  return {
    name: "test-cell-driver",
    compatibilityDate: COMPATIBILITY_DATE,
    modules: [{ type: "ESModule", path: driver.path, contents: driver.contents }],
    serviceBindings: { PROXY: { name: "siloos-proxy", entrypoint: "RouterGate" } },
  };
}

/**
 * A padded cell: the agent's config gives it only the proxy, labelled with
 * its name (test/cell-config.test.ts holds that); locally, every outbound
 * fetch() goes to the egress guard.
 */
export function cellOptions(cfg: ConfiguredWorker, bundle: Bundle): WorkerOptions {
  return {
    ...cfg.options,
    modules: [{ type: "ESModule", path: bundle.path, contents: bundle.contents }],
    outboundService: { name: "siloos-egress", props: { agent: cfg.name } },
    // No shared cache: one agent must not leave data for another, or for its own next task.
    cacheAPI: false,
  };
}
