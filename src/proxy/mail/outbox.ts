import type { Db } from "../../db/index.ts";
import { outbox } from "../../db/schema.ts";

/** A message ready to leave: real address and hydrated text, built inside the proxy. */
export interface OutboundEmail {
  id: string;
  taskId: string;
  to: string;
  subject: string;
  body: string;
  template: string;
  idempotencyKey: string;
}

/**
 * Delivery goes through an outbox row written in the same D1 batch as the
 * audit row: locally the outbox is the delivery; in production a relay
 * drains it into a provider (e.g. the send_email binding, docs/membrane.md).
 */
export function outboxInsert(db: Db, mail: OutboundEmail) {
  return db.insert(outbox).values({
    id: mail.id,
    taskId: mail.taskId,
    toAddress: mail.to,
    subject: mail.subject,
    body: mail.body,
    template: mail.template,
    idempotencyKey: mail.idempotencyKey,
    status: "queued",
    createdAt: Date.now(),
  });
}
