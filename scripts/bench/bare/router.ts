/**
 * Bare router: fetch → D1 task row → open the task's state → run the agent
 * → record the outcome → answer with the reply. No API-key hashing, no body
 * schema, no key minting, no audit rows.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type { AgentService } from "../../../src/contracts/agent.ts";
import { database } from "../../../src/db/index.ts";
import { tasks } from "../../../src/db/schema.ts";
import type BareProxy from "./proxy.ts";

interface Env {
  DB: D1Database;
  PROXY: Service<BareProxy>;
  AGENT: Service<AgentService & Rpc.WorkerEntrypointBranded>;
}

export default class BareRouter extends WorkerEntrypoint<Env> {
  override async fetch(req: Request): Promise<Response> {
    if (req.method !== "POST") return new Response("not found", { status: 404 });
    const body = (await req.json()) as { subject: { customerId: string }; message: string };
    const db = database(this.env.DB);
    const now = Date.now();
    const id = `tsk_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const customerId = body.subject.customerId;
    await db.insert(tasks).values({
      id,
      assignee: "agent:bare-agent",
      intent: "refund",
      customerId,
      caseId: null,
      status: "open",
      outcome: null,
      summary: null,
      channel: "api",
      createdAt: now,
      updatedAt: now,
      expiresAt: now + 900_000,
    });
    await this.env.PROXY.open(id, customerId, body.message);
    // The task id goes where SiloOS puts the two keys: nothing to verify.
    const result = (await this.env.AGENT.run({
      taskId: id,
      baseKey: id,
      taskKey: id,
      message: body.message,
      context: { channel: "api" },
    })) as { status: string; summary?: string };
    await db
      .update(tasks)
      .set({ outcome: result.status, summary: result.summary ?? null, updatedAt: Date.now() })
      .where(eq(tasks.id, id));
    const replies = await this.env.PROXY.replies(id);
    return Response.json(
      { taskId: id, status: "open", outcome: result.status, reply: replies.at(-1) ?? null, replies },
      { status: 201 },
    );
  }
}
