/**
 * The tool catalogue: each proxy operation an agent's model may call, with
 * its JSON Schema, computed from the zod argument schemas when the registry
 * is built (npm run build:registry). Agents read it from the compiled
 * registry, so the SDK they bundle carries no validation library.
 */
import { z } from "zod";
import { toolName } from "../contracts/llm.ts";
import { OpArgs, type OpName } from "../contracts/proxy.ts";
import type { ToolEntry } from "./schema.ts";

const DESCRIPTIONS: Partial<Record<OpName, string>> = {
  whoami: "Your identity, scope (the customer and case of this task) and granted capabilities with their limits.",
  "customer.read": "Read the task's customer (PII fields come back as tokens such as [NAME_1]).",
  "orders.list": "List the customer's orders with totals, currency and status.",
  "case.read": "Read the task's case, notes tokenized.",
  "shipment.track": "Track an order with the carrier: status, ETA, recipient (tokenized).",
  "refund.issue":
    "Refund an order. Amount in the currency's major unit, within your limit; above it, within an approval band of your grant, the call is held (status pending_approval) until a person decides.",
  "reply.send":
    "Send a reply to the customer. Use tokens such as [NAME_1] as they are; they are filled in for the customer.",
};

/**
 * Not model tools: the SDK calls llm.chat and transcript.read itself, and
 * builds email.send from the agent's approved templates.
 */
const NOT_TOOLS: ReadonlySet<OpName> = new Set(["llm.chat", "transcript.read", "email.send"]);

export function compileToolCatalog(): ToolEntry[] {
  return (Object.keys(OpArgs) as OpName[])
    .filter((op) => !NOT_TOOLS.has(op))
    .map((op) => ({
      op,
      name: toolName(op),
      description: DESCRIPTIONS[op] ?? op,
      parameters: jsonSchemaOf(OpArgs[op]),
    }));
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return json;
}
