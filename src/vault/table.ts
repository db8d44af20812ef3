import { formatToken, parseToken, valueKey } from "../contracts/tokens.ts";
import { findPii, type KnownValue, type PiiKind, tokenizeText } from "../scan/index.ts";
import {
  hydrateOutbound,
  mergeProvenance,
  type OutboundHydration,
  type Provenance,
  provenanceOf,
} from "./provenance.ts";

export interface TokenEntry {
  kind: PiiKind;
  value: string;
  /** Where the value came from (src/vault/provenance.ts); absent in entries written before it existed. */
  source?: Provenance;
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

  /** Rebuild from persisted entries (src/vault/tokens-store.ts). */
  load(token: string, entry: TokenEntry): void {
    this.byToken.set(token, entry);
    this.#byValue.set(valueKey(entry.kind, entry.value), token);
    const n = parseToken(token)?.n ?? 0;
    this.#counters.set(entry.kind, Math.max(this.#counters.get(entry.kind) ?? 0, n));
  }

  /**
   * The token for a value: the same value (in any spelling) always gets the
   * same one, and keeps the most trusted provenance it was seen with.
   */
  assign(kind: PiiKind, value: string, source: Provenance = "agent"): string {
    const key = valueKey(kind, value);
    const existing = this.#byValue.get(key);
    if (existing) {
      const entry = this.byToken.get(existing)!;
      const merged = mergeProvenance(provenanceOf(entry), source);
      if (merged !== entry.source) {
        const upgraded = { ...entry, source: merged };
        this.byToken.set(existing, upgraded);
        this.#pending[existing] = upgraded;
      }
      return existing;
    }
    const n = (this.#counters.get(kind) ?? 0) + 1;
    this.#counters.set(kind, n);
    const token = formatToken(kind, n);
    this.#byValue.set(key, token);
    this.byToken.set(token, { kind, value, source });
    this.#pending[token] = { kind, value, source };
    return token;
  }

  /**
   * Tokenize free text written by `source`. A span equal to a value the system
   * of record holds for this customer (the known list) is that record's value,
   * whoever wrote it.
   */
  tokenize(text: string, source: Provenance = "agent"): string {
    const known = new Set(this.known.map((k) => valueKey(k.kind, k.value)));
    return tokenizeText(text, this.known, (kind, value) =>
      this.assign(kind, value, known.has(valueKey(kind, value)) ? "record" : source),
    );
  }

  /** The token a value already has, without minting one (minting is observable). */
  tokenOf(kind: PiiKind, value: string): string | undefined {
    return this.#byValue.get(valueKey(kind, value));
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

  /** Outbound text under the hydration policy (hydrateOutbound): never an agent-written value, cards masked. */
  hydrate(text: string): OutboundHydration {
    return hydrateOutbound(text, (token) => this.byToken.get(token));
  }

  /** New or changed entries since the last drain, keyed by token. */
  drain(): Record<string, TokenEntry> {
    const pending = this.#pending;
    this.#pending = {};
    return pending;
  }
}
