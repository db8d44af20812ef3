import { appendAudit } from "../../audit/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { OpDefinition } from "../core/context.ts";

/**
 * pii.reveal: the one way a real value leaves the vault towards a principal,
 * for humans whose role grants it. Every use is its own audit event; the
 * value itself is never written down.
 */
export const piiReveal: OpDefinition<"pii.reveal"> = {
  capability: "pii.reveal",
  async run(ctx, { token }) {
    if (!ctx.auth.principal.startsWith("human:"))
      throw new SiloError("capability_denied", "only a human may reveal a value");
    const entry = await ctx.vault.resolve(token);
    if (!entry) throw new SiloError("unknown_record", "this task issued no such token");
    await appendAudit(ctx.db, {
      taskId: ctx.auth.task.tid,
      actor: ctx.auth.principal,
      event: "pii.revealed",
      op: "pii.reveal",
      decision: "allowed",
      detail: { token, kind: entry.kind },
    });
    return { result: { token, kind: entry.kind, value: entry.value }, detail: { token }, audited: true };
  },
};
