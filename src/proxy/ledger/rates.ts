import { DEFAULT_RATE_LIMITS, type RateLimits } from "../../contracts/limits.ts";
import type { OpName } from "../../contracts/proxy.ts";
import { SiloError } from "../../errors/index.ts";
import { findAgent, type Registry } from "../../registry/index.ts";
import type { TaskCount } from "../../vault/ledger.ts";
import type { AgentCount } from "../../vault/rate-lease.ts";

/**
 * In-cell rate limits: per task (over its life) and per principal (per
 * minute, across tasks), on proxy calls, replies and vault growth. The
 * per-task counters are the task's own, in its Vault (src/vault/ledger.ts),
 * counted by the call's first vault RPC; the per-principal counters span
 * tasks, so they are the principal's own Durable Object's (agent-rates.ts),
 * which grants each task a small lease of units, spent by the same first
 * vault RPC (src/vault/rate-lease.ts). Either way N concurrent calls never
 * pass a limit. Since every call writes at most one audit row, the call limit also
 * bounds the audit rows a task's proxy calls can write; the refusals
 * themselves are audited in aggregate (the 1st, 10th, 100th … of a counter),
 * and counted exactly, so they cannot flood the log.
 */
export class RateLimited extends SiloError {
  /** False for a refusal folded into an earlier audit row of the same counter. */
  readonly audited: boolean;
  constructor(message: string, audited: boolean) {
    super("rate_limited", message);
    this.audited = audited;
  }
}

/** Ops that can mint vault tokens (tokenized reads, agent and model text). */
export const MINTING_OPS: ReadonlySet<string> = new Set<OpName>([
  "customer.read",
  "orders.list",
  "case.read",
  "shipment.track",
  "reply.send",
  "llm.chat",
]);
export function rateLimitsFor(registry: Registry, principal: string): RateLimits {
  const agent = principal.startsWith("agent:") ? findAgent(registry, principal.slice("agent:".length)) : undefined;
  return agent?.rateLimits ?? DEFAULT_RATE_LIMITS;
}

/** The task's own counters this call counts against, for its first vault RPC (CallFrame.count). */
export function taskCounts(op: string, limits: RateLimits): TaskCount[] {
  const counts: TaskCount[] = [{ kind: "calls", limit: limits.perTask.calls, what: "proxy calls per task" }];
  if (op === "reply.send") counts.push({ kind: "replies", limit: limits.perTask.replies, what: "replies per task" });
  return counts;
}

/**
 * The principal's per-minute counters this call counts against (across
 * tasks), spent from its task's lease by its first vault RPC
 * (CallFrame.perMinute). A principal that may reply asks its reply's unit
 * ahead, with the lease its other calls take anyway (AgentCount.ahead).
 */
export function agentCounts(principal: string, op: string, limits: RateLimits, mayReply = false): AgentCount[] {
  const counts: AgentCount[] = [
    { kind: "calls", limit: limits.perAgent.callsPerMinute, what: `proxy calls per minute for ${principal}` },
  ];
  if (op === "reply.send" || mayReply)
    counts.push({
      kind: "replies",
      limit: limits.perAgent.repliesPerMinute,
      what: `replies per minute for ${principal}`,
      ...(op === "reply.send" ? {} : { ahead: true }),
    });
  return counts;
}
