import { type AuditEvent, auditStatement } from "../../audit/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { OpDefinition } from "../core/context.ts";
import { carriedStatements } from "../ledger/journal-carry.ts";
import { storeError } from "../ledger/refunds.ts";

/**
 * pii.reveal: the one way a real value leaves the vault towards a principal,
 * for humans whose role grants it. Every use is its own audit event; the
 * value itself is never written down. Its row goes to D1 with the task's
 * journaled rows before it, in one batch (ledger/journal-carry.ts), so the
 * log keeps the order of the calls; the token is resolved by the call's
 * admitting vault RPC (gate.ts ADMIT_FIRST, OpDefinition.lookups).
 */
export const piiReveal: OpDefinition<"pii.reveal"> = {
  capability: "pii.reveal",
  lookups: (_ctx, { token }) => ({ resolve: [token] }),
  async run(ctx, { token }) {
    if (!ctx.auth.principal.startsWith("human:"))
      throw new SiloError("capability_denied", "only a human may reveal a value");
    const entry = await ctx.vault.resolve(token);
    if (!entry) throw new SiloError("unknown_record", "this task issued no such token");
    const revealed: AuditEvent = {
      taskId: ctx.auth.task.tid,
      actor: ctx.auth.principal,
      event: "pii.revealed",
      op: "pii.reveal",
      decision: "allowed",
      detail: { token, kind: entry.kind },
    };
    try {
      await ctx.env.DB.batch([
        ...carriedStatements(ctx.env.DB, ctx.vault.carried),
        auditStatement(ctx.env.DB, revealed),
      ]);
    } catch (err) {
      throw storeError(err);
    }
    ctx.vault.carriedShipped();
    return { result: { token, kind: entry.kind, value: entry.value }, detail: { token }, audited: true };
  },
};
