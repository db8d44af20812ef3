/**
 * Local wiring of the agent modes (SILOOS_AGENT_MODE), the one hook
 * system.ts calls. In service mode every agent is its own Miniflare Worker
 * (system.ts). In loader and namespace modes there is no agent Worker at all:
 * the router gets a Worker Loader, the CELL_CODE namespace of published
 * builds and the egress guard's GuardIssuer door (loader), or a stand-in dispatch
 * namespace (namespace); each agent folder is built and published after
 * boot, as `npm run publish:agent` does in production.
 */
import { join } from "node:path";
import type { Miniflare, V4WorkerOptions as WorkerOptions } from "miniflare";
import type { AgentMode } from "../../src/contracts/cell.ts";
import type { Registry } from "../../src/registry/schema.ts";
import { buildAgentCode, publishAgentCode } from "./agent-code.ts";
import { bundleWorker } from "./bundle.ts";

const CELL_CODE_ID = "siloos-cell-code";
const STAND_IN = "siloos-agents-namespace";

type CellBindings = Pick<WorkerOptions, "workerLoaders" | "kvNamespaces" | "serviceBindings">;

export interface CellWiring {
  mode: AgentMode;
  /** Give a Worker (the router, a test driver) this mode's bindings; outside service mode, no per-agent bindings. */
  apply(worker: WorkerOptions): WorkerOptions;
  /** Extra Workers this mode needs (the stand-in namespace). */
  workers: WorkerOptions[];
  /** After boot: publish every agent folder's build where the mode reads it. */
  publish(mf: Miniflare): Promise<void>;
}

export async function cellWiring(
  mode: AgentMode,
  dirs: readonly string[],
  registry: Registry,
  opts: { root: string; compatibilityDate: string },
): Promise<CellWiring> {
  const egress = { EGRESS: { name: "siloos-egress", entrypoint: "GuardIssuer" } };
  const code = { CELL_CODE: CELL_CODE_ID };
  // Publish through whichever Worker binds CELL_CODE.
  const publishVia = (holder: string) => async (mf: Miniflare) => {
    const kv = await mf.getKVNamespace("CELL_CODE", holder);
    for (const dir of dirs) await publishAgentCode(kv, await buildAgentCode(dir, registry));
  };
  if (mode === "service") return { mode, apply: withBindings(mode, {}), workers: [], publish: async () => {} };
  if (mode === "loader") {
    const apply = withBindings(mode, { workerLoaders: { LOADER: {} }, kvNamespaces: code, serviceBindings: egress });
    return { mode, apply, workers: [], publish: publishVia("siloos-router") };
  }
  const standIn = await bundleWorker(join(opts.root, "tools/local/stand-in-namespace.ts"), registry);
  return {
    mode,
    // The stand-in answers get() over RPC; the router's code is the same as against the real binding.
    apply: withBindings(mode, { serviceBindings: { DISPATCHER: { name: STAND_IN, entrypoint: "StandInNamespace" } } }),
    workers: [
      {
        name: STAND_IN,
        compatibilityDate: opts.compatibilityDate,
        modules: [{ type: "ESModule", path: standIn.path, contents: standIn.contents }],
        workerLoaders: { LOADER: {} },
        kvNamespaces: code,
        serviceBindings: egress,
      },
    ],
    publish: publishVia(STAND_IN),
  };
}

function withBindings(mode: AgentMode, cell: CellBindings) {
  return (worker: WorkerOptions): WorkerOptions => {
    const services = Object.entries(worker.serviceBindings ?? {}).filter(
      ([name]) => mode === "service" || !name.startsWith("AGENT_"),
    );
    return {
      ...worker,
      ...(cell.workerLoaders ? { workerLoaders: { ...worker.workerLoaders, ...cell.workerLoaders } } : {}),
      ...(cell.kvNamespaces
        ? {
            kvNamespaces: {
              ...(worker.kvNamespaces as Record<string, string>),
              ...(cell.kvNamespaces as Record<string, string>),
            },
          }
        : {}),
      serviceBindings: { ...Object.fromEntries(services), ...cell.serviceBindings },
      // The Worker's own vars win: a test may tell the router a mode it was not wired for.
      bindings: { SILOOS_AGENT_MODE: mode, ...worker.bindings },
    };
  };
}
