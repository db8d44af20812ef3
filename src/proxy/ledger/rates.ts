import { isPowerOfTen } from "../../audit/throttle.ts";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../../contracts/limits.ts";
import type { OpName } from "../../contracts/proxy.ts";
import { SiloError } from "../../errors/index.ts";
import { findAgent, type Registry } from "../../registry/index.ts";

/**
 * In-cell rate limits: per task (over its life) and per principal (per
 * minute, across tasks), on proxy calls, replies and vault growth. Each
 * counter is one conditional upsert (`... DO UPDATE ... WHERE count < limit
 * RETURNING count`), so N concurrent calls never pass a limit. Since every
 * call writes at most one audit row, the call limit also bounds the audit
 * rows a task's proxy calls can write; the refusals themselves are audited
 * in aggregate (the 1st, 10th, 100th … of a counter), and counted exactly in
 * rate_counters, so they cannot flood the log.
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
export const MINTING_OPS: ReadonlySet<string> = new Set<OpName>(["customer.read", "orders.list", "case.read", "shipment.track", "reply.send", "llm.chat"]);
const MINUTE_MS = 60_000;

interface Counter {
  scope: string;
  kind: string;
  period: number;
  limit: number;
  what: string;
}

export function rateLimitsFor(registry: Registry, principal: string): RateLimits {
  const agent = principal.startsWith("agent:") ? findAgent(registry, principal.slice("agent:".length)) : undefined;
  return agent?.rateLimits ?? DEFAULT_RATE_LIMITS;
}

/** Count this call against every limit it falls under; throws RateLimited past any of them. */
export async function admitCall(d1: D1Database, call: { taskId: string; principal: string; op: string; vaultTokens?: number; limits: RateLimits; now?: number }): Promise<void> {
  const { taskId, principal, op, limits } = call;
  const minute = Math.floor((call.now ?? Date.now()) / MINUTE_MS);
  const task = `task:${taskId}`;
  // The proxy leaves this check to the vault itself (vaultTokens absent): refuseVaultGrowth below.
  if (MINTING_OPS.has(op) && call.vaultTokens !== undefined && call.vaultTokens >= limits.perTask.vaultTokens) await refuseVaultGrowth(d1, taskId, limits);
  const counters: Counter[] = [
    { scope: task, kind: "calls", period: 0, limit: limits.perTask.calls, what: "proxy calls per task" },
    { scope: principal, kind: "calls", period: minute, limit: limits.perAgent.callsPerMinute, what: `proxy calls per minute for ${principal}` },
  ];
  if (op === "reply.send") {
    counters.push(
      { scope: task, kind: "replies", period: 0, limit: limits.perTask.replies, what: "replies per task" },
      { scope: principal, kind: "replies", period: minute, limit: limits.perAgent.repliesPerMinute, what: `replies per minute for ${principal}` },
    );
  }
  const results = await d1
    .batch(
    counters.map((c) =>
      d1
        .prepare(
          "INSERT INTO rate_counters (scope, kind, period, count, refused) VALUES (?, ?, ?, 1, 0) ON CONFLICT (scope, kind, period) DO UPDATE SET count = count + 1 WHERE count < ? RETURNING count",
        )
        .bind(c.scope, c.kind, c.period, c.limit),
      ),
    )
    .catch(() => {
      throw new SiloError("store_unavailable", "the rate limit ledger is unavailable; nothing was done");
    });
  const over = counters.find((_, i) => (results[i]?.results.length ?? 0) === 0);
  if (over) await refuse(d1, over);
}

/** The task's vault holds as many tokens as its limit allows: counted and audited like every rate limit. */
export function refuseVaultGrowth(d1: D1Database, taskId: string, limits: RateLimits): Promise<never> {
  return refuse(d1, { scope: `task:${taskId}`, kind: "vault_tokens", period: 0, limit: limits.perTask.vaultTokens, what: "vault tokens per task" });
}

/** Count the refusal on its counter; audit it only at the 1st, 10th, 100th … */
async function refuse(d1: D1Database, c: Counter): Promise<never> {
  const row = await d1
    .prepare("INSERT INTO rate_counters (scope, kind, period, count, refused) VALUES (?, ?, ?, 0, 1) ON CONFLICT (scope, kind, period) DO UPDATE SET refused = refused + 1 RETURNING refused")
    .bind(c.scope, c.kind, c.period)
    .first<{ refused: number }>();
  const refused = row?.refused ?? 1;
  throw new RateLimited(`the limit of ${c.limit} ${c.what} is reached (refusals so far: ${refused})`, isPowerOfTen(refused));
}

