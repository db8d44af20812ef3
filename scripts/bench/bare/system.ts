/**
 * The bare chain in a workerd of its own, without wrangler: router → agent →
 * proxy (+ one Durable Object per task), sharing one local D1 that gets the
 * same migrations as SiloOS. Bundled with the same esbuild settings.
 * The unit-cost probe Worker (../probe-worker.ts) rides along: it needs a D1
 * with the same schema, a Durable Object and a Vault of its own, and takes
 * no part in tasks.
 */
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import type { Registry } from "../../../src/registry/schema.ts";
import { bundleWorker } from "../../../tools/local/bundle.ts";
import type { LatencyModel } from "../../../tools/local/latency.ts";
import { applyMigrations } from "../../../tools/local/migrate.ts";
import { COMPATIBILITY_DATE, ROOT } from "../../../tools/local/system.ts";

export interface BareSystem {
  mf: Miniflare;
  url: URL;
  db(): Promise<D1Database>;
  dispose(): Promise<void>;
}

/** `inspectorPort`: expose the isolates to a CPU profiler (investigations only). */
/** `latency`: the same delay per D1 and Durable Object call as the SiloOS system gets (tools/local/latency.ts). */
/** `floor`: the floor chain (bare + one audit-row write a call, see proxy.ts) instead of bare. */
export async function startBare(
  registry: Registry,
  opts: { inspectorPort?: number; latency?: LatencyModel; floor?: boolean } = {},
): Promise<BareSystem> {
  const [router, agent, proxy, probe] = await Promise.all(
    ["router.ts", "agent.ts", "proxy.ts", "../probe-worker.ts"].map((f) =>
      bundleWorker(join(import.meta.dirname, f), registry, f.startsWith("..") ? undefined : opts.latency),
    ),
  );
  const common = { compatibilityDate: COMPATIBILITY_DATE } as const;
  const mod = (b: { path: string; contents: string } | undefined) => [
    { type: "ESModule" as const, path: b!.path, contents: b!.contents },
  ];
  const workers: V4WorkerOptions[] = [
    // First worker: dispatchFetch goes here, as with siloos-router.
    {
      ...common,
      name: "bare-router",
      modules: mod(router),
      d1Databases: { DB: "bare" },
      serviceBindings: { PROXY: { name: "bare-proxy" }, AGENT: { name: "bare-agent" } },
    },
    { ...common, name: "bare-agent", modules: mod(agent), serviceBindings: { PROXY: { name: "bare-proxy" } } },
    {
      ...common,
      name: "bare-proxy",
      modules: mod(proxy),
      d1Databases: { DB: "bare" },
      durableObjects: { STATE: "BareState" },
      ...(opts.floor ? { bindings: { FLOOR: "1" } } : {}),
    },
    {
      ...common,
      name: "bench-probe",
      modules: mod(probe),
      d1Databases: { DB: "bare" },
      durableObjects: {
        STATE: { className: "BareState", scriptName: "bare-proxy" },
        VAULT: { className: "Vault", useSQLite: true },
      },
    },
  ];
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
      workers,
    }),
  );
  const url = await mf.ready;
  const db = () => mf.getD1Database("DB", "bare-router") as unknown as Promise<D1Database>;
  await applyMigrations(await db(), join(ROOT, "migrations"));
  return { mf, url, db, dispose: () => mf.dispose() };
}
