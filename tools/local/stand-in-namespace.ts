/**
 * A stand-in for a Workers for Platforms dispatch namespace (dispatch
 * namespaces do not run locally). It implements the binding's
 * `get(name, args, { outbound, limits })` over RPC as the platform does: the
 * named user Worker's code (here: its published build), no bindings of its
 * own, its outbound traffic sent to the egress guard with the dispatch's
 * outbound parameters, the dispatch's limits. Without `outbound` the user
 * Worker keeps the network, as on the platform: a router that forgot it
 * fails the egress tests. Local and tests only.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { AgentCodeSchema, cellCodeKeys } from "../../src/contracts/cell.ts";
import type { GuardIssuer } from "../../src/egress/index.ts";

interface StandInEnv {
  LOADER: WorkerLoader;
  CELL_CODE: KVNamespace;
  EGRESS: Service<GuardIssuer>;
}

interface Dispatch {
  name: string;
  outbound?: { agent?: string; task?: string };
  limits?: DynamicDispatchLimits;
}

type Exports = { UserWorker: (o: { props: Dispatch }) => Fetcher };

export class StandInNamespace extends WorkerEntrypoint<StandInEnv> {
  /** Like the platform's get(): a handle at once; a missing Worker fails when it is called. */
  get(name: string, _args?: Record<string, unknown>, options?: DynamicDispatchOptions): Fetcher {
    const props: Dispatch = {
      name,
      ...(options?.outbound ? { outbound: options.outbound } : {}),
      ...(options?.limits ? { limits: options.limits } : {}),
    };
    return (this.ctx.exports as unknown as Exports).UserWorker({ props });
  }
}

/**
 * One dispatched user Worker. A dynamic Worker's entrypoint cannot be handed
 * to another Worker, so this entrypoint loads it and forwards the calls an
 * agent answers (run; attack for the hostile fixture).
 */
export class UserWorker extends WorkerEntrypoint<StandInEnv, Dispatch> {
  async run(arg: unknown, proxy: unknown): Promise<unknown> {
    return (await this.#load()).run!(arg, proxy);
  }
  async attack(arg: unknown, proxy: unknown): Promise<unknown> {
    return (await this.#load()).attack!(arg, proxy);
  }

  async #load(): Promise<Record<string, ((arg: unknown, proxy: unknown) => Promise<unknown>) | undefined>> {
    const { name, outbound, limits } = this.ctx.props;
    const version = await this.env.CELL_CODE.get(cellCodeKeys.current(name));
    const code = version
      ? AgentCodeSchema.safeParse(await this.env.CELL_CODE.get(cellCodeKeys.version(name, version), "json"))
      : null;
    if (!code?.success) throw new Error(`Worker not found: ${name}`);
    // The outbound Worker with the dispatch's parameters (the platform hands them to it as env; the guard reads both).
    const guard = outbound
      ? ((await this.env.EGRESS.guardFor(String(outbound.agent), String(outbound.task))) as unknown as Fetcher)
      : undefined;
    const worker = this.env.LOADER.load({
      compatibilityDate: code.data.compatibilityDate,
      compatibilityFlags: code.data.compatibilityFlags,
      mainModule: code.data.mainModule,
      modules: code.data.modules,
      env: {},
      ...(guard ? { globalOutbound: guard } : {}),
      ...(limits ? { limits } : {}),
    });
    return worker.getEntrypoint() as unknown as Record<string, (arg: unknown, proxy: unknown) => Promise<unknown>>;
  }
}

export default {
  fetch: () =>
    Response.json({ error: "not_found", message: "the stand-in namespace has no public route" }, { status: 404 }),
};
