import type { AuditEvent } from "../audit/index.ts";
import type { ErrorCode } from "../errors/index.ts";
import type { EffectKey, TaskCount } from "./ledger.ts";
import type { AgentCount } from "./rate-lease.ts";
import type { VaultMeta } from "./vault.ts";

/**
 * Who is calling, with which keys, for which op: sent with every vault RPC a
 * proxy call makes, so the vault admits the keys in the same RPC that does
 * the call's vault work (and writes its audit row), never in a round trip of
 * its own. The key pair's signatures were checked by the proxy already.
 */
export interface CallFrame {
  principal: string;
  jtis: readonly string[];
  op: string;
  /** Key ids, for the audit row. */
  keys: Record<string, string>;
  /** For ops that can mint tokens: the vault refuses (rate_limited) once it holds this many. */
  maxVaultTokens?: number;
  /** Per-task rate counters this call counts against (src/vault/ledger.ts); sent with its first vault RPC only. */
  count?: TaskCount[];
  /** Per-principal per-minute counters, spent from the task's lease (src/vault/rate-lease.ts); first vault RPC only. */
  perMinute?: AgentCount[];
  /** An effect whose idempotency claim is the vault's: claimed by the call's first vault RPC. */
  effect?: EffectKey;
}

export type Gate = { ok: true; meta: VaultMeta } | { ok: false; code: ErrorCode };
/** A refusal by the vault: admission, a per-task limit (with its message, audited or folded), an idempotency key. */
export type Refusal = { ok: false; code: ErrorCode; message?: string; audited?: boolean };

/** What a caller whose keys the vault does not admit is told (and what its audit row says). */
export const ADMISSION_MESSAGES: Partial<Record<ErrorCode, string>> = {
  task_closed: "the task is closed or expired",
  key_revoked: "these keys are no longer admitted for this task",
  audit_unavailable: "the audit log is unavailable; nothing was done",
};

/** Is this principal, holding these key ids, allowed to act on the task now? */
export function admit(meta: VaultMeta | undefined, principal: string, jtis: readonly string[], now = Date.now()): Gate {
  if (!meta) return { ok: false, code: "task_closed" };
  if (now >= meta.expiresAt) return { ok: false, code: "task_closed" };
  if (meta.principal !== principal) return { ok: false, code: "key_revoked" };
  if (!jtis.every((j) => meta.jtis.includes(j))) return { ok: false, code: "key_revoked" };
  return { ok: true, meta };
}

/** The allowed row of a call, written by the vault when its last step succeeds. */
export function allowedRow(frame: CallFrame, detail: Record<string, unknown> | undefined): AuditEvent {
  return {
    actor: frame.principal,
    event: "proxy.call",
    op: frame.op,
    decision: "allowed",
    detail: { ...detail, keys: frame.keys },
  };
}
