import { fromBase64url, toBase64url, utf8 } from "../../crypto/encoding.ts";

/**
 * Operator passwords: PBKDF2-SHA256 ("pbkdf2$<iterations>$<salt>$<hash>",
 * base64url), verified with WebCrypto; the comparison is constant-time.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2" || !iter || !salt || !hash) return false;
  const derived = await pbkdf2(password, fromBase64url(salt), Number(iter));
  const expected = fromBase64url(hash);
  return derived.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(derived, expected);
}

export async function hashPassword(password: string, iterations = 100_000): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const derived = await pbkdf2(password, salt, iterations);
  return `pbkdf2$${iterations}$${toBase64url(salt)}$${toBase64url(new Uint8Array(derived))}`;
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
}
