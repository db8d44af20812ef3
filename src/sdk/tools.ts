import type { Capability } from "../contracts/capabilities.ts";
import { findCapability } from "../contracts/find-capability.ts";
import type { ToolSpec } from "../contracts/llm.ts";
import type { OpName } from "../contracts/proxy.ts";
// Only the catalogue: the bundler drops the registry's other top-level fields
// (a default import, or an import attribute, would bring the whole registry).
import { tools as catalogue } from "../registry/registry.generated.json";
import type { ToolEntry } from "../registry/schema.ts";

/** What whoami tells an agent about itself. */
export interface Identity {
  principal: string;
  taskId: string;
  scope: { customer: string; case?: string };
  capabilities: Capability[];
  templates: Array<{ name: string; variables: string[]; types?: Record<string, string> }>;
}

/**
 * The model's tool list, derived from the base key's grant: a capability the
 * agent was not granted is not a tool at all (and the proxy refuses it anyway).
 * Parameters are JSON Schema computed when the registry was built.
 */
export function toolsFor(me: Identity): ToolSpec[] {
  const granted = new Set<string>(me.capabilities.map((c) => c.capability));
  const tools: ToolSpec[] = (catalogue as ToolEntry[])
    .filter((t) => t.op === "whoami" || granted.has(t.op))
    .map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const email = findCapability(me.capabilities, "email.send");
  if (email) tools.push(emailTool(me, email.templates));
  const escalate = findCapability(me.capabilities, "escalate");
  if (escalate) tools.push(escalateTool(escalate.targets));
  tools.push(FINISH);
  return tools;
}

function emailTool(me: Identity, templates: string[]): ToolSpec {
  const listed = me.templates
    .filter((t) => templates.includes(t.name))
    .map((t) => `${t.name}(${t.variables.join(", ")})`);
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
    description:
      "Hand the task to another agent or a person through the router, when it is beyond your grant. Ends your turn.",
    parameters: {
      type: "object",
      properties: {
        target: { type: "string", enum: targets },
        reason: { type: "string" },
        summary: { type: "string" },
      },
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

/** Tool name back to the proxy operation it stands for. */
export function opForTool(name: string): OpName | undefined {
  if (name === "email_send") return "email.send";
  return (catalogue as ToolEntry[]).find((t) => t.name === name)?.op as OpName | undefined;
}
