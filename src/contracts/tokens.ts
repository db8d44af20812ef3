/**
 * Vault tokens (`[NAME_1]`, `[EMAIL_2]` …): typed, readable by a model,
 * meaningless outside the task. The one definition of their shape and of
 * which spellings of a value are the same value: the vault, the scanner, the
 * proxy's checks and `npm run redact` all import these.
 */

/** A kind (2–10 capitals, e.g. NAME, EMAIL, ADDRESS) and a number per kind (1–6 digits). */
const TOKEN_SOURCE = String.raw`\[([A-Z]{2,10})_(\d{1,6})\]`;

/** Every token in a text; groups: kind, number. Global: use with replace/matchAll, never .test. */
export const TOKEN_PATTERN = new RegExp(TOKEN_SOURCE, "g");
/** Exactly one token and nothing else. */
export const ONE_TOKEN = new RegExp(`^${TOKEN_SOURCE}$`);

export function formatToken(kind: string, n: number): string {
  return `[${kind}_${n}]`;
}

/** The kind and number of a string that is exactly one token; null otherwise. */
export function parseToken(text: string): { kind: string; n: number } | null {
  const m = ONE_TOKEN.exec(text);
  return m ? { kind: m[1]!, n: Number(m[2]) } : null;
}

/**
 * Two spellings of the same value share one token within a task (and one
 * line in `npm run redact`): the normal form of a value of a kind.
 */
export function normaliseValue(kind: string, value: string): string {
  const v = value.trim();
  switch (kind) {
    // A phone with and without its country code or trunk 0 is one number: compare the last 10 digits.
    case "PHONE":
      return v.replace(/\D/g, "").slice(-10);
    case "CARD":
    case "SSN":
      return v.replace(/\D/g, "");
    case "IBAN":
      return v.replace(/\s/g, "").toUpperCase();
    default:
      return v.toLowerCase().replace(/\s+/g, " ");
  }
}

/** The key a token table files a value under: kind and normal form. */
export function valueKey(kind: string, value: string): string {
  return `${kind}:${normaliseValue(kind, value)}`;
}
