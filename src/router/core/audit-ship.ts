import { desc, inArray } from "drizzle-orm";
import { database } from "../../db/index.ts";
import { tasks } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "./env.ts";

/** Running tasks whose journals are shipped before a read of the whole log; older ones ship from their alarm (~1 s). */
const SHIP_ON_READ_MAX = 200;

/**
 * Before the audit log is read or verified, the journals of running tasks
 * (rows written in their vaults, src/vault/journal.ts) are shipped to D1, so
 * a reader sees them, sealed into the chain with the rest. Fails closed: a
 * log that cannot be brought up to date is not shown as if it were.
 */
export async function shipRunningAudit(env: RouterEnv, taskId: string | undefined): Promise<void> {
  const ids = taskId
    ? [taskId]
    : (
        await database(env.DB)
          .select({ id: tasks.id })
          .from(tasks)
          .where(inArray(tasks.status, ["open", "queued_human"]))
          .orderBy(desc(tasks.createdAt))
          .limit(SHIP_ON_READ_MAX)
      ).map((t) => t.id);
  if (ids.length === 0) return;
  const shipped = await env.PROXY.shipAudit(ids);
  if (!shipped.ok)
    throw new SiloError("audit_unavailable", "the audit rows of running tasks could not be brought to the log");
}

/** One task's journal to D1: before the router writes its own rows about what the task's calls did. */
export async function shipTaskAudit(env: RouterEnv, taskId: string): Promise<void> {
  const shipped = await env.PROXY.shipAudit([taskId]);
  if (!shipped.ok) throw new SiloError("audit_unavailable", "the task's audit rows could not be brought to the log");
}
