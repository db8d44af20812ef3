/**
 * The egress guard. Every outbound fetch() of an agent lands here instead of
 * the network; nothing is forwarded. May touch: D1 (audit log) only.
 * The agent's name comes from the outbound binding's props, set by the
 * platform configuration, not by the agent.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { appendAudit } from "../audit/index.ts";
import { shouldAudit } from "../audit/throttle.ts";
import { database } from "../db/index.ts";

/** Rows a minute per agent before denials are audited in aggregate. */
const EGRESS_AUDIT_PER_MINUTE = 60;

interface EgressEnv {
  DB: D1Database;
}

interface EgressProps {
  agent?: string;
}

export default class EgressGuard extends WorkerEntrypoint<EgressEnv, EgressProps> {
  override async fetch(request: Request): Promise<Response> {
    const url = safeUrl(request.url);
    // Host and method only: a query string may carry exfiltrated data.
    await this.#deny({ method: request.method, host: url?.host ?? "unparseable", scheme: url?.protocol ?? null });
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
    const actor = `agent:${this.ctx.props?.agent ?? "unknown"}`;
    try {
      // Aggregated past EGRESS_AUDIT_PER_MINUTE, so denials cannot flood the log (src/audit/throttle.ts).
      // A counter that cannot be written does not silence the row: audit it.
      const { audit, count } = await shouldAudit(this.env.DB, actor, "egress_audit", EGRESS_AUDIT_PER_MINUTE).catch(() => ({ audit: true, count: 0 }));
      if (!audit) return;
      await appendAudit(database(this.env.DB), {
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

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
