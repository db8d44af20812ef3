// Free-text PII scanner: known values + pattern detectors -> spans / tokens.
// Runs in workerd (no Node APIs); see docs/scanner.md for coverage and figures.

export { findPii, tokenizeText } from "./scan.ts";
export type { KnownValue, PiiKind, Span } from "./types.ts";
export { PII_KINDS } from "./types.ts";
