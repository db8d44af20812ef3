import { concatBytes, fromHex, toHex, utf8 } from "../crypto/encoding.ts";
import { hmacKey, hmacSign, hmacVerify } from "../crypto/hmac.ts";
import { SiloError } from "../errors/index.ts";

/**
 * Stripe-style webhook signatures:
 *   X-SiloOS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]
 * Several v1 values let a sender sign with an old and a new secret while it
 * rotates; several receiver secrets let SiloOS rotate on its side.
 */
export const SIGNATURE_HEADER = "x-siloos-signature";
/** How far a signature's timestamp may be from now, either way. */
export const REPLAY_WINDOW_SECONDS = 300;

const MAX_HEADER_CHARS = 1024;
const MAX_SIGNATURES = 5;

export interface ParsedSignature {
  timestamp: number;
  signatures: Uint8Array[];
}

export interface VerifiedSignature {
  /**
   * HMAC of the signed content under the source's first secret: the same for
   * every copy of one signed request whichever v1 it carries, so a replay with
   * a new delivery id is still recognised. Reveals nothing without the secret.
   */
  digest: string;
}

/** Parse the header; anything unexpected is a bad signature, never a crash. */
export function parseSignatureHeader(header: string | undefined): ParsedSignature {
  if (!header || header.length > MAX_HEADER_CHARS)
    throw new SiloError("bad_signature", `missing or oversized ${SIGNATURE_HEADER} header`);
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new SiloError("bad_signature", "malformed signature header: expected t=…,v1=…");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value))
        throw new SiloError("bad_signature", "malformed signature timestamp");
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!/^[0-9a-fA-F]{64}$/.test(value))
        throw new SiloError("bad_signature", "malformed v1 signature: expected 64 hex characters");
      signatures.push(fromHex(value));
    }
    // Other schemes (v0, …) are ignored, as Stripe does: only v1 is trusted.
  }
  if (timestamp === undefined || signatures.length === 0)
    throw new SiloError("bad_signature", "the signature header needs t= and at least one v1=");
  if (signatures.length > MAX_SIGNATURES)
    throw new SiloError("bad_signature", `at most ${MAX_SIGNATURES} v1 signatures`);
  return { timestamp, signatures };
}

/**
 * Verify over the raw body bytes (never re-serialized JSON), in constant time
 * (crypto.subtle.verify), then the replay window: a stale timestamp is only
 * reported for a signature that is otherwise genuine.
 */
export async function verifySignature(
  secrets: readonly string[],
  header: string | undefined,
  rawBody: Uint8Array,
  nowMs = Date.now(),
): Promise<VerifiedSignature> {
  const parsed = parseSignatureHeader(header);
  const signed = concatBytes(utf8(`${parsed.timestamp}.`), rawBody);
  const keys = await Promise.all(secrets.map(hmacKey));
  const checks = await Promise.all(keys.flatMap((key) => parsed.signatures.map((sig) => hmacVerify(key, signed, sig))));
  if (!checks.includes(true)) throw new SiloError("bad_signature", "no v1 signature matches this source's secret");
  const age = Math.abs(Math.floor(nowMs / 1000) - parsed.timestamp);
  if (age > REPLAY_WINDOW_SECONDS)
    throw new SiloError("stale_signature", `the signature timestamp is more than ${REPLAY_WINDOW_SECONDS} s from now`);
  return { digest: toHex(await hmacSign(keys[0]!, signed)) };
}
