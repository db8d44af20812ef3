import { and, eq, or } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { webhookDeliveries } from "../db/schema.ts";
import { SiloError } from "../errors/index.ts";

/**
 * The delivery log: a claim is one UNIQUE insert, so of any number of
 * concurrent copies of a delivery exactly one wins and starts the task.
 */
export type DeliveryClaim = typeof webhookDeliveries.$inferInsert;

/** The task id of an earlier delivery with this id, or of the same signed request under another id. */
export async function findDelivery(
  db: Db,
  source: string,
  deliveryId: string,
  signatureDigest: string,
): Promise<string | null> {
  const row = await storeCall(() =>
    db
      .select({ taskId: webhookDeliveries.taskId })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.source, source),
          or(eq(webhookDeliveries.deliveryId, deliveryId), eq(webhookDeliveries.signatureDigest, signatureDigest)),
        ),
      )
      .get(),
  );
  return row?.taskId ?? null;
}

/** True when this call won the claim; false when another copy holds it. */
export async function claimDelivery(db: Db, claim: DeliveryClaim): Promise<boolean> {
  const rows = await storeCall(() =>
    db.insert(webhookDeliveries).values(claim).onConflictDoNothing().returning({ taskId: webhookDeliveries.taskId }),
  );
  return rows.length === 1;
}

/** Free a claim whose task never started, so the sender's retry can start it. */
export async function releaseDelivery(db: Db, taskId: string): Promise<void> {
  await storeCall(() => db.delete(webhookDeliveries).where(eq(webhookDeliveries.taskId, taskId)));
}

async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch {
    // 503 so the sender retries; nothing was started.
    throw new SiloError("unavailable", "the webhook delivery log is unavailable; nothing was done");
  }
}
