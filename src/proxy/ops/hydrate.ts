import { digestText } from "../../audit/agent-text.ts";
import { ORDER_ID, REFUND_ID } from "../../contracts/ids.ts";
import { ONE_TOKEN, valueKey } from "../../contracts/tokens.ts";
import { SiloError } from "../../errors/index.ts";
import type { Template, TemplateVarType } from "../../registry/schema.ts";
import type { PiiKind } from "../../scan/index.ts";
import { provenanceOf } from "../../vault/provenance.ts";
import type { VaultLookup } from "../../vault/vault.ts";
import type { OpContext } from "../core/context.ts";

/**
 * The hydration policy for outbound email (docs/membrane.md, "Provenance and
 * hydration"). Replies use the same rules through Vault.hydrate
 * (src/vault/provenance.ts: hydrateOutbound).
 *
 * - the recipient is the contact the system of record holds for the task's
 *   customer: a record-provenance EMAIL token whose value is that customer's
 *   email now. A token minted from any text, even a real-looking address, is not;
 * - each variable has the type its template declares and takes only that;
 * - a value an agent or a model wrote never hydrates;
 * - cards, IBANs and national ids leave masked (Vault.hydrate);
 * - a template that claims an effect goes out only when that effect exists in
 *   this task (a refund of the same order, amount and currency).
 */
export async function assertRecipient(ctx: OpContext, token: string): Promise<string> {
  // The vault checks the token against the subject's contact it took from the record at open:
  // no second read of the customer (Vault.recipient).
  const check = await ctx.vault.recipient(token);
  const denied = () =>
    new SiloError("recipient_denied", "the recipient must be the customer's email token from their record");
  if (check.ok === false) throw denied();
  if (check.ok === true) return check.email;
  // A vault opened before it kept the contact: the record decides, as it did then.
  const customer = await ctx.crm.getCustomer(ctx.auth.task.scope.customer);
  if (!customer || valueKey("EMAIL", customer.email) !== valueKey("EMAIL", check.email)) throw denied();
  return customer.email;
}

const TOKEN_KIND: Partial<Record<TemplateVarType, PiiKind>> = {
  name: "NAME",
  email: "EMAIL",
  phone: "PHONE",
  address: "ADDRESS",
};
const SHAPES: Partial<Record<TemplateVarType, RegExp>> = {
  amount: /^\d{1,9}(\.\d{1,2})?$/,
  currency: /^[A-Z]{3}$/,
  order_id: ORDER_ID,
  refund_id: REFUND_ID,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

export interface HydratedVariables {
  values: Record<string, string>;
  /** For the audit row: tokens, ids and amounts as given; free text as a length and a hash. */
  audited: Record<string, unknown>;
}

/** The vault reads hydrateVariables will make for these variables (CallVault.admit answers them). */
export function variableLookups(template: Template, variables: Record<string, string>): VaultLookup {
  const resolve: string[] = [];
  const hydrate: string[] = [];
  for (const [key, raw] of Object.entries(variables)) {
    const type = template.types[key] ?? "text";
    if (TOKEN_KIND[type]) {
      if (ONE_TOKEN.test(raw.trim())) resolve.push(raw.trim());
    } else if (!SHAPES[type]) hydrate.push(raw);
  }
  return { resolve, hydrate };
}

/** Check every variable against its declared type, then hydrate it under the policy. */
export async function hydrateVariables(
  ctx: OpContext,
  template: Template,
  variables: Record<string, string>,
): Promise<HydratedVariables> {
  const values: Record<string, string> = {};
  const audited: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(variables)) {
    const type = template.types[key] ?? "text";
    const kind = TOKEN_KIND[type];
    const shape = SHAPES[type];
    if (kind) {
      values[key] = await hydrateTyped(ctx, key, raw.trim(), kind);
      audited[key] = raw.trim();
    } else if (shape) {
      if (!shape.test(raw)) throw new SiloError("variable_denied", `variable ${key} must be a ${type}`);
      values[key] = raw;
      audited[key] = raw;
    } else {
      values[key] = await hydrateText(ctx, key, raw);
      audited[key] = await digestText(raw);
    }
  }
  return { values, audited };
}

async function hydrateTyped(ctx: OpContext, key: string, raw: string, kind: PiiKind): Promise<string> {
  const m = ONE_TOKEN.exec(raw);
  if (!m) throw new SiloError("variable_denied", `variable ${key} must be one ${kind} token`);
  const entry = await ctx.vault.resolve(raw);
  if (!entry) throw new SiloError("validation_failed", `variable ${key} holds a token this task did not issue`);
  if (entry.kind !== kind) throw new SiloError("variable_denied", `variable ${key} takes a ${kind} token only`);
  if (provenanceOf(entry) === "agent")
    throw new SiloError("variable_denied", `variable ${key} holds a value an agent or a model wrote`);
  return entry.value;
}

async function hydrateText(ctx: OpContext, key: string, raw: string): Promise<string> {
  const { text, unknown, withheld } = await ctx.vault.hydrate(raw);
  if (unknown.length > 0)
    throw new SiloError("validation_failed", `variable ${key} holds a token this task did not issue`);
  if (withheld.length > 0)
    throw new SiloError("variable_denied", `variable ${key} holds a value an agent or a model wrote`);
  return text;
}

/** The refusal of a confirmation whose refund this task has not issued. */
export function effectUnproven(template: Template): SiloError {
  return new SiloError("effect_unproven", `template ${template.name} confirms a refund this task has not issued`);
}

/**
 * A refund confirmation names a refund of this task: same order, amount and
 * currency. The proof is a condition, not a read: the mail's outbox row is
 * inserted only WHERE such a refund exists, in the mail's own batch
 * (email.ts), so the check and the write are one D1 round trip and one
 * transaction. Null: the template confirms nothing. Throws when it names no
 * order, amount or currency at all.
 */
export function effectProof(
  ctx: OpContext,
  template: Template,
  values: Record<string, string>,
): { sql: string; binds: unknown[] } | null {
  if (!template.effect) return null;
  const pick = (type: TemplateVarType) => {
    const key = Object.keys(template.types).find((k) => template.types[k] === type);
    return key ? values[key] : undefined;
  };
  const orderId = pick("order_id");
  const amount = pick("amount");
  const currency = pick("currency");
  if (!orderId || !amount || !currency) throw effectUnproven(template);
  return {
    sql: "EXISTS (SELECT 1 FROM refunds WHERE task_id = ? AND order_id = ? AND amount_cents = ? AND currency = ?)",
    binds: [ctx.auth.task.tid, orderId, Math.round(Number(amount) * 100), currency],
  };
}
