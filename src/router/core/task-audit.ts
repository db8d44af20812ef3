import type { BatchItem } from "drizzle-orm/batch";
import { type AuditEvent, batchWithAudit } from "../../audit/index.ts";
import type { Db } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "./env.ts";

/**
 * A lifecycle change of a task whose vault lives: its audit rows go into the
 * task's journal (src/vault/router-rows.ts, one vault RPC, durable when it
 * answers, in one order with the calls' rows, shipped to D1 by the vault),
 * then its task-row writes go to D1 in one batch. The rows go first, so a
 * change is never made without its row; a failure after them leaves a row
 * for a change not made (the step is retried), never the reverse.
 *
 * A vault that is closed (wiped, or never opened) has shipped its journal:
 * the rows and writes are one D1 batch, as before. Fails closed: a journal
 * that cannot be written stops the change (audit_unavailable / the vault's code).
 */
export async function recordTaskChange(
  env: RouterEnv,
  db: Db,
  taskId: string,
  writes: readonly BatchItem<"sqlite">[],
  events: AuditEvent[],
): Promise<void> {
  if (events.length > 0) {
    const res = await env.PROXY.journalRows(taskId, events);
    if (!res.ok) throw new SiloError("audit_unavailable", "the task's audit journal is unavailable; nothing was done");
    if (!res.result.journaled) return batchWithAudit(db, writes, events);
  }
  await writeTaskRows(db, writes);
}

/** Task-row writes whose rows are journaled already: one D1 batch, or the step fails (and is retried). */
export async function writeTaskRows(db: Db, writes: readonly BatchItem<"sqlite">[]): Promise<void> {
  const [first, ...rest] = writes;
  if (!first) return;
  try {
    await db.batch([first, ...rest]);
  } catch {
    throw new SiloError("store_unavailable", "the database is unavailable; the change was not made");
  }
}
