// Shared types of the free-text PII scanner.

export type PiiKind = "NAME" | "EMAIL" | "PHONE" | "CARD" | "ADDRESS" | "IBAN" | "SSN" | "IP";

export const PII_KINDS: readonly PiiKind[] = ["NAME", "EMAIL", "PHONE", "CARD", "ADDRESS", "IBAN", "SSN", "IP"];

/** A value the task already knows is PII (this customer's name, email, phone...). */
export interface KnownValue {
  kind: PiiKind;
  value: string;
}

/** A detected PII span: text.slice(start, end) === value. */
export interface Span {
  start: number;
  end: number;
  kind: PiiKind;
  value: string;
}
