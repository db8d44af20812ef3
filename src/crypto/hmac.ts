import { toHex, utf8 } from "./encoding.ts";

/**
 * HMAC-SHA256 with WebCrypto, written once (workerd and Node alike). Every
 * secret has one purpose; where one secret keys several kinds of message, each
 * kind gets its own derived key (purposeKey), so a MAC of one kind is never
 * valid as another.
 */
const HMAC = { name: "HMAC", hash: "SHA-256" } as const;

type Bytes = string | Uint8Array;
const bytesOf = (b: Bytes): Uint8Array => (typeof b === "string" ? utf8(b) : b);

/** The secret's own key (its UTF-8 bytes, or raw bytes). */
export function hmacKey(secret: Bytes): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", bytesOf(secret), HMAC, false, ["sign", "verify"]);
}

/** A key for one purpose: HMAC(secret, "siloos:<purpose>") as the key, so the same secret never signs two kinds of token alike. */
export async function purposeKey(secret: string, purpose: string): Promise<CryptoKey> {
  const derived = await hmacSign(await hmacKey(secret), `siloos:${purpose}`);
  return hmacKey(derived);
}

export async function hmacSign(key: CryptoKey, message: Bytes): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, bytesOf(message)));
}

/** Constant-time (WebCrypto compares the MAC, not our code); false, never a throw, on a malformed signature. */
export async function hmacVerify(key: CryptoKey, message: Bytes, signature: Uint8Array): Promise<boolean> {
  try {
    return await crypto.subtle.verify("HMAC", key, signature, bytesOf(message));
  } catch {
    return false;
  }
}

/** HMAC-SHA256 hex under a purpose key: a stable name for something the log must not hold in clear. */
export async function keyedDigest(secret: string, purpose: string, value: string): Promise<string> {
  return toHex(await hmacSign(await purposeKey(secret, purpose), value));
}
