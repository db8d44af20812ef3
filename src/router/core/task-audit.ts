import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";

/**
 * Task-row writes whose audit rows are journaled already, in the task's
 * vault (src/vault/router-rows.ts: key.minted and task.dispatched ride on the
 * hand-off's vault RPC): one D1 batch, or the step fails and is retried. The
 * rows went first, so a change is never made without its row; a failure
 * here leaves a row for a change not made (the retry writes its own), never
 * the reverse.
 */
export async function writeTaskRows(db: Db, writes: readonly BatchItem<"sqlite">[]): Promise<void> {
  const [first, ...rest] = writes;
  if (!first) return;
  try {
    await db.batch([first, ...rest]);
  } catch {
    throw new SiloError("store_unavailable", "the database is unavailable; the change was not made");
  }
}
