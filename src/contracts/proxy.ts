import { z } from "zod";
import type { ErrorCode } from "../errors/index.ts";
import { type RecordPrefix, recordIdPattern } from "./ids.ts";
import { ChatRequestSchema } from "./llm.ts";
import { ONE_TOKEN } from "./tokens.ts";

/** An idempotency key: 8–80 of letters, digits and `_ . : -`. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,80}$/;

/**
 * Every call an agent (or a human, through the router) makes to the proxy.
 * The contract; the proxy's hot path parses with its exact twin,
 * parseProxyCall (src/contracts/fast-parse.ts).
 */
export const ProxyCallSchema = z.object({
  baseKey: z.unknown(),
  taskKey: z.unknown(),
  op: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).default({}),
  /** Required for actions: a retried call with the same key never acts twice. */
  idempotencyKey: z.string().regex(IDEMPOTENCY_KEY).optional(),
});
export type ProxyCall = z.input<typeof ProxyCallSchema>;

export type ProxyResult<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorCode; message: string };

const money = z.number().finite().positive().max(1_000_000_000);
const recordId = (prefix: RecordPrefix) => z.string().regex(recordIdPattern(prefix));
/** A token the vault issued, e.g. [EMAIL_1]. */
export const TokenSchema = z.string().regex(ONE_TOKEN);

/** Argument schemas, shared by the SDK's typed tools and the proxy's checks. */
export const OpArgs = {
  whoami: z.object({}).strict(),
  "customer.read": z.object({ customerId: recordId("cus") }).strict(),
  "orders.list": z.object({ customerId: recordId("cus") }).strict(),
  "case.read": z.object({ caseId: recordId("cas") }).strict(),
  "shipment.track": z.object({ orderId: recordId("ord") }).strict(),
  "refund.issue": z
    .object({
      orderId: recordId("ord"),
      amount: money,
      currency: z.string().regex(/^[A-Z]{3}$/),
      reason: z.string().min(1).max(500),
    })
    .strict(),
  "email.send": z
    .object({
      template: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
      to: TokenSchema,
      variables: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/), z.string().max(500)).default({}),
    })
    .strict(),
  "reply.send": z.object({ text: z.string().min(1).max(4000) }).strict(),
  "transcript.read": z.object({}).strict(),
  "llm.chat": ChatRequestSchema,
  "pii.reveal": z.object({ token: TokenSchema }).strict(),
} as const;

export type OpName = keyof typeof OpArgs;
export type OpArgsOf<N extends OpName> = z.input<(typeof OpArgs)[N]>;

export function isOpName(op: string): op is OpName {
  return Object.hasOwn(OpArgs, op);
}

/** Operations that change the world: they need an idempotency key. */
export const ACTION_OPS: ReadonlySet<OpName> = new Set(["refund.issue", "email.send", "reply.send"]);
