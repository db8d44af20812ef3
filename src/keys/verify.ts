import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { z } from "zod";
import { SiloError } from "../errors/index.ts";
import {
  BASE_KEY_TYP,
  type BaseKeyClaims,
  BaseKeyClaimsSchema,
  KEY_ALG,
  KEY_AUDIENCE,
  KEY_ISSUER,
  TASK_KEY_TYP,
  type TaskKeyClaims,
  TaskKeyClaimsSchema,
} from "./claims.ts";

export interface VerifyOptions {
  /** Frozen clock for tests; defaults to now. */
  now?: Date;
}

// A JWK set is immutable for the life of an isolate's env: memoise the
// resolver so every proxy call does not re-import the public keys.
const resolverCache = new Map<string, JWTVerifyGetKey>();

export function keyResolver(jwks: JSONWebKeySet): JWTVerifyGetKey {
  const cacheKey = JSON.stringify(jwks);
  let resolver = resolverCache.get(cacheKey);
  if (!resolver) {
    resolver = createLocalJWKSet(jwks);
    resolverCache.set(cacheKey, resolver);
  }
  return resolver;
}

export function verifyBaseKey(jwks: JSONWebKeySet, token: unknown, opts: VerifyOptions = {}): Promise<BaseKeyClaims> {
  return verifyKind(jwks, token, BASE_KEY_TYP, BaseKeyClaimsSchema, "base key", opts);
}

export function verifyTaskKey(jwks: JSONWebKeySet, token: unknown, opts: VerifyOptions = {}): Promise<TaskKeyClaims> {
  return verifyKind(jwks, token, TASK_KEY_TYP, TaskKeyClaimsSchema, "task key", opts);
}

async function verifyKind<T>(
  jwks: JSONWebKeySet,
  token: unknown,
  typ: string,
  schema: z.ZodType<T>,
  label: string,
  opts: VerifyOptions,
): Promise<T> {
  if (typeof token !== "string" || token.length === 0) throw new SiloError("key_missing", `${label} is missing`);
  if (token.length > 8192) throw new SiloError("key_invalid", `${label} is too large`);
  let payload: unknown;
  try {
    // jose checks the signature before it looks at any claim.
    ({ payload } = await jwtVerify(token, keyResolver(jwks), {
      algorithms: [KEY_ALG],
      issuer: KEY_ISSUER,
      audience: KEY_AUDIENCE,
      typ,
      currentDate: opts.now,
      requiredClaims: ["exp", "iat", "jti", "sub"],
    }));
  } catch (err) {
    throw mapJoseError(err, label);
  }
  const claims = schema.safeParse(payload);
  if (!claims.success) throw new SiloError("key_invalid", `${label} has malformed claims`);
  return claims.data;
}

function mapJoseError(err: unknown, label: string): SiloError {
  if (err instanceof errors.JWTExpired) return new SiloError("key_expired", `${label} has expired`);
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return new SiloError("key_forged", `${label} is not signed by a SiloOS router key`);
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return new SiloError("key_invalid", `${label} failed claim check: ${err.claim}`);
  }
  return new SiloError("key_invalid", `${label} is not a valid SiloOS key`);
}
