import { z } from "zod";
import { CapabilitySchema } from "../../contracts/capabilities.ts";
import { ERROR_STATUS } from "../../errors/index.ts";

/** Response shapes of the public API, for the OpenAPI document (and response checks in tests). */
export const ErrorBodySchema = z.object({
  error: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
  message: z.string(),
});

export const TaskViewSchema = z.object({
  taskId: z.string(),
  status: z.enum(["open", "queued_human", "completed", "failed", "expired"]),
  outcome: z.string().nullable(),
  assignee: z.string(),
  intent: z.string().nullable(),
  subject: z.object({ customerId: z.string(), caseId: z.string().nullable() }),
  summary: z.string().nullable(),
  channel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
});

export const TaskResponseSchema = TaskViewSchema.extend({
  reply: z.string().nullable().describe("The latest reply, hydrated for the customer"),
  replies: z.array(z.string()),
  hops: z.array(z.string()).optional().describe("Principals that handled this run, in order"),
});

export const TaskAcceptedSchema = TaskResponseSchema.extend({
  links: z.object({ self: z.string(), events: z.string() }),
});

export const AuditPageSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number().int(),
      at: z.number().int(),
      taskId: z.string().nullable(),
      actor: z.string(),
      event: z.string(),
      op: z.string().nullable(),
      decision: z.enum(["allowed", "refused"]).nullable(),
      reason: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  next: z.number().int(),
});

export const AgentsSchema = z.object({
  agents: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      intents: z.array(z.string()),
      status: z.enum(["online", "offline"]),
      statusChangedAt: z.string().nullable(),
      baseKeys: z.array(CapabilitySchema),
      escalation: z.array(z.string()),
    }),
  ),
});

export const HealthSchema = z.object({
  ok: z.literal(true),
  checks: z.object({ db: z.boolean(), schema: z.boolean(), proxy: z.boolean() }),
});
export const JwksSchema = z.object({
  keys: z.array(
    z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() }),
  ),
});
export const OkSchema = z.object({ ok: z.literal(true) });
export const OperatorSchema = z.object({ id: z.string(), name: z.string(), role: z.string() });
export const QueueSchema = z.object({ tasks: z.array(TaskViewSchema) });
export const ProxyResultSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string(), message: z.string() }),
]);
export const WidgetSessionResponseSchema = z.object({ session: z.string(), expiresAt: z.string() });
export const ConversationSchema = z.object({
  taskId: z.string().nullable(),
  status: z.string().nullable(),
  human: z.boolean(),
  messages: z.array(z.object({ role: z.string(), text: z.string() })),
});
export const WebhookAcceptedSchema = TaskResponseSchema.partial().extend({
  taskId: z.string(),
  duplicate: z.boolean().optional(),
});
export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  sealedThrough: z.number().int(),
  firstBadSeq: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export const DeadLettersSchema = z.object({
  messages: z.array(
    z.object({
      messageId: z.string(),
      taskId: z.string(),
      template: z.string(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      updatedAt: z.number().int(),
    }),
  ),
});
