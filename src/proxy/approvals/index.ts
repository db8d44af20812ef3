import { z } from "zod";
import type { ProxyResult } from "../../contracts/proxy.ts";
import { SiloError, toErrorBody } from "../../errors/index.ts";
import { findAgent, registry } from "../../registry/index.ts";
import { type ProxyEnv, vaultFor } from "../core/env.ts";
import { type DecisionOutcome, decideOne, listPending, pendingCount } from "./decide.ts";

/**
 * The router's door to held actions (RouterGate): list them for a role with
 * what a person needs to judge them (tokenized arguments, the records the
 * agent read, the agent's procedure, the task's transcript), and decide them
 * one by one or in bulk. Agents have no door here: AgentGate has no such
 * method and no op reaches it.
 */
export const DecideRequestSchema = z
  .object({
    ids: z
      .array(z.string().regex(/^pa_[a-f0-9]{20}$/))
      .min(1)
      .max(50),
    decision: z.enum(["approve", "reject"]),
    /** `human:<operator id>`, vouched for by the router's console session. */
    by: z.string().regex(/^human:[A-Za-z0-9_-]{1,64}$/),
    role: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  })
  .strict();
export type DecideRequest = z.infer<typeof DecideRequestSchema>;

export interface PendingActionView {
  id: string;
  taskId: string;
  proposedBy: string;
  op: string;
  args: Record<string, unknown>;
  records: Record<string, unknown>;
  role: string;
  createdAt: number;
  expiresAt: number;
  procedure: string;
  transcript: Array<{ role: string; by: string; text: string }>;
}

export async function pendingActions(env: ProxyEnv, role: string): Promise<ProxyResult<PendingActionView[]>> {
  return guarded(async () => {
    const rows = await listPending(env, role);
    return Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        taskId: r.task_id,
        proposedBy: r.principal,
        op: r.op,
        args: JSON.parse(r.args) as Record<string, unknown>,
        records: JSON.parse(r.records) as Record<string, unknown>,
        role: r.role,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        procedure: findAgent(registry, r.principal.replace(/^agent:/, ""))?.instructions ?? "",
        // Tokenized, as the agent saw it: people judge the call without real values.
        transcript: (
          await vaultFor(env, r.task_id)
            .transcript()
            .catch(() => [])
        ).map(({ role, by, text }) => ({ role, by, text })),
      })),
    );
  });
}

export async function countPending(env: ProxyEnv, taskId: string): Promise<ProxyResult<{ pending: number }>> {
  return guarded(async () => ({ pending: await pendingCount(env, taskId) }));
}

/** Each id decided on its own: one that lost a race or expired does not undo the others. */
export async function decideActions(
  env: ProxyEnv,
  raw: unknown,
): Promise<ProxyResult<{ outcomes: DecisionOutcome[]; tasks: string[] }>> {
  return guarded(async () => {
    const parsed = DecideRequestSchema.safeParse(raw);
    if (!parsed.success)
      throw new SiloError("validation_failed", "a decision names 1 to 50 action ids and approve or reject");
    const { ids, decision, by, role } = parsed.data;
    const outcomes: DecisionOutcome[] = [];
    for (const id of new Set(ids)) outcomes.push(await decideOne(env, id, decision, by, role));
    const tasks = await env.DB.prepare(
      `SELECT DISTINCT task_id FROM pending_actions WHERE id IN (${ids.map(() => "?").join(",")})`,
    )
      .bind(...ids)
      .all<{ task_id: string }>();
    return { outcomes, tasks: tasks.results.map((t) => t.task_id) };
  });
}

async function guarded<T>(fn: () => Promise<T>): Promise<ProxyResult<T>> {
  try {
    return { ok: true, result: await fn() };
  } catch (err) {
    if (err instanceof SiloError) return { ok: false, ...toErrorBody(err) };
    return { ok: false, error: "store_unavailable", message: "the approvals store is unavailable; nothing was done" };
  }
}
