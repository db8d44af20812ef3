import { findCapability } from "../../contracts/capabilities.ts";
import { IDS_IN_TEXT } from "../../contracts/ids.ts";
import { REFUND_INTENT } from "../../contracts/prompt.ts";
import { TOKEN_PATTERN } from "../../contracts/tokens.ts";
import { SiloError } from "../../errors/index.ts";
import type { OrderRecord } from "../connectors/types.ts";
import type { OpContext } from "../core/context.ts";

/**
 * An agent's words are data, never authority (the CaMeL rule). Once a task
 * has passed from one agent to another, a refund must be grounded where no
 * agent wrote: the customer's own messages and the records (the task's
 * case). There the proxy must find a request for money back, the order's
 * id, and the amount (or, if no amount is there, the order's total). A
 * summary, a reason or a reply is never a ground, so a 500 USD agent cannot
 * buy a 700 USD refund with a sentence, nor a triage agent any refund at all.
 * This is stricter than "above the escalating agent's limit": amounts under
 * it are held too, so an invented refund cannot be split into pieces that
 * each stay under the limit (and no per-task tally has to be raced).
 * People are not held to it: an operator reads the customer for themselves.
 */
export async function assertRefundGrounded(ctx: OpContext, order: OrderRecord, cents: number): Promise<void> {
  if (!ctx.auth.principal.startsWith("agent:")) return;
  const chain = await ctx.vault.escalations();
  if (chain.length === 0) return;
  const grounds = await groundsOf(ctx);
  const missing: string[] = [];
  if (!REFUND_INTENT.test(grounds)) missing.push("a refund request");
  if (!new RegExp(`\\b${order.id}\\b`).test(grounds)) missing.push("the order");
  if (!amountGrounded(grounds, cents, Math.round(order.total * 100))) missing.push("the amount");
  if (missing.length > 0) {
    const by = chain
      .map((e) => `${e.from} (refund limit ${findCapability(e.caps, "refund.issue")?.limit ?? 0})`)
      .join(", ");
    throw new SiloError(
      "ungrounded_action",
      `after an escalation by ${by}, a refund must be grounded in the customer's messages or the records; missing there: ${missing.join(", ")}`,
    );
  }
}

/** The customer's own messages (tokenized) and the task's case notes: read here, never returned. */
async function groundsOf(ctx: OpContext): Promise<string> {
  const words = (await ctx.vault.transcript()).filter((e) => e.role === "customer").map((e) => e.text);
  const caseId = ctx.auth.task.scope.case;
  const record = caseId ? await ctx.crm.getCase(caseId) : null;
  if (record && record.customerId === ctx.auth.task.scope.customer) words.push(record.notes);
  return words.join("\n");
}

/** The amount is one the grounds state as money, or they state none and it is the order's total. */
function amountGrounded(grounds: string, cents: number, totalCents: number): boolean {
  const text = grounds.replace(IDS_IN_TEXT, " ").replace(TOKEN_PATTERN, " ");
  const stated = [...text.matchAll(MONEY)].map((m) => toCents(m[1] ?? m[2] ?? m[3] ?? ""));
  return stated.includes(cents) || (stated.length === 0 && cents === totalCents);
}

/** "700 USD", "$700", "USD 700.00", "refund of 700", "700 dollars". */
const AMOUNT = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)`;
const MONEY = new RegExp(
  String.raw`(?:\$|\b(?:USD|EUR|GBP))\s?${AMOUNT}|${AMOUNT}\s?(?:\$|(?:USD|EUR|GBP|dollars?|euros?)\b)|\brefund(?:\s+(?:of|for))?\s+${AMOUNT}`,
  "gi",
);

function toCents(raw: string): number {
  return Math.round(Number(raw.replace(/,/g, "")) * 100);
}
