import { type AuditEvent, auditStatement } from "../../audit/index.ts";
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
import { assertRecipient, effectProof, effectUnproven, hydrateVariables, variableLookups } from "./hydrate.ts";
import { requireIdempotencyKey } from "./refund.ts";
import { assertVariablesDeclared, renderTemplate } from "./templates.ts";

/**
 * email.send: only templates the base key names, only to the customer's email
 * from their record, each variable of its declared type, rendered and
 * hydrated here under the policy of src/proxy/ops/hydrate.ts.
 */
export const emailSend: OpDefinition<"email.send"> = {
  capability: "email.send",
  // The recipient and the variables' tokens are read in the call's admitting vault RPC.
  lookups(ctx, args) {
    const template = findTemplate(ctx.registry, args.template);
    return { recipient: args.to, ...(template ? variableLookups(template, args.variables) : {}) };
  },
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
    const proof = effectProof(ctx, template, values);
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
    const sent = await commitMail(ctx.env.DB, outboxInsert(ctx.db, mail).toSQL(), audit, ctx.vault.carried, proof);
    ctx.vault.carriedShipped();
    // The confirmation's refund is not this task's: no outbox row, no allowed row (the refusal's comes next).
    if (!sent) throw effectUnproven(template);
    // Committed with its audit row: the outbox consumer delivers it, with retries and a dead letter.
    const delivery = await enqueueDelivery(ctx.env, messageId);
    return { result: { messageId, delivery, replayed: false }, detail, audited: true };
  },
};

/**
 * One D1 batch, one transaction: the task's journaled rows before this call
 * (ledger/journal-carry.ts), the mail's audit row, its outbox row. With a
 * `proof` (a refund confirmation, hydrate.ts) the audit and outbox rows are
 * written only if it holds, checked in the same transaction; the journaled
 * rows are written either way (they record calls that happened). Returns
 * whether the mail was written.
 */
async function commitMail(
  d1: D1Database,
  outbox: { sql: string; params: unknown[] },
  audit: AuditEvent,
  carried: JournalCarry | undefined,
  proof: { sql: string; binds: unknown[] } | null,
): Promise<boolean> {
  const statements = proof
    ? [
        auditStatement(d1, audit, proof),
        d1.prepare(conditional(outbox.sql, proof.sql)).bind(...outbox.params, ...proof.binds),
      ]
    : [auditStatement(d1, audit), d1.prepare(outbox.sql).bind(...outbox.params)];
  try {
    const results = await d1.batch([...carriedStatements(d1, carried), ...statements]);
    return (results.at(-1)?.meta.changes ?? 0) === 1;
  } catch (err) {
    throw storeError(err);
  }
}

/** `INSERT INTO t (…) VALUES (…)` as `INSERT INTO t (…) SELECT … WHERE condition`. */
function conditional(insert: string, condition: string): string {
  const at = insert.lastIndexOf(" values ");
  if (at === -1) throw new Error("email: not an INSERT … VALUES statement");
  return `${insert.slice(0, at)} select ${insert.slice(at + " values ".length).replace(/^\(|\)$/g, "")} where ${condition}`;
}
