import { importJWK, type JSONWebKeySet, type JWK } from "jose";
import { z } from "zod";
import { SiloError } from "../errors/index.ts";
import { KEY_ALG } from "./claims.ts";

const PrivateJwkSchema = z
  .object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), d: z.string(), kid: z.string().min(1) })
  .passthrough();
const PublicJwkSchema = z
  .object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string().min(1) })
  .passthrough();

export interface Signer {
  kid: string;
  key: CryptoKey;
}

/**
 * SILOOS_SIGNING_KEYS is a JSON array of private Ed25519 JWKs, newest first.
 * The first signs; all of them are published so keys minted just before a
 * rotation still verify until they expire.
 */
export function parseSigningKeys(raw: string | undefined): JWK[] {
  if (!raw) throw new SiloError("internal", "SILOOS_SIGNING_KEYS is not set");
  const parsed = z.array(PrivateJwkSchema).min(1).safeParse(safeJson(raw));
  if (!parsed.success)
    throw new SiloError("internal", "SILOOS_SIGNING_KEYS is not a JSON array of Ed25519 private JWKs");
  return parsed.data as JWK[];
}

export function publicJwks(privateKeys: readonly JWK[]): JSONWebKeySet {
  return {
    keys: privateKeys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: KEY_ALG, use: "sig" }) as JWK),
  };
}

export function parseVerifyJwks(raw: string | undefined): JSONWebKeySet {
  if (!raw) throw new SiloError("internal", "SILOOS_VERIFY_JWKS is not set");
  const parsed = z.object({ keys: z.array(PublicJwkSchema).min(1) }).safeParse(safeJson(raw));
  if (!parsed.success) throw new SiloError("internal", "SILOOS_VERIFY_JWKS is not a JWK set of Ed25519 public keys");
  // Strip private material defensively: a verifier never needs it.
  return { keys: parsed.data.keys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: KEY_ALG }) as JWK) };
}

// Imported CryptoKeys are derived, immutable data: memoising them per isolate
// keeps key import off the hot path without holding any task state.
const signerCache = new Map<string, Promise<Signer>>();

export function activeSigner(raw: string | undefined): Promise<Signer> {
  const cacheKey = raw ?? "";
  let signer = signerCache.get(cacheKey);
  if (!signer) {
    const [newest] = parseSigningKeys(raw);
    if (!newest?.kid) throw new SiloError("internal", "signing key has no kid");
    const kid = newest.kid;
    signer = importJWK(newest, KEY_ALG).then((key) => ({ kid, key: key as CryptoKey }));
    signerCache.set(cacheKey, signer);
  }
  return signer;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
