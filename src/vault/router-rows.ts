import type { AuditEvent, AuditEventName } from "../audit/index.ts";

/**
 * The router's rows about a task's lifecycle (created, keys minted,
 * dispatched, run finished, queued, escalated, completed …), written in the
 * task's journal while its vault lives, so they share one order with the
 * calls' rows and reach D1 with them, without a D1 round trip of their own.
 * Only the router reaches these entry points (RouterGate); an agent has no
 * door to them. Rows outside the vault's lifetime (before it opens, after
 * the wipe) go to D1 directly, as before.
 */
const LIFECYCLE: ReadonlySet<AuditEventName> = new Set<AuditEventName>([
  "task.created",
  "task.dispatched",
  "task.run_finished",
  "task.escalated",
  "task.escalation_denied",
  "task.queued_human",
  "task.hop_retried",
  "task.awaiting_approval",
  "task.completed",
  "key.minted",
  "keys.revoked",
  "vault.created",
  "vault.deleted",
]);

/** More rows than one lifecycle step writes is a bug, not a step. */
const MAX_ROWS = 16;

/** The rows, if every one is a lifecycle row of a bounded step; throws otherwise (nothing journaled). */
export function checkRouterRows(rows: readonly AuditEvent[]): readonly AuditEvent[] {
  if (rows.length > MAX_ROWS) throw new Error(`router rows: ${rows.length} rows in one step`);
  for (const r of rows) if (!LIFECYCLE.has(r.event)) throw new Error(`router rows: ${r.event} is not a lifecycle row`);
  return rows;
}
