import { SignJWT } from "jose";
import type { Capability } from "../contracts/capabilities.ts";
import { randomHex } from "../crypto/encoding.ts";
import { BASE_KEY_TYP, KEY_ALG, KEY_AUDIENCE, KEY_ISSUER, type Scope, TASK_KEY_TYP } from "./claims.ts";
import type { Signer } from "./keyring.ts";

export interface MintOptions {
  signer: Signer;
  principal: string;
  taskId: string;
  ttlSeconds: number;
  now?: Date;
}

export interface MintedKey {
  token: string;
  jti: string;
  expiresAt: number;
}

/** Base key: what the principal may do, for this task only. */
export function mintBaseKey(opts: MintOptions & { caps: readonly Capability[] }): Promise<MintedKey> {
  return mint(opts, BASE_KEY_TYP, { kind: "base", caps: opts.caps });
}

/** Task key: which records the principal may see, for this task only. */
export function mintTaskKey(opts: MintOptions & { scope: Scope }): Promise<MintedKey> {
  return mint(opts, TASK_KEY_TYP, { kind: "task", scope: opts.scope });
}

async function mint(opts: MintOptions, typ: string, body: Record<string, unknown>): Promise<MintedKey> {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = iat + opts.ttlSeconds;
  const jti = randomHex(16);
  const token = await new SignJWT({ ...body, tid: opts.taskId })
    .setProtectedHeader({ alg: KEY_ALG, kid: opts.signer.kid, typ })
    .setIssuer(KEY_ISSUER)
    .setAudience(KEY_AUDIENCE)
    .setSubject(opts.principal)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(opts.signer.key);
  return { token, jti, expiresAt: exp };
}
