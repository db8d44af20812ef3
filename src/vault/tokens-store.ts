import type { KnownValue } from "../scan/index.ts";
import { type TokenEntry, TokenTable } from "./table.ts";

/**
 * The token table and the task's known values in the Vault's SQLite storage
 * (tables `tokens`, a row a token, and `known_values`, in order; see
 * src/vault/schema.ts). The table itself is pure (src/vault/table.ts): this
 * module loads it after eviction and writes what it drained. A call's new
 * tokens and known values are written in one transaction, durable before
 * the call answers (the output gate).
 */
interface TokenRow extends Record<string, SqlStorageValue> {
  token: string;
  kind: string;
  value: string;
  source: string | null;
}

export class TokenStore {
  readonly #sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#sql = storage.sql;
  }

  load(): TokenTable {
    const table = new TokenTable();
    table.known = this.#sql
      .exec<{ kind: string; value: string }>("SELECT kind, value FROM known_values ORDER BY n")
      .toArray()
      .map((r) => ({ kind: r.kind as KnownValue["kind"], value: r.value }));
    for (const r of this.#sql.exec<TokenRow>("SELECT token, kind, value, source FROM tokens"))
      table.load(r.token, {
        kind: r.kind as TokenEntry["kind"],
        value: r.value,
        ...(r.source !== null ? { source: r.source as NonNullable<TokenEntry["source"]> } : {}),
      });
    return table;
  }

  /** Persist what the table drained, and the known list when it changed, together. */
  save(table: TokenTable, known?: readonly KnownValue[]): void {
    const pending = table.drain();
    this.#storage.transactionSync(() => {
      if (known) this.replaceKnown(known);
      this.putTokens(pending);
    });
  }

  putTokens(entries: Readonly<Record<string, TokenEntry>>): void {
    for (const [token, e] of Object.entries(entries))
      this.#sql.exec(
        "INSERT OR REPLACE INTO tokens (token, kind, value, source) VALUES (?, ?, ?, ?)",
        token,
        e.kind,
        e.value,
        e.source ?? null,
      );
  }

  /** The known list is small and replaced whole (open sets it, a record read may grow it). */
  replaceKnown(known: readonly KnownValue[]): void {
    this.#sql.exec("DELETE FROM known_values");
    for (const k of known) this.#sql.exec("INSERT INTO known_values (kind, value) VALUES (?, ?)", k.kind, k.value);
  }
}
