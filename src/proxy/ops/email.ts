import { and, eq } from "drizzle-orm";
import { batchWithAudit } from "../../audit/index.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import { outbox } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { findTemplate } from "../../registry/index.ts";
import { enqueueDelivery } from "../outbox-consumer.ts";
import { outboxInsert } from "../outbox.ts";
import { renderTemplate } from "../templates.ts";
import type { OpContext, OpDefinition } from "./context.ts";
import { requireIdempotencyKey } from "./refund.ts";

/**
 * email.send: only templates the base key names, only to an email token this
 * task's vault issued (never a typed address), rendered and hydrated here.
 */
export const emailSend: OpDefinition<"email.send"> = {
  capability: "email.send",
  async run(ctx, args) {
    const cap = findCapability(ctx.auth.base.caps, "email.send");
    if (!cap?.templates.includes(args.template)) throw new SiloError("template_denied", `template ${args.template} is not granted`);
    const template = findTemplate(ctx.registry, args.template);
    if (!template) throw new SiloError("template_denied", `template ${args.template} is not approved`);
    const idem = requireIdempotencyKey(ctx);
    const sent = await ctx.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.taskId, ctx.auth.task.tid), eq(outbox.idempotencyKey, idem)))
      .get();
    if (sent) return { result: { messageId: sent.id, replayed: true }, detail: { messageId: sent.id, replayed: true } };

    const recipient = await ctx.vault.resolve(args.to);
    if (!recipient || recipient.kind !== "EMAIL") {
      throw new SiloError("recipient_denied", "the recipient must be an email token issued in this task");
    }
    const values = await hydrateValues(ctx, args.variables);
    const rendered = renderTemplate(template, values);
    const messageId = `msg_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const detail = { messageId, template: args.template, to: args.to, variables: args.variables };
    const mail = { id: messageId, taskId: ctx.auth.task.tid, to: recipient.value, ...rendered, template: args.template, idempotencyKey: idem };
    await batchWithAudit(
      ctx.db,
      [outboxInsert(ctx.db, mail)],
      [{ taskId: ctx.auth.task.tid, actor: ctx.auth.principal, event: "proxy.call", op: "email.send", decision: "allowed", detail }],
    );
    // Committed with its audit row: the outbox consumer delivers it, with retries and a dead letter.
    const delivery = await enqueueDelivery(ctx.env, messageId);
    return { result: { messageId, delivery, replayed: false }, detail, audited: true };
  },
};

/** Tokens in variable values become real values; a token from elsewhere is refused. */
async function hydrateValues(ctx: OpContext, variables: Record<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    const { text, unknown } = await ctx.vault.hydrate(value);
    if (unknown.length > 0) throw new SiloError("validation_failed", `variable ${key} holds a token this task did not issue`);
    out[key] = text;
  }
  return out;
}
