import type { AuditEvent } from "../../audit/index.ts";
import type { HandoffNote } from "../../contracts/agent.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import type { AgentEntry } from "../../registry/index.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import type { Escalation } from "../../vault/vault.ts";
import type { RouterEnv } from "../core/env.ts";

/**
 * What happens between two runs of a task, in functions any runner calls
 * (the dispatch loop today, a durable execution tomorrow): a run's keys die
 * when it returns; an escalation goes only where the grant allows, and is
 * recorded when it does not; the next agent gets the previous one's words as
 * an agent-written note, and the vault learns who escalated with which grant.
 */

/**
 * The run returned (completed, escalated, failed, threw, timed out): its keys die before anything
 * else. `texts` (what the agent handed back) come back tokenized from the same RPC; null: the
 * vault is closed, and the caller's own tokenize will say so. `repliesSince`: the customer's
 * replies from that entry on come back hydrated too (absent when the vault is closed): real
 * values, for the HTTP answer only, in memory. `journal`: the task's journal rows, keys.revoked
 * last, for the router's next D1 batch to write before its own rows (run-journal.ts).
 */
export async function endRun(
  env: RouterEnv,
  taskId: string,
  principal: string,
  jtis: string[],
  texts: string[] = [],
  repliesSince?: number,
): Promise<{ texts: string[] | null; replies?: string[]; journal: JournalCarry }> {
  const res = await env.PROXY.revokeKeys(taskId, principal, jtis, texts, repliesSince);
  // Fail closed: a run whose keys could not be revoked must not be acted on.
  if (!res.ok) throw new SiloError(res.error, res.message);
  return res.result;
}

export interface EscalationRoute {
  target: string;
  /** Audit rows to write with the hand-off: a refused target is on the record. */
  events: AuditEvent[];
}

/** Escalation targets come from the grant (registry), never from the agent's wish alone. */
export function escalationRoute(taskId: string, agent: AgentEntry, requested: string): EscalationRoute {
  if (findCapability(agent.caps, "escalate")?.targets.includes(requested)) return { target: requested, events: [] };
  const from = `agent:${agent.name}`;
  const denied: AuditEvent = {
    taskId,
    actor: "router",
    event: "task.escalation_denied",
    reason: "escalation_denied",
    detail: { from, requested, to: "human:support" },
  };
  return { target: "human:support", events: [denied] };
}

/** The escalating agent's words, for the next agent: data, marked as agent-written. */
export function handoffNote(agent: AgentEntry, reason: string, summary: string | null): HandoffNote {
  return { from: `agent:${agent.name}`, provenance: "agent-written", reason, summary: summary ?? "" };
}

/** What the vault keeps about an escalation, so the proxy can hold the next agent's actions to it. */
export function escalationOf(agent: AgentEntry): Escalation {
  return { from: `agent:${agent.name}`, caps: agent.caps };
}
