/**
 * The egress guard. Every outbound fetch() or connect() of an agent lands
 * here instead of the network; nothing is forwarded. May touch: D1 (audit
 * log) only. Who is calling (agent, task) comes from how the platform wired
 * the agent, never from the agent:
 * - service mode: the outbound binding's props (`props.agent`);
 * - loader mode: a stub the router asks GuardIssuer for (`props.agent`,
 *   `props.task`) and sets as the dynamic Worker's `globalOutbound`;
 * - namespace mode: the dispatch namespace's outbound parameters, which
 *   Workers for Platforms hands the outbound Worker as env (`agent`, `task`).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { digestText } from "../audit/agent-text.ts";
import { appendAudit } from "../audit/index.ts";
import { shouldAudit } from "../audit/throttle.ts";
import { database } from "../db/index.ts";

/** Rows a minute per agent before denials are audited in aggregate. */
const EGRESS_AUDIT_PER_MINUTE = 60;

/** The bindings of its wrangler.toml (EgressBindings, generated: `npm run types`), plus: */
interface EgressEnv extends EgressBindings {
  /** Outbound parameters of a dispatch namespace (namespace mode). */
  agent?: string;
  task?: string;
}

export interface EgressProps {
  agent?: string;
  task?: string;
}

export default class EgressGuard extends WorkerEntrypoint<EgressEnv, EgressProps> {
  override async fetch(request: Request): Promise<Response> {
    const url = safeUrl(request.url);
    // Method, scheme and a digest of the host: the agent chose the host, and a
    // hostname can carry exfiltrated data as well as a query string can.
    await this.#deny({
      method: STANDARD_METHODS.has(request.method) ? request.method : "other",
      host: url ? await digestText(url.host) : "unparseable",
      scheme: url?.protocol.slice(0, 16) ?? null,
    });
    return Response.json(
      { error: "egress_denied", message: "agents may reach only the SiloOS proxy" },
      { status: 403 },
    );
  }

  /** Raw TCP (`connect()` from cloudflare:sockets): refused and closed at once. */
  override async connect(socket: Socket): Promise<void> {
    await this.#deny({ method: "CONNECT", host: "unknown", scheme: "tcp:" });
    await socket.close().catch(() => undefined);
  }

  async #deny(detail: Record<string, unknown>): Promise<void> {
    const agent = this.ctx.props?.agent ?? this.env.agent;
    const task = this.ctx.props?.task ?? this.env.task;
    const actor = `agent:${agent ?? "unknown"}`;
    try {
      // Aggregated past EGRESS_AUDIT_PER_MINUTE, so denials cannot flood the log (src/audit/throttle.ts).
      // A counter that cannot be written does not silence the row: audit it.
      const { audit, count } = await shouldAudit(this.env.DB, actor, "egress_audit", EGRESS_AUDIT_PER_MINUTE).catch(
        () => ({ audit: true, count: 0 }),
      );
      if (!audit) return;
      await appendAudit(database(this.env.DB), {
        taskId: task ?? null,
        actor,
        event: "egress.denied",
        decision: "refused",
        reason: "egress_denied",
        detail: count > EGRESS_AUDIT_PER_MINUTE ? { ...detail, deniedThisMinute: count } : detail,
      });
    } catch {
      // Deny regardless: the audit failure must not open the door.
    }
  }
}

const STANDARD_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]);

/**
 * The router's door to the guard (loader mode): a guard labelled with the
 * agent and the task of one hop, to hand a dynamic Worker as its only
 * outbound. Only the router binds this entrypoint.
 */
export class GuardIssuer extends WorkerEntrypoint<EgressEnv> {
  guardFor(agent: string, task: string): Fetcher {
    const exports = this.ctx.exports as unknown as { default: (o: { props: EgressProps }) => Fetcher };
    return exports.default({ props: { agent, task } });
  }
}

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
