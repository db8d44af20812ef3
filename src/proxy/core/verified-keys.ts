import type { BaseKeyClaims, TaskKeyClaims } from "../../keys/claims.ts";
import { verifyBaseKey, verifyTaskKey } from "../../keys/verify.ts";
import type { ProxyEnv } from "./env.ts";
import { verifyJwks } from "./env.ts";

/**
 * Keys this isolate has verified, by their exact text: an agent sends the same
 * two keys on every call of its run, and each Ed25519 check costs more than the
 * rest of a small call. A hit is the same bytes under the same public keys, so
 * the signature, issuer, audience, type and claim shape checks would pass
 * again; only expiry moves, and it is checked on every hit (an expired key
 * falls through to the full check, which refuses it as key_expired). Revocation
 * and task state are the vault's checks, on every call, as before. Only keys
 * that verified are kept; the memory is capped and dropped whole when full.
 */
const MAX_KEYS = 1024;
const verified = new Map<string, { exp: number }>();

export function baseKeyOf(env: ProxyEnv, token: unknown): Promise<BaseKeyClaims> {
  return remembered(env, token, "base", verifyBaseKey) as Promise<BaseKeyClaims>;
}

export function taskKeyOf(env: ProxyEnv, token: unknown): Promise<TaskKeyClaims> {
  return remembered(env, token, "task", verifyTaskKey) as Promise<TaskKeyClaims>;
}

async function remembered<T extends { exp: number }>(
  env: ProxyEnv,
  token: unknown,
  kind: string,
  verify: (jwks: ReturnType<typeof verifyJwks>, token: unknown) => Promise<T>,
): Promise<T> {
  const jwks = verifyJwks(env);
  // The public keys are part of the memory's key: a rotated set verifies afresh.
  const key = typeof token === "string" ? `${kind}\n${env.SILOOS_VERIFY_JWKS}\n${token}` : undefined;
  const hit = key === undefined ? undefined : (verified.get(key) as T | undefined);
  // jose refuses exp <= now (whole seconds); a hit must be strictly before its exp.
  if (hit && Date.now() / 1000 < hit.exp) return hit;
  const claims = await verify(jwks, token);
  if (key !== undefined) {
    if (verified.size >= MAX_KEYS) verified.clear();
    verified.set(key, Object.freeze(claims));
  }
  return claims;
}
