/**
 * One error type with a stable code, mapped once to HTTP. The same codes
 * appear in API responses, audit rows, docs and test assertions.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  validation_failed: 400,
  unknown_operation: 400,
  unauthorized: 401,
  bad_signature: 401,
  stale_signature: 401,
  key_missing: 401,
  key_invalid: 401,
  key_forged: 401,
  key_expired: 401,
  key_revoked: 401,
  key_wrong_agent: 403,
  key_wrong_task: 403,
  capability_denied: 403,
  scope_denied: 403,
  limit_exceeded: 403,
  template_denied: 403,
  currency_denied: 403,
  recipient_denied: 403,
  variable_denied: 403,
  effect_unproven: 409,
  model_denied: 403,
  pii_in_prompt: 403,
  ungrounded_action: 403,
  link_denied: 403,
  escalation_denied: 403,
  budget_exhausted: 429,
  egress_denied: 403,
  origin_denied: 403,
  forbidden: 403,
  not_found: 404,
  unknown_agent: 404,
  unknown_task: 404,
  unknown_record: 404,
  unknown_source: 404,
  task_closed: 409,
  conflict: 409,
  idempotency_conflict: 409,
  order_not_refundable: 409,
  approval_expired: 410,
  /** An operator account locked after too many failed sign-ins. */
  locked: 423,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  unknown_requester: 422,
  agent_failed: 502,
  llm_unavailable: 502,
  llm_not_configured: 503,
  mail_not_configured: 503,
  agent_unavailable: 503,
  audit_unavailable: 503,
  vault_unavailable: 503,
  store_unavailable: 503,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class SiloError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "SiloError";
    this.code = code;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The wire shape of every refusal: across HTTP and across RPC. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}

export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof SiloError) return { error: err.code, message: err.message };
  // Never echo an unknown error's message: it may carry a raw value.
  return { error: "internal", message: "internal error" };
}
