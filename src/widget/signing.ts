/** HMAC-SHA256 signing of small tokens, with WebCrypto (workerd and Node alike). */
const enc = new TextEncoder();

export function b64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A key for one purpose: the same secret signs different kinds of tokens under different labels. */
export async function purposeKey(secret: string, purpose: string): Promise<CryptoKey> {
  const root = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = new Uint8Array(await crypto.subtle.sign("HMAC", root, enc.encode(`siloos:${purpose}`)));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function sign(key: CryptoKey, message: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(message))));
}

/** Constant-time: WebCrypto's verify compares the MAC, not our code. */
export async function verify(key: CryptoKey, message: string, signature: string): Promise<boolean> {
  try {
    return await crypto.subtle.verify("HMAC", key, unb64url(signature), enc.encode(message));
  } catch {
    return false;
  }
}
