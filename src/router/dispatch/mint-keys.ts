import type { AuditEvent } from "../../audit/index.ts";
import type { Capability } from "../../contracts/capabilities.ts";
import type { Scope } from "../../keys/claims.ts";
import { activeSigner } from "../../keys/keyring.ts";
import { type MintedKey, mintBaseKey, mintTaskKey } from "../../keys/sign.ts";

/** Keys live minutes; a task key also dies with its task's vault. */
export const KEY_TTL_SECONDS = 300;

export interface KeyPair {
  base: MintedKey;
  task: MintedKey;
}

export async function mintKeyPair(
  signingKeys: string,
  principal: string,
  taskId: string,
  caps: readonly Capability[],
  scope: Scope,
): Promise<KeyPair> {
  const signer = await activeSigner(signingKeys);
  const common = { signer, principal, taskId, ttlSeconds: KEY_TTL_SECONDS };
  const [base, task] = await Promise.all([mintBaseKey({ ...common, caps }), mintTaskKey({ ...common, scope })]);
  return { base, task };
}

/** Audit the key ids and grants, never the tokens themselves. */
export function keysMintedEvent(
  taskId: string,
  principal: string,
  keys: KeyPair,
  caps: readonly Capability[],
): AuditEvent {
  return {
    taskId,
    actor: "router",
    event: "key.minted",
    detail: {
      principal,
      base: { jti: keys.base.jti, exp: keys.base.expiresAt, caps: caps.map((c) => c.capability) },
      task: { jti: keys.task.jti, exp: keys.task.expiresAt },
    },
  };
}
