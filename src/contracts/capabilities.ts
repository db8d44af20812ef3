import { z } from "zod";

/**
 * What a base key may grant. The router's compiled registry is the grant; an
 * agent's config.yaml is only the request. Each capability names one proxy
 * operation family and carries its limits.
 */
const ref = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);
export const escalationTarget = z.string().regex(/^(human:)?[a-z][a-z0-9-]{1,40}$/);

export const CapabilitySchema = z.discriminatedUnion("capability", [
  z.object({ capability: z.literal("customer.read") }).strict(),
  z.object({ capability: z.literal("orders.list") }).strict(),
  z.object({ capability: z.literal("case.read") }).strict(),
  z.object({ capability: z.literal("shipment.track") }).strict(),
  /** The task's conversation, tokenized: what the model loop reads. */
  z.object({ capability: z.literal("transcript.read") }).strict(),
  z
    .object({
      capability: z.literal("refund.issue"),
      /** Largest single refund, in the currency's major unit. */
      limit: z.number().positive().finite(),
      /** Cumulative ceiling for one task, so many small refunds cannot beat `limit`. */
      perTaskLimit: z.number().positive().finite(),
      /** Refunds by this principal over 24 hours, across tasks: a per-task limit multiplies with tasks. */
      perAgentDailyLimit: z.number().positive().finite(),
      /** Refunds to one customer over 24 hours, by anyone, across tasks. */
      perCustomerDailyLimit: z.number().positive().finite(),
      /** Order statuses a refund is allowed for (e.g. delivered; never returned or in transit). */
      orderStatuses: z.array(z.string().regex(/^[a-z][a-z_]{1,30}$/)).min(1),
      currency: z.string().regex(/^[A-Z]{3}$/),
      /**
       * The part above `limit`, up to `upTo`, is not refused but held for a
       * person of `role` to approve (docs/approvals.md). Above `upTo`: refused.
       */
      approval: z.object({ role: ref, upTo: z.number().positive().finite() }).strict().optional(),
    })
    .strict()
    .refine((c) => !c.approval || c.approval.upTo > c.limit, {
      message: "approval.upTo must be above limit",
      path: ["approval", "upTo"],
    }),
  z.object({ capability: z.literal("email.send"), templates: z.array(ref).min(1) }).strict(),
  z.object({ capability: z.literal("reply.send") }).strict(),
  z.object({ capability: z.literal("escalate"), targets: z.array(escalationTarget).min(1) }).strict(),
  z
    .object({
      capability: z.literal("llm.chat"),
      models: z.array(z.string().min(1)).min(1),
      tokenBudget: z.number().int().positive(),
    })
    .strict(),
  z.object({ capability: z.literal("pii.reveal") }).strict(),
]);

export type Capability = z.infer<typeof CapabilitySchema>;
export type CapabilityName = Capability["capability"];
export type CapabilityOf<N extends CapabilityName> = Extract<Capability, { capability: N }>;

export { findCapability } from "./find-capability.ts";
