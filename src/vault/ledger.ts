import type { ErrorCode } from "../errors/index.ts";

/**
 * The task's own ledgers, in its Vault's SQLite storage (src/vault/schema.ts):
 * its rate counters, its model token reservations and its effect claims.
 * Nothing here spans tasks, and a Durable Object runs one call's synchronous
 * work at a time, so each check-then-act below (read, compare, write, with no
 * await between) is atomic: of N concurrent calls, no more pass a limit than
 * it allows, no two claim one idempotency key. The limits that span tasks
 * (per agent per minute, per customer per day, an order's refundable amount)
 * stay conditional writes in D1 (src/proxy/ledger/).
 */
export interface TaskCount {
  kind: string;
  limit: number;
  /** For the refusal message: "proxy calls per task". */
  what: string;
}

export type CountResult = { ok: true } | { ok: false; code: "rate_limited"; message: string; refused: number };

export interface EffectKey {
  key: string;
  hash: string;
}

export type EffectClaim =
  | { kind: "claimed" }
  | { kind: "replay"; result: Record<string, unknown> }
  | { kind: "refused"; code: ErrorCode; message: string };

/** Fewer completion tokens than this left: the budget is spent. */
export const MIN_COMPLETION_TOKENS = 16;

export class TaskLedger {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Count one call against each counter; past any of them nothing is counted but the refusal. */
  count(counts: readonly TaskCount[]): CountResult {
    for (const c of counts) {
      const row = this.#sql
        .exec<{ count: number }>("SELECT count FROM task_counters WHERE kind = ?", c.kind)
        .toArray()[0];
      if ((row?.count ?? 0) >= c.limit) return this.refuse(c);
    }
    for (const c of counts)
      this.#sql.exec(
        "INSERT INTO task_counters (kind, count) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET count = count + 1",
        c.kind,
      );
    return { ok: true };
  }

  /** Count a refusal on its counter (refusals are audited at the 1st, 10th, 100th …). */
  refuse(c: TaskCount): CountResult & { ok: false } {
    const row = this.#sql
      .exec<{ refused: number }>(
        "INSERT INTO task_counters (kind, refused) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET refused = refused + 1 RETURNING refused",
        c.kind,
      )
      .one();
    const refused = Number(row.refused);
    return {
      ok: false,
      code: "rate_limited",
      message: `the limit of ${c.limit} ${c.what} is reached (refusals so far: ${refused})`,
      refused,
    };
  }

  counters(): Record<string, { count: number; refused: number }> {
    const out: Record<string, { count: number; refused: number }> = {};
    for (const r of this.#sql.exec<{ kind: string; count: number; refused: number }>(
      "SELECT kind, count, refused FROM task_counters",
    ))
      out[r.kind] = { count: r.count, refused: r.refused };
    return out;
  }

  /** Model tokens spent or reserved in this task: a reservation never settled (a crash) stays counted. */
  tokensSpent(): number {
    return Number(
      this.#sql.exec("SELECT COALESCE(SUM(COALESCE(used, reserved)), 0) AS total FROM llm_ledger").one().total,
    );
  }

  /**
   * Reserve before a model call: the prompt estimate plus the completion it
   * may ask for, capped by what is left. Null: the budget is spent.
   */
  reserveTokens(
    principal: string,
    budget: number,
    promptTokens: number,
    maxTokens: number,
  ): { id: string; maxTokens: number } | null {
    const left = budget - this.tokensSpent();
    if (left < promptTokens + MIN_COMPLETION_TOKENS) return null;
    const reserved = Math.min(promptTokens + maxTokens, left);
    const id = `llm_${crypto.randomUUID().replace(/-/g, "")}`;
    this.#sql.exec(
      "INSERT INTO llm_ledger (id, principal, reserved, used, created_at) VALUES (?, ?, ?, NULL, ?)",
      id,
      principal,
      reserved,
      Date.now(),
    );
    return { id, maxTokens: reserved - promptTokens };
  }

  /** Replace a reservation by what the call really used (0 if it failed); returns the task's total. */
  settleTokens(id: string, used: number): number {
    this.#sql.exec("UPDATE llm_ledger SET used = ? WHERE id = ?", Math.max(0, Math.ceil(used)), id);
    return this.tokensSpent();
  }

  /**
   * Claim an idempotency key for (principal, op): a key already used with other
   * arguments is refused, a key whose effect is running is refused, a key whose
   * effect happened replays its stored result.
   */
  claim(principal: string, op: string, e: EffectKey): EffectClaim {
    const row = this.#sql
      .exec<{ args_hash: string; status: string; result: string | null }>(
        "SELECT args_hash, status, result FROM effects WHERE principal = ? AND op = ? AND idempotency_key = ?",
        principal,
        op,
        e.key,
      )
      .toArray()[0];
    if (!row) {
      this.#sql.exec(
        "INSERT INTO effects (principal, op, idempotency_key, args_hash, status, result, created_at) VALUES (?, ?, ?, ?, 'pending', NULL, ?)",
        principal,
        op,
        e.key,
        e.hash,
        Date.now(),
      );
      return { kind: "claimed" };
    }
    if (row.args_hash !== e.hash)
      return {
        kind: "refused",
        code: "idempotency_conflict",
        message: `this idempotency key was already used for ${op} with other arguments; nothing was done`,
      };
    if (row.status !== "done" || row.result === null)
      return {
        kind: "refused",
        code: "conflict",
        message: "an action with this idempotency key is in progress; nothing was done",
      };
    return { kind: "replay", result: JSON.parse(row.result) as Record<string, unknown> };
  }

  /** The effect happened: replays return this result (minus its replay flag). */
  complete(principal: string, op: string, key: string, result: unknown): void {
    const { replayed: _flag, ...rest } = (result && typeof result === "object" ? result : {}) as Record<
      string,
      unknown
    >;
    this.#sql.exec(
      "UPDATE effects SET status = 'done', result = ? WHERE principal = ? AND op = ? AND idempotency_key = ? AND status = 'pending'",
      JSON.stringify(rest),
      principal,
      op,
      key,
    );
  }

  /** The effect did not happen: a retry may run it. */
  release(principal: string, op: string, key: string): void {
    this.#sql.exec(
      "DELETE FROM effects WHERE principal = ? AND op = ? AND idempotency_key = ? AND status = 'pending'",
      principal,
      op,
      key,
    );
  }
}
