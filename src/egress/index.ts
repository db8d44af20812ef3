/**
 * The egress guard. Every outbound fetch() of an agent lands here instead of
 * the network; nothing is forwarded. May touch: D1 (audit log) only.
 * The agent's name comes from the outbound binding's props, set by the
 * platform configuration, not by the agent.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { digestText } from "../audit/agent-text.ts";
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
    const url = safeUrl(request.url);
    // Method, scheme and a digest of the host: the agent chose the host, and a
    // hostname can carry exfiltrated data as well as a query string can.
    await this.#deny({ method: STANDARD_METHODS.has(request.method) ? request.method : "other", host: url ? await digestText(url.host) : "unparseable", scheme: url?.protocol.slice(0, 16) ?? null });
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
    try {
      await appendAudit(database(this.env.DB), {
        actor: `agent:${this.ctx.props?.agent ?? "unknown"}`,
        event: "egress.denied",
        decision: "refused",
        reason: "egress_denied",
        detail,
      });
    } catch {
      // Deny regardless: the audit failure must not open the door.
    }
  }
}

const STANDARD_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]);

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
