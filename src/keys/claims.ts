import { z } from "zod";
import { CapabilitySchema } from "../contracts/capabilities.ts";
import { CASE_ID, CUSTOMER_ID, TASK_ID } from "../contracts/ids.ts";

export const KEY_ISSUER = "siloos-router";
export const KEY_AUDIENCE = "siloos-proxy";
export const KEY_ALG = "EdDSA";
export const BASE_KEY_TYP = "siloos-base+jwt";
export const TASK_KEY_TYP = "siloos-task+jwt";

/** `agent:<name>` or `human:<operator id>`: who the key was minted for. */
export const PrincipalSchema = z.string().regex(/^(agent|human):[a-z0-9][a-z0-9_.-]{0,62}$/);

export const ScopeSchema = z
  .object({
    customer: z.string().regex(CUSTOMER_ID),
    case: z.string().regex(CASE_ID).optional(),
  })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

const registered = {
  iss: z.literal(KEY_ISSUER),
  aud: z.literal(KEY_AUDIENCE),
  sub: PrincipalSchema,
  tid: z.string().regex(TASK_ID),
  jti: z.string().min(16),
  iat: z.number().int(),
  exp: z.number().int(),
};

export const BaseKeyClaimsSchema = z
  .object({ ...registered, kind: z.literal("base"), caps: z.array(CapabilitySchema) })
  .strict();
export const TaskKeyClaimsSchema = z.object({ ...registered, kind: z.literal("task"), scope: ScopeSchema }).strict();

export type BaseKeyClaims = z.infer<typeof BaseKeyClaimsSchema>;
export type TaskKeyClaims = z.infer<typeof TaskKeyClaimsSchema>;
