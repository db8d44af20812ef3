import { findPii, tokenizeText, type KnownValue, type PiiKind } from "../scan/index.ts";
import { formatToken, TOKEN_PATTERN, valueKey } from "./tokens.ts";

export interface TokenEntry {
  kind: PiiKind;
  value: string;
}

/**
 * A task's token table in memory: value → token and token → value, with
 * per-kind counters. Pure (no storage): the Vault persists what `drain()`
 * returns, and rebuilds a table with `load()` after eviction.
 */
export class TokenTable {
  readonly byToken = new Map<string, TokenEntry>();
  readonly #byValue = new Map<string, string>();
  readonly #counters = new Map<PiiKind, number>();
  #pending: Record<string, TokenEntry> = {};
  known: KnownValue[] = [];

  /** Rebuild from persisted `t:<token>` entries. */
  load(token: string, entry: TokenEntry): void {
    this.byToken.set(token, entry);
    this.#byValue.set(valueKey(entry.kind, entry.value), token);
    const n = Number(/_(\d+)\]$/.exec(token)?.[1] ?? 0);
    this.#counters.set(entry.kind, Math.max(this.#counters.get(entry.kind) ?? 0, n));
  }

  /** The token for a value: the same value (in any spelling) always gets the same one. */
  assign(kind: PiiKind, value: string): string {
    const key = valueKey(kind, value);
    const existing = this.#byValue.get(key);
    if (existing) return existing;
    const n = (this.#counters.get(kind) ?? 0) + 1;
    this.#counters.set(kind, n);
    const token = formatToken(kind, n);
    this.#byValue.set(key, token);
    this.byToken.set(token, { kind, value });
    this.#pending[`t:${token}`] = { kind, value };
    return token;
  }

  tokenize(text: string): string {
    return tokenizeText(text, this.known, (kind, value) => this.assign(kind, value));
  }

  /**
   * Kinds of the real values this table knows that appear in `text` (tokens
   * are fine). Names and addresses are found through the known list (which
   * record fields join, see learn()); emails, phones, cards… by the detectors.
   */
  realValueKinds(text: string): string[] {
    const keys = new Set([...this.byToken.values(), ...this.known].map((e) => valueKey(e.kind, e.value)));
    const hits = findPii(text, this.known).filter((s) => keys.has(valueKey(s.kind, s.value)));
    return [...new Set(hits.map((h) => h.kind))];
  }

  /**
   * A value a record declared PII becomes a known value of the task, so the
   * same person or street is also caught in free text. Returns true when the
   * known list grew (the caller persists it).
   */
  learn(kind: PiiKind, value: string): boolean {
    const key = valueKey(kind, value);
    if (this.known.some((k) => valueKey(k.kind, k.value) === key)) return false;
    this.known = [...this.known, { kind, value }];
    return true;
  }

  hydrate(text: string): { text: string; unknown: string[] } {
    const unknown: string[] = [];
    const hydrated = text.replace(TOKEN_PATTERN, (token) => {
      const entry = this.byToken.get(token);
      if (!entry) unknown.push(token);
      return entry ? entry.value : token;
    });
    return { text: hydrated, unknown };
  }

  /** New entries since the last drain, keyed for storage. */
  drain(): Record<string, TokenEntry> {
    const pending = this.#pending;
    this.#pending = {};
    return pending;
  }
}
