import { z } from "zod";
import { findCapability, type Capability } from "../contracts/capabilities.ts";
import { toolName, type ToolSpec } from "../contracts/llm.ts";
import { OpArgs, type OpName } from "../contracts/proxy.ts";

/** What whoami tells an agent about itself. */
export interface Identity {
  principal: string;
  taskId: string;
  scope: { customer: string; case?: string };
  capabilities: Capability[];
  templates: Array<{ name: string; variables: string[]; types?: Record<string, string> }>;
}

const DESCRIPTIONS: Partial<Record<OpName, string>> = {
  whoami: "Your identity, scope (the customer and case of this task) and granted capabilities with their limits.",
  "customer.read": "Read the task's customer (PII fields come back as tokens such as [NAME_1]).",
  "orders.list": "List the customer's orders with totals, currency and status.",
  "case.read": "Read the task's case, notes tokenized.",
  "shipment.track": "Track an order with the carrier: status, ETA, recipient (tokenized).",
  "refund.issue": "Refund an order. Amount in the currency's major unit, within your limit; above it, within an approval band of your grant, the call is held (status pending_approval) until a person decides.",
  "reply.send": "Send a reply to the customer. Use tokens such as [NAME_1] as they are; they are filled in for the customer.",
};

/**
 * The model's tool list, derived from the base key's grant: a capability the
 * agent was not granted is not a tool at all (and the proxy refuses it anyway).
 */
export function toolsFor(me: Identity): ToolSpec[] {
  const granted = new Set(me.capabilities.map((c) => c.capability));
  const ops = (Object.keys(OpArgs) as OpName[]).filter((op) => op !== "llm.chat" && op !== "transcript.read" && op !== "email.send");
  const tools: ToolSpec[] = ops
    .filter((op) => op === "whoami" || granted.has(op as Capability["capability"]))
    .map((op) => ({ name: toolName(op), description: DESCRIPTIONS[op] ?? op, parameters: schemaOf(OpArgs[op]) }));
  const email = findCapability(me.capabilities, "email.send");
  if (email) tools.push(emailTool(me, email.templates));
  const escalate = findCapability(me.capabilities, "escalate");
  if (escalate) tools.push(escalateTool(escalate.targets));
  tools.push(FINISH);
  return tools;
}

function emailTool(me: Identity, templates: string[]): ToolSpec {
  const listed = me.templates.filter((t) => templates.includes(t.name)).map((t) => `${t.name}(${t.variables.join(", ")})`);
  return {
    name: "email_send",
    description: `Email the customer with an approved template; 'to' is the customer's email token. Templates: ${listed.join("; ")}.`,
    parameters: {
      type: "object",
      properties: {
        template: { type: "string", enum: templates },
        to: { type: "string", description: "an email token such as [EMAIL_1]" },
        variables: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["template", "to", "variables"],
      additionalProperties: false,
    },
  };
}

function escalateTool(targets: string[]): ToolSpec {
  return {
    name: "escalate",
    description: "Hand the task to another agent or a person through the router, when it is beyond your grant. Ends your turn.",
    parameters: {
      type: "object",
      properties: { target: { type: "string", enum: targets }, reason: { type: "string" }, summary: { type: "string" } },
      required: ["target", "reason", "summary"],
      additionalProperties: false,
    },
  };
}

const FINISH: ToolSpec = {
  name: "finish",
  description: "End your turn: completed (you did what the procedure asks) or failed (you could not).",
  parameters: {
    type: "object",
    properties: { status: { type: "string", enum: ["completed", "failed"] }, summary: { type: "string" } },
    required: ["status", "summary"],
    additionalProperties: false,
  },
};

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return json;
}

/** Tool name back to the proxy operation it stands for. */
export function opForTool(name: string): OpName | undefined {
  const op = name.replace(/_/g, ".") as OpName;
  return op in OpArgs ? op : undefined;
}
