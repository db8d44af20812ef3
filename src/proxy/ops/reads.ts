import { findCapability } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import { PII_FIELDS } from "../connectors/types.ts";
import type { OpContext, OpDefinition } from "../core/context.ts";
import { recordSnapshotMs } from "../core/env.ts";

/** Scope: the task key names the customer (and case); only those, and what they own. */
function assertCustomerInScope(ctx: OpContext, customerId: string): void {
  if (ctx.auth.task.scope.customer !== customerId) {
    throw new SiloError("scope_denied", "the task key does not name this customer");
  }
}

export const whoami: OpDefinition<"whoami"> = {
  capability: undefined,
  async run({ auth, registry }) {
    const granted = findCapability(auth.base.caps, "email.send")?.templates ?? [];
    return {
      result: {
        principal: auth.principal,
        taskId: auth.task.tid,
        scope: auth.task.scope,
        capabilities: auth.base.caps,
        // Each variable's type tells the agent what it may hold (a NAME token, an amount…): src/proxy/ops/hydrate.ts.
        templates: registry.templates
          .filter((t) => granted.includes(t.name))
          .map((t) => ({ name: t.name, variables: t.variables, types: t.types })),
        expiresAt: new Date(Math.min(auth.base.exp, auth.task.exp) * 1000).toISOString(),
      },
    };
  },
};

export const customerRead: OpDefinition<"customer.read"> = {
  capability: "customer.read",
  async run(ctx, { customerId }) {
    assertCustomerInScope(ctx, customerId);
    // The audit row rides on the vault RPC that tokenizes (src/proxy/core/call-vault.ts). While the
    // record read to open the task is fresh, that RPC answers from it: no D1 read (src/vault/snapshots.ts).
    const maxAgeMs = recordSnapshotMs(ctx.env);
    const snapped =
      maxAgeMs > 0
        ? await ctx.vault
            .auditNext({ customerId })
            .tokenizeSnapshot("customer", customerId, maxAgeMs, PII_FIELDS.customer)
        : null;
    if (snapped) return { result: snapped, detail: { customerId } };
    const customer = await ctx.crm.getCustomer(customerId);
    if (!customer) throw new SiloError("unknown_record", "no such customer");
    const tokenized = await ctx.vault.auditNext({ customerId }).tokenizeRecord({ ...customer }, PII_FIELDS.customer);
    return { result: tokenized, detail: { customerId } };
  },
};

export const ordersList: OpDefinition<"orders.list"> = {
  capability: "orders.list",
  async run(ctx, { customerId }) {
    assertCustomerInScope(ctx, customerId);
    const orders = await ctx.crm.listOrders(customerId);
    const tokenized = await ctx.vault.auditNext({ customerId, count: orders.length }).tokenizeRecords(
      orders.map((o) => ({ ...o })),
      PII_FIELDS.order,
    );
    return { result: tokenized, detail: { customerId, count: orders.length } };
  },
};

export const caseRead: OpDefinition<"case.read"> = {
  capability: "case.read",
  async run(ctx, { caseId }) {
    // Same answer for "not yours" and "does not exist": no id-guessing oracle.
    const record = ctx.auth.task.scope.case === caseId ? await ctx.crm.getCase(caseId) : null;
    if (!record || record.customerId !== ctx.auth.task.scope.customer) {
      throw new SiloError("scope_denied", "the task key does not name this case");
    }
    const tokenized = await ctx.vault.auditNext({ caseId }).tokenizeRecord({ ...record }, PII_FIELDS.case);
    return { result: tokenized, detail: { caseId } };
  },
};

export const transcriptRead: OpDefinition<"transcript.read"> = {
  // A capability like any read: the conversation is the task's most personal record.
  capability: "transcript.read",
  async run(ctx) {
    // The row's detail gets the entry count from the vault (stepDetail in src/vault/vault.ts).
    const entries = await ctx.vault.auditNext({}).transcript();
    // An agent's entry comes back as the agent wrote it (re-tokenizing it told which guess was real).
    return {
      result: entries.map(({ role, by, text, wrote }) => ({ role, by, text: wrote ?? text })),
      detail: { entries: entries.length },
    };
  },
};
