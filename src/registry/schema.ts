import { z } from "zod";
import { CapabilitySchema, escalationTarget } from "../contracts/capabilities.ts";
import { RateLimitsSchema } from "../contracts/limits.ts";

const name = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);

/** An agent's request, as written in agents/<name>/config.yaml. */
export const AgentConfigSchema = z
  .object({
    name,
    description: z.string().min(1).max(300),
    intents: z.array(name).default([]),
    model: z.string().min(1).default("default"),
    base_keys: z.array(CapabilitySchema).min(1),
    escalation: z.array(escalationTarget).default([]),
    /** In-cell rate limits (src/contracts/limits.ts); the defaults apply when absent. */
    rate_limits: RateLimitsSchema.optional(),
  })
  .strict();

/** The grant: what the router mints for this agent, compiled at build time. */
export const AgentEntrySchema = z.object({
  name,
  description: z.string(),
  binding: z.string().regex(/^AGENT_[A-Z0-9_]+$/),
  intents: z.array(name),
  model: z.string(),
  caps: z.array(CapabilitySchema),
  escalation: z.array(escalationTarget),
  rateLimits: RateLimitsSchema.optional(),
  instructions: z.string(),
});
export type AgentEntry = z.infer<typeof AgentEntrySchema>;

/**
 * What a template variable may hold (src/proxy/ops/hydrate.ts): a token of one
 * PII kind from the customer's record or message, a value of a fixed shape,
 * or free text. Declared with the template; undeclared means `text`.
 */
export const TEMPLATE_VAR_TYPES = [
  "name",
  "email",
  "phone",
  "address",
  "amount",
  "currency",
  "order_id",
  "refund_id",
  "date",
  "text",
] as const;
export type TemplateVarType = (typeof TEMPLATE_VAR_TYPES)[number];
const varName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/);

export const TemplateSchema = z.object({
  name,
  owner: name,
  subject: z.string().min(1).max(200),
  body: z.string().min(1).max(20_000),
  variables: z.array(varName),
  types: z.record(varName, z.enum(TEMPLATE_VAR_TYPES)).default({}),
  /** An email that claims an effect is sent only when that effect exists in the same task. */
  effect: z.enum(["refund"]).optional(),
});
export type Template = z.infer<typeof TemplateSchema>;

/** A human role, as written in humans/<role>.yaml: the grant of its operators' base keys. */
export const RoleConfigSchema = z
  .object({ role: name, description: z.string().min(1).max(300), base_keys: z.array(CapabilitySchema).min(1) })
  .strict();

export const RoleEntrySchema = z.object({ name, description: z.string(), caps: z.array(CapabilitySchema) });
export type RoleEntry = z.infer<typeof RoleEntrySchema>;

/** A proxy operation as a model tool, its JSON Schema computed at build time (src/registry/tools.ts). */
export const ToolEntrySchema = z.object({
  op: z.string(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolEntry = z.infer<typeof ToolEntrySchema>;

export const RegistrySchema = z.object({
  agents: z.array(AgentEntrySchema),
  templates: z.array(TemplateSchema),
  roles: z.array(RoleEntrySchema),
  tools: z.array(ToolEntrySchema),
});
export type Registry = z.infer<typeof RegistrySchema>;

export function bindingFor(agent: string): string {
  return `AGENT_${agent.toUpperCase().replace(/-/g, "_")}`;
}
