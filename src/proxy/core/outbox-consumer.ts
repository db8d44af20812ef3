import { and, eq, lt, or, sql } from "drizzle-orm";
import { type AuditEvent, batchWithAudit } from "../../audit/index.ts";
import { type Db, database } from "../../db/index.ts";
import { outbox } from "../../db/schema.ts";
import { type MailProvider, mailProvider } from "../mail/mail.ts";
import { MailDeliveryError } from "../mail/mail-http.ts";
import type { OutboundEmail } from "../mail/outbox.ts";
import type { ProxyEnv } from "./env.ts";

/**
 * The outbox consumer. email.send commits the outbox row with its audit row,
 * then enqueues the row's id; this drains the queue:
 *
 * - a row is claimed (queued → sending) by one conditional update, so two
 *   deliveries of the same queue message never send twice; a claim older
 *   than the lease is taken over (its consumer died);
 * - the provider gets the row id as its idempotency key, so a crash after
 *   the provider accepted but before `sent` is written sends nothing new;
 * - a failure is retried with backoff; after the last attempt, or at once
 *   when no retry can help, the row is dead-lettered (`dead`), audited as
 *   `mail.dead_letter` and listed in the console. Nothing is dropped.
 */
export interface OutboxMessage {
  messageId: string;
}

/** A claim older than this is a dead consumer's: take it over. */
const LEASE_MS = 60_000;

export async function drainOutbox(env: ProxyEnv, batch: MessageBatch<OutboxMessage>): Promise<void> {
  const db = database(env.DB);
  const provider = mailProvider(env);
  for (const msg of batch.messages) {
    const id = typeof msg.body?.messageId === "string" ? msg.body.messageId : null;
    if (!id) {
      msg.ack();
      continue;
    }
    try {
      const verdict = await deliverOne(env, db, provider, id);
      if (verdict.retryInSeconds === undefined) msg.ack();
      else msg.retry({ delaySeconds: verdict.retryInSeconds });
    } catch {
      // D1 itself is down: nothing was marked, so the message comes back later.
      msg.retry({ delaySeconds: retryDelay(env, msg.attempts) });
    }
  }
}

async function deliverOne(
  env: ProxyEnv,
  db: Db,
  provider: MailProvider,
  id: string,
): Promise<{ retryInSeconds?: number }> {
  const now = Date.now();
  const claimed = await db
    .update(outbox)
    .set({ status: "sending", attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
    .where(
      and(
        eq(outbox.id, id),
        or(eq(outbox.status, "queued"), and(eq(outbox.status, "sending"), lt(outbox.updatedAt, now - LEASE_MS))),
      ),
    )
    .returning()
    .get();
  if (!claimed) {
    const row = await db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, id)).get();
    // Sent, dead or unknown: done. Sending: another consumer holds it; look again after its lease.
    return row?.status === "sending" ? { retryInSeconds: Math.ceil(LEASE_MS / 1000) } : {};
  }
  const mail: OutboundEmail = {
    id,
    taskId: claimed.taskId,
    to: claimed.toAddress,
    subject: claimed.subject,
    body: claimed.body,
    template: claimed.template,
    idempotencyKey: claimed.idempotencyKey,
  };
  const base = { taskId: claimed.taskId, actor: "proxy", op: "email.deliver" } as const;
  try {
    const { providerId } = await provider.deliver(mail);
    await settle(
      db,
      id,
      { status: "sent", providerId, lastError: null },
      { ...base, event: "mail.sent", detail: { messageId: id, attempt: claimed.attempts, provider: provider.name } },
    );
    return {};
  } catch (err) {
    const code = err instanceof MailDeliveryError ? err.code : "provider_error";
    const permanent = err instanceof MailDeliveryError && err.permanent;
    if (permanent || claimed.attempts >= maxAttempts(env)) {
      await settle(
        db,
        id,
        { status: "dead", lastError: code },
        {
          ...base,
          event: "mail.dead_letter",
          reason: code,
          detail: { messageId: id, attempts: claimed.attempts, permanent },
        },
      );
      return {};
    }
    const delay = retryDelay(env, claimed.attempts);
    await settle(
      db,
      id,
      { status: "queued", lastError: code },
      {
        ...base,
        event: "mail.retry",
        reason: code,
        detail: { messageId: id, attempt: claimed.attempts, retryInSeconds: delay },
      },
    );
    return { retryInSeconds: delay };
  }
}

/** The row's new state and its audit row, in one batch. */
function settle(
  db: Db,
  id: string,
  patch: { status: string; providerId?: string | null; lastError: string | null },
  event: AuditEvent,
): Promise<void> {
  return batchWithAudit(
    db,
    [
      db
        .update(outbox)
        .set({ ...patch, updatedAt: Date.now() })
        .where(eq(outbox.id, id)),
    ],
    [event],
  );
}

function maxAttempts(env: ProxyEnv): number {
  const n = Number(env.SILOOS_MAIL_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? n : 5;
}

/** base, 2 × base, 4 × base … capped at an hour. */
function retryDelay(env: ProxyEnv, attempt: number): number {
  const base = Number(env.SILOOS_MAIL_RETRY_SECONDS);
  const first = Number.isFinite(base) && base >= 0 ? base : 10;
  return Math.min(3600, Math.round(first * 2 ** Math.max(0, attempt - 1)));
}

/** Enqueue a committed outbox row. A failed enqueue leaves it queued: the sweep sends it again. */
export async function enqueueDelivery(env: ProxyEnv, messageId: string): Promise<"queued"> {
  await env.OUTBOX_QUEUE?.send({ messageId }).catch(() => undefined);
  return "queued";
}

/**
 * Rows still queued a while after their last change (an enqueue that failed,
 * a queue message lost in a crash) and claims older than the lease are
 * enqueued again; the claim makes a duplicate message harmless.
 */
export async function sweepOutbox(env: ProxyEnv, olderThanMs = 60_000): Promise<number> {
  const db = database(env.DB);
  const now = Date.now();
  const changed = sql`coalesce(${outbox.updatedAt}, ${outbox.createdAt})`;
  const stale = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      or(
        and(eq(outbox.status, "queued"), lt(changed, now - olderThanMs)),
        and(eq(outbox.status, "sending"), lt(changed, now - LEASE_MS)),
      ),
    )
    .limit(500);
  for (const { id } of stale) await enqueueDelivery(env, id);
  return stale.length;
}

/** The dead letters, for the console: ids, template, attempts and the error code; never an address or a body. */
export async function deadLetters(env: ProxyEnv) {
  return database(env.DB)
    .select({
      messageId: outbox.id,
      taskId: outbox.taskId,
      template: outbox.template,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      updatedAt: outbox.updatedAt,
    })
    .from(outbox)
    .where(eq(outbox.status, "dead"))
    .orderBy(outbox.updatedAt)
    .limit(200);
}
