import { type AuditEvent, auditRow } from "../../audit/index.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import { findTemplate } from "../../registry/index.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import type { OpDefinition } from "../core/context.ts";
import { enqueueDelivery } from "../core/outbox-consumer.ts";
import { carriedStatements } from "../ledger/journal-carry.ts";
import { storeError } from "../ledger/refunds.ts";
import { mailProvider } from "../mail/mail.ts";
import { outboxInsert } from "../mail/outbox.ts";
import { assertEffect, assertRecipient, hydrateVariables } from "./hydrate.ts";
import { requireIdempotencyKey } from "./refund.ts";
import { assertVariablesDeclared, renderTemplate } from "./templates.ts";

/**
 * email.send: only templates the base key names, only to the customer's email
 * from their record, each variable of its declared type, rendered and
 * hydrated here under the policy of src/proxy/ops/hydrate.ts.
 */
export const emailSend: OpDefinition<"email.send"> = {
  capability: "email.send",
  async run(ctx, args) {
    const cap = findCapability(ctx.auth.base.caps, "email.send");
    if (!cap?.templates.includes(args.template))
      throw new SiloError("template_denied", `template ${args.template} is not granted`);
    const template = findTemplate(ctx.registry, args.template);
    if (!template) throw new SiloError("template_denied", `template ${args.template} is not approved`);
    // Before any write: no provider means no outbox row claiming a message.
    mailProvider(ctx.env);
    // Replays and key reuse are the gate's (ledger/effects.ts); the outbox key is namespaced by principal.
    const idem = `${ctx.auth.principal}|${requireIdempotencyKey(ctx)}`;

    const to = await assertRecipient(ctx, args.to);
    assertVariablesDeclared(template, args.variables);
    const { values, audited } = await hydrateVariables(ctx, template, args.variables);
    const rendered = renderTemplate(template, values);
    await assertEffect(ctx, template, values);
    const messageId = `msg_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const detail = { messageId, template: args.template, to: args.to, variables: audited };
    const mail = {
      id: messageId,
      taskId: ctx.auth.task.tid,
      to,
      ...rendered,
      template: args.template,
      idempotencyKey: idem,
    };
    const audit: AuditEvent = {
      taskId: ctx.auth.task.tid,
      actor: ctx.auth.principal,
      event: "proxy.call",
      op: "email.send",
      decision: "allowed",
      detail,
    };
    await commitMail(ctx.env.DB, outboxInsert(ctx.db, mail).toSQL(), audit, ctx.vault.carried);
    ctx.vault.carriedShipped();
    // Committed with its audit row: the outbox consumer delivers it, with retries and a dead letter.
    const delivery = await enqueueDelivery(ctx.env, messageId);
    return { result: { messageId, delivery, replayed: false }, detail, audited: true };
  },
};

/**
 * One D1 batch, one transaction: the task's journaled rows before this call
 * (ledger/journal-carry.ts), the mail's audit row, its outbox row.
 */
async function commitMail(
  d1: D1Database,
  outbox: { sql: string; params: unknown[] },
  audit: AuditEvent,
  carried: JournalCarry | undefined,
): Promise<void> {
  const row = auditRow(audit);
  try {
    await d1.batch([
      ...carriedStatements(d1, carried),
      d1
        .prepare(AUDIT_INSERT)
        .bind(row.at, row.taskId, row.actor, row.event, row.op, row.decision, row.reason, row.detail),
      d1.prepare(outbox.sql).bind(...outbox.params),
    ]);
  } catch (err) {
    throw storeError(err);
  }
}

const AUDIT_INSERT =
  "INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
