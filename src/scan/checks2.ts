// More validators: card issuer prefixes by length, short national phone
// numbers, phone extensions. Kept apart from checks.ts so each stays small.
import { idCueBefore, versionCueBefore } from "./checks.ts";

/**
 * Card number lengths by issuer: 13-19 digits starting 2-6 (Visa,
 * Mastercard, Amex, Diners, JCB, Discover, UnionPay), 12-digit Maestro
 * (50, 56-69) and JCB's 15-digit 1800 range. Luhn is checked separately.
 */
export function cardIssuer(d: string): boolean {
  const n = d.length;
  if (n >= 13 && n <= 19) return /^[2-6]/.test(d) || (n === 15 && d.startsWith("1800"));
  return n === 12 && /^(?:50|5[6-9]|6)/.test(d);
}

const YEAR = /^(?:19|20)\d\d$/;
const CURRENCY_BEFORE =
  /(?:[$€£¥₹]|\b(?:eur|usd|gbp|chf|sek|nok|dkk|pln|inr|jpy|rs|kr|total|amount|price|sum)\.?:?)\s*$/i;
const CURRENCY_AFTER =
  /^\s*(?:[$€£¥₹%]|(?:eur|usd|gbp|chf|sek|nok|dkk|pln|inr|jpy|kr|zł|km|kg|mb|gb|items|units|pcs|times)\b)/i;

/**
 * A short national phone number ("555-1234", "1234 5678", "46 88 00 18",
 * "804-95-63", "989 368 800"): 7-10 digits in 2-4 groups, and not a date
 * ("23.11.2026", "2026-11-23"), a year range ("2019-2025"), a decimal, an
 * SSN shape ("000-12-3456" fails the SSN row and falls through to here), an
 * amount, or a number after an identifier cue.
 */
export function shortPhone(text: string, start: number, m: string): boolean {
  const sep = m.match(/[ .-]/)?.[0] ?? "";
  const groups = m.split(sep);
  const digits = groups.join("").length;
  if (digits < 7 || digits > 10) return false;
  // one long group only, in a 10-digit number: Greek "2670 287428"
  if (groups.some((g) => g.length > 4) && (digits !== 10 || groups.length !== 2)) return false;
  if (groups.length === 2 && (sep === "." || groups.every((g) => YEAR.test(g)))) return false;
  if (groups.length === 3 && groups.some((g) => YEAR.test(g)) && groups.filter((g) => g.length <= 2).length === 2)
    return false;
  if (sep === "-" && /^\d{3}-\d{2}-\d{4}$/.test(m)) return false;
  if (sep === "." && groups.length === 4 && groups.every((g) => g.length <= 3)) return false; // a bad IP

  const before = text.slice(Math.max(0, start - 12), start);
  const after = text.slice(start + m.length, start + m.length + 8);
  if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after)) return false;
  // A postcode before its town: Portuguese "7339-147 Caniço", Japanese "424-6481 北森山村".
  if (/^\d{3,4}-\d{3,4}$/.test(m) && /^[ \u00a0][\p{Lu}\p{Lo}]/u.test(after)) return false;
  return !idCueBefore(text, start) && !versionCueBefore(text, start);
}

const EXT = /[ \u00a0]?(?:x|ext\.?|extension)[ \u00a0]?\d{1,5}(?![\w])/iy;

/** Length of a phone extension ("x1234", " ext. 12") starting at `at`, or 0. */
export function extensionAt(text: string, at: number): number {
  EXT.lastIndex = at;
  const m = EXT.exec(text);
  return m ? m[0].length : 0;
}
