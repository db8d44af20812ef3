import type { RouterEnv } from "./env.ts";

const DAY_MS = 86_400_000;
/** How long bookkeeping rows outlive what they were for: a margin for clocks and for reading them. */
export const PRUNE_AFTER_MS = DAY_MS;

/**
 * Bookkeeping rows that only ever grow, dropped by the cron once nothing can
 * use them again (the audit log, the task rows, refunds and the outbox are
 * records and stay):
 * - effects (idempotency claims) of tasks that are closed: their keys are
 *   dead, so no call of theirs can come back to replay one;
 * - rate_counters (per-minute audit throttles) of minutes long past;
 * - operator_sessions past their expiry: a revoked session stays listed
 *   while its cookie could still be presented, and an expired cookie is
 *   refused on its expiry alone.
 * One batch: all of it or none, retried at the next tick.
 */
export async function pruneBookkeeping(env: RouterEnv, now = Date.now()): Promise<void> {
  const before = now - PRUNE_AFTER_MS;
  await env.DB.batch([
    env.DB.prepare(
      "DELETE FROM effects WHERE task_id IN (SELECT id FROM tasks WHERE status IN ('completed', 'expired', 'failed') AND updated_at < ?1)",
    ).bind(before),
    env.DB.prepare("DELETE FROM rate_counters WHERE period < ?1").bind(Math.floor(before / 60_000)),
    env.DB.prepare("DELETE FROM operator_sessions WHERE expires_at < ?1").bind(before),
  ]);
}
