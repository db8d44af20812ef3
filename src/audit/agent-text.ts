import { sha256Hex } from "../crypto/encoding.ts";

/**
 * Agent-chosen strings on their way into the append-only log (issue 9,
 * item 6). The log can never be erased, so what an agent (or a model) chose
 * is kept only in a form that cannot carry a real value out: either a length
 * and a hash, or text the vault already tokenized with opaque runs (base64,
 * hex: a name encoded to slip past the scanner) cut out, and a size cap.
 */
export interface TextDigest {
  chars: number;
  sha256: string;
}

/** A length and a short hash: enough to tell two values apart, never to read one. */
export async function digestText(text: string): Promise<TextDigest> {
  return { chars: text.length, sha256: (await sha256Hex(text)).slice(0, 16) };
}

// 16+ characters of one base64 / base64url / hex run with no space: no
// sentence has one. Record ids (ord_…, tsk_…) are the one exception.
const OPAQUE = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const RECORD_ID = /^[a-z]{3}_[A-Za-z0-9]{4,40}$/;

/** Tokenized text for people: opaque runs replaced, capped at `max` characters. */
export function auditableText(tokenized: string, max = 500): string {
  const cleaned = tokenized.replace(OPAQUE, (run) => (looksEncoded(run) ? `[OPAQUE ${run.length} chars]` : run));
  return cleaned.length > max ? `${cleaned.slice(0, max)}… [${cleaned.length - max} chars cut]` : cleaned;
}

/** Letters with digits or base64 padding, or more capitals inside than any CamelCase word has. */
function looksEncoded(run: string): boolean {
  if (!/[A-Za-z]/.test(run) || RECORD_ID.test(run)) return false;
  return /\d|[+/=]/.test(run) || (run.slice(1).match(/[A-Z]/g)?.length ?? 0) >= 5;
}
