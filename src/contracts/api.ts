import { z } from "zod";
import { CASE_ID, CUSTOMER_ID, TASK_ID } from "./ids.ts";

/** Bodies of the router's public API. The OpenAPI document is built from these. */
export const MAX_MESSAGE_CHARS = 8000;
export const MAX_BODY_BYTES = 64 * 1024;

export const SubjectSchema = z
  .object({
    customerId: z.string().regex(CUSTOMER_ID, "customerId must look like cus_…"),
    caseId: z.string().regex(CASE_ID, "caseId must look like cas_…").optional(),
  })
  .strict();

export const CreateTaskSchema = z
  .object({
    agent: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,40}$/)
      .optional(),
    intent: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,40}$/)
      .optional(),
    subject: SubjectSchema,
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
    channel: z.enum(["api", "widget", "webhook"]).default("api"),
  })
  .strict()
  .refine((b) => Boolean(b.agent) !== Boolean(b.intent), { message: "name exactly one of agent or intent" });
export type CreateTask = z.infer<typeof CreateTaskSchema>;

export const AddMessageSchema = z.object({ message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }).strict();

export const AuditQuerySchema = z.object({
  taskId: z.string().regex(TASK_ID).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const AgentStatusSchema = z.object({ status: z.enum(["online", "offline"]) }).strict();

export const ConsoleLoginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();
export const ConsoleCallSchema = z
  .object({
    op: z.string().min(1).max(64),
    args: z.record(z.string(), z.unknown()).default({}),
    baseKey: z.string(),
    taskKey: z.string(),
    idempotencyKey: z.string().optional(),
  })
  .strict();
export const HandBackSchema = z.object({ agent: z.string().min(1).max(64) }).strict();

export const MAX_WIDGET_MESSAGE = 2000;
export const WidgetOpenSessionSchema = z
  .object({ site: z.string().min(1).max(40), identity: z.string().min(1).max(300) })
  .strict();
export const WidgetMessageSchema = z.object({ message: z.string().trim().min(1).max(MAX_WIDGET_MESSAGE) }).strict();

/**
 * A person's decision on held actions (docs/approvals.md): ids and
 * approve/reject, nothing else. There is no field for an amount or for
 * arguments: the call that runs is the one the proxy holds.
 */
export const ApprovalDecisionSchema = z
  .object({ ids: z.array(z.string().max(64)).min(1).max(50), decision: z.enum(["approve", "reject"]) })
  .strict();
