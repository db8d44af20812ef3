import type { PiiKind } from "../scan/index.ts";

/** `[NAME_1]`, `[EMAIL_2]` …: typed, readable by a model, meaningless outside the task. */
export const TOKEN_PATTERN = /\[([A-Z]+)_(\d{1,6})\]/g;

export function formatToken(kind: PiiKind, n: number): string {
  return `[${kind}_${n}]`;
}

/** Two spellings of the same value share one token within a task. */
export function valueKey(kind: PiiKind, value: string): string {
  const v = value.trim();
  // A phone with and without its country code or trunk 0 is one number: compare the last 10 digits.
  if (kind === "PHONE") return `${kind}:${v.replace(/\D/g, "").slice(-10)}`;
  if (kind === "CARD") return `${kind}:${v.replace(/\D/g, "")}`;
  if (kind === "IBAN") return `${kind}:${v.replace(/\s/g, "").toUpperCase()}`;
  return `${kind}:${v.toLowerCase().replace(/\s+/g, " ")}`;
}

