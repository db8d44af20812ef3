/**
 * The whole of SiloOS in one real workerd, through Miniflare: router, proxy
 * (with its Vault Durable Object), egress guard and every agent, wired with
 * the same bindings their wrangler.toml files declare. `npm run dev`, the
 * integration tests and the benchmark all start the system through here.
 */
import type { LatencyModel } from "./latency.ts";
import { basename, join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions as WorkerOptions } from "miniflare";
import type { AgentMode } from "../contracts/cell.ts";
import type { Registry } from "../registry/schema.ts";
import { bundleWorker } from "./bundle.ts";
import { cellWiring } from "./cells.ts";
import { applyMigrations, applySqlFile } from "./migrate.ts";
import { agentDirs, compileRegistry } from "./registry.ts";
import type { LocalSecrets } from "./secrets.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const COMPATIBILITY_DATE = "2026-11-17";
const D1_ID = "siloos";

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
  /** How agents run (SILOOS_AGENT_MODE): service (default), loader or namespace. See src/local/cells.ts. */
  agentMode?: AgentMode;
  /** Bench only: a fixed delay per D1 and Durable Object call (src/local/latency.ts). */
  latency?: LatencyModel;
  /** Test instrumentation: a Worker with the router's cell bindings (scriptPath), to drive agents through the same seam. */
  cellDriver?: string;
}

export interface System {
  mf: Miniflare;
  url: URL;
  registry: Registry;
  agentMode: AgentMode;
  db(): Promise<D1Database>;
  dispose(): Promise<void>;
}

export async function startSystem(opts: SystemOptions): Promise<System> {
  const dirs = [...(await agentDirs(join(ROOT, "agents"))), ...(opts.extraAgents ?? [])];
  const registry = await compileRegistry(dirs);
  const cells = await cellWiring(opts.agentMode ?? "service", dirs, registry, { root: ROOT, compatibilityDate: COMPATIBILITY_DATE });
  const [router, proxy, egress, ...agents] = await Promise.all([
    bundleWorker(join(ROOT, "src/router/index.ts"), registry, opts.latency),
    bundleWorker(join(ROOT, "src/proxy/index.ts"), registry, opts.latency),
    bundleWorker(join(ROOT, "src/egress/index.ts"), registry, opts.latency),
    ...dirs.map((d) => bundleWorker(join(d, "main.ts"), registry)),
  ]);
  const tapped = new Set(opts.tap?.agents ?? []);
  const instruments = await instrumentWorkers(opts, registry);
  const common = { compatibilityDate: COMPATIBILITY_DATE } as const;
  const workers: WorkerOptions[] = [
    cells.apply({
      ...common,
      name: "siloos-router",
      modules: [{ type: "ESModule", path: router!.path, contents: router!.contents }],
      // The console and the widget: static assets served before the Worker runs.
      assets: { directory: join(ROOT, "src/router/public"), binding: "ASSETS", routerConfig: { has_user_worker: true } },
      d1Databases: { DB: D1_ID },
      // As declared in wrangler.toml's [[ratelimits]].
      ratelimits: {
        WIDGET_MESSAGES: { namespace_id: "1001", simple: { limit: 10, period: 60 } },
        WIDGET_STREAMS: { namespace_id: "1002", simple: { limit: 5, period: 60 } },
        EDGE_REFUSALS: { namespace_id: "1003", simple: { limit: 100, period: 60 } },
      },
      serviceBindings: {
        PROXY: { name: "siloos-proxy", entrypoint: "KernelGate" },
        ...Object.fromEntries(
          registry.agents.map((a) => [a.binding, tapped.has(a.name) ? { name: `tap-${a.name}`, entrypoint: "AgentTap" } : { name: a.name }]),
        ),
      },
      bindings: {
        SILOOS_API_KEY: opts.secrets.SILOOS_API_KEY,
        SILOOS_ADMIN_KEY: opts.secrets.SILOOS_ADMIN_KEY,
        SILOOS_SIGNING_KEYS: opts.secrets.SILOOS_SIGNING_KEYS,
        SILOOS_OPERATOR_SECRET: opts.secrets.SILOOS_OPERATOR_SECRET,
        SILOOS_WEBHOOK_SECRETS: opts.secrets.SILOOS_WEBHOOK_SECRETS,
        SILOOS_AUDIT_KEY: opts.secrets.SILOOS_AUDIT_KEY,
        SILOOS_TASK_TTL_SECONDS: "900",
        ...opts.routerVars,
      },
    }),
    {
      ...common,
      name: "siloos-proxy",
      modules: [{ type: "ESModule", path: proxy!.path, contents: proxy!.contents }],
      d1Databases: { DB: D1_ID },
      // SQLite-backed, as the proxy's wrangler.toml migration declares (new_sqlite_classes): the audit journal needs it.
      durableObjects: { VAULT: opts.vault ? { className: opts.vault.className, scriptName: "test-vault", useSQLite: true } : { className: "Vault", useSQLite: true } },
      bindings: { SILOOS_VERIFY_JWKS: opts.secrets.SILOOS_VERIFY_JWKS, ...opts.proxyVars },
    },
    {
      ...common,
      name: "siloos-egress",
      modules: [{ type: "ESModule", path: egress!.path, contents: egress!.contents }],
      d1Databases: { DB: D1_ID },
    },
    ...dirs.filter(() => cells.mode === "service").map((dir, i): WorkerOptions => {
      const name = basename(dir);
      const cell = cellOptions(name, agents[i]!.path, agents[i]!.contents);
      return tapped.has(name) ? { ...cell, serviceBindings: { PROXY: { name: `tap-${name}`, entrypoint: "ProxyTap" } } } : cell;
    }),
    ...cells.workers,
    ...(opts.cellDriver ? [cells.apply(await testDriver(opts.cellDriver, registry))] : []),
    ...instruments,
  ];
  // Miniflare 5 takes a new options shape; the v4 shape is the documented one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers,
      host: opts.host ?? "127.0.0.1",
      port: opts.port ?? 0,
      ...(opts.persistTo ? { resourcePersistencePath: opts.persistTo } : {}),
    }),
  );
  const url = await mf.ready;
  const db = () => mf.getD1Database("DB", "siloos-router") as unknown as Promise<D1Database>;
  await applyMigrations(await db(), join(ROOT, "migrations"));
  if (opts.seed !== false) await applySqlFile(await db(), join(ROOT, "seed/demo.sql"));
  await cells.publish(mf);
  return { mf, url, registry, agentMode: cells.mode, db, dispose: () => mf.dispose() };
}

/** Test-only Workers: wiretaps and a replacement vault host. Never used by dev. */
async function instrumentWorkers(opts: SystemOptions, registry: Registry): Promise<WorkerOptions[]> {
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
      d1Databases: { DB: D1_ID },
      durableObjects: { VAULT: { className: opts.vault.className, useSQLite: true } },
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
    serviceBindings: { PROXY: { name: "siloos-proxy", entrypoint: "KernelGate" } },
  };
}

/**
 * A padded cell: the agent's only binding is the proxy, labelled with the
 * agent's name; every outbound fetch() goes to the egress guard.
 */
export function cellOptions(name: string, path: string, contents: string): WorkerOptions {
  return {
    name,
    compatibilityDate: COMPATIBILITY_DATE,
    modules: [{ type: "ESModule", path, contents }],
    serviceBindings: { PROXY: { name: "siloos-proxy", props: { agent: name } } },
    outboundService: { name: "siloos-egress", props: { agent: name } },
    // No shared cache: one agent must not leave data for another, or for its own next task.
    cacheAPI: false,
  };
}
