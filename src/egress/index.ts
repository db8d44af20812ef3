/**
 * The egress guard. Every outbound fetch() of an agent lands here instead of
 * the network; nothing is forwarded. May touch: D1 (audit log) only.
 * The agent's name comes from the outbound binding's props, set by the
 * platform configuration, not by the agent.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { appendAudit } from "../audit/index.ts";
import { database } from "../db/index.ts";

interface EgressEnv {
  DB: D1Database;
}

interface EgressProps {
  agent?: string;
}

export default class EgressGuard extends WorkerEntrypoint<EgressEnv, EgressProps> {
  override async fetch(request: Request): Promise<Response> {
    const agent = this.ctx.props?.agent ?? "unknown";
    const url = safeUrl(request.url);
    try {
      await appendAudit(database(this.env.DB), {
        actor: `agent:${agent}`,
        event: "egress.denied",
        decision: "refused",
        reason: "egress_denied",
        // Host and method only: a query string may carry exfiltrated data.
        detail: { method: request.method, host: url?.host ?? "unparseable", scheme: url?.protocol ?? null },
      });
    } catch {
      // Deny regardless: the audit failure must not open the door.
    }
    return Response.json(
      { error: "egress_denied", message: "agents may reach only the SiloOS proxy" },
      { status: 403 },
    );
  }
}

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
