import { compactVerify, decodeJwt } from "jose";
import { isTaskId } from "../../contracts/ids.ts";
import { SiloError } from "../../errors/index.ts";
import type { BaseKeyClaims, TaskKeyClaims } from "../../keys/claims.ts";
import { keyResolver } from "../../keys/verify.ts";
import { type ProxyEnv, verifyJwks } from "./env.ts";
import { baseKeyOf, taskKeyOf } from "./verified-keys.ts";

export interface Authenticated {
  principal: string;
  base: BaseKeyClaims;
  task: TaskKeyClaims;
}

/**
 * Both keys, on every call: signature and expiry, then that they belong
 * together and to the caller. Whether the task's vault still admits them is
 * checked by the vault in the call's own vault RPC (src/proxy/core/call-vault.ts).
 * `caller` comes from the service binding (ctx.props), never from the agent.
 */
export async function authenticate(
  env: ProxyEnv,
  caller: string | undefined,
  baseKey: unknown,
  taskKey: unknown,
): Promise<Authenticated> {
  // Verified once per isolate and key, expiry checked on every call (verified-keys.ts).
  const base = await baseKeyOf(env, baseKey);
  const task = await taskKeyOf(env, taskKey);
  if (base.tid !== task.tid) throw new SiloError("key_wrong_task", "base key and task key are for different tasks");
  if (base.sub !== task.sub)
    throw new SiloError("key_wrong_agent", "base key and task key belong to different principals");
  if (caller !== undefined && base.sub !== caller) {
    throw new SiloError("key_wrong_agent", "these keys were minted for another principal");
  }
  return { principal: base.sub, base, task };
}

/**
 * The task a refused call is filed under in the audit log: the base key's
 * task only if a router key signed it (an expired or revoked key still names
 * its own task truthfully). A forged key's claim is never believed: anyone
 * could otherwise file rows on another task.
 */
export async function signedTaskId(env: ProxyEnv, token: unknown): Promise<string | null> {
  if (typeof token !== "string" || token.length === 0 || token.length > 8192) return null;
  try {
    await compactVerify(token, keyResolver(verifyJwks(env)));
    const tid = decodeJwt(token).tid;
    return isTaskId(tid) ? tid : null;
  } catch {
    return null;
  }
}
