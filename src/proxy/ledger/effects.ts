import type { OpName } from "../../contracts/proxy.ts";
import { sha256Hex } from "../../crypto/encoding.ts";
import { SiloError } from "../../errors/index.ts";

/**
 * Idempotency for every effectful operation. A key is scoped to the task, the
 * principal and the operation, so one principal can never squat the key
 * another will use; the row stores a hash of the canonical arguments, so a
 * key reused with other arguments is refused (idempotency_conflict) instead of
 * replayed; and a replay returns the stored result of an effect that did
 * happen, never a different one. The claim is one conditional insert: of N
 * concurrent calls with one key, exactly one runs.
 */
export interface EffectClaim {
  taskId: string;
  principal: string;
  op: OpName;
  key: string;
  hash: string;
}

export type Claimed = { kind: "claimed"; claim: EffectClaim } | { kind: "replay"; result: Record<string, unknown> };

const PK = "task_id = ? AND principal = ? AND op = ? AND idempotency_key = ?";
const pk = (c: EffectClaim) => [c.taskId, c.principal, c.op, c.key] as const;

/** SHA-256 of the arguments in canonical JSON (keys sorted at every level). */
export function argsHash(args: unknown): Promise<string> {
  return sha256Hex(canonicalJson(args));
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Claim the key for this call, or learn that the effect already happened (replay) or conflicts. */
export async function claimEffect(d1: D1Database, c: EffectClaim): Promise<Claimed> {
  return (await claimEffectWith(d1, c, [])).claimed;
}

/**
 * claimEffect, with the op's own D1 reads (`reads`, refund.issue's order and
 * sums) in the same batch: one round trip, one transaction. The claim's row
 * is read back in it too, for a key already taken. `results`: the reads'.
 */
export async function claimEffectWith(
  d1: D1Database,
  c: EffectClaim,
  reads: readonly D1PreparedStatement[],
): Promise<{ claimed: Claimed; results: D1Result[] }> {
  const [inserted, existing, ...results] = await d1.batch([
    d1
      .prepare(
        "INSERT INTO effects (task_id, principal, op, idempotency_key, args_hash, status, result, created_at) VALUES (?, ?, ?, ?, ?, 'pending', NULL, ?) ON CONFLICT DO NOTHING",
      )
      .bind(...pk(c), c.hash, Date.now()),
    d1.prepare(`SELECT args_hash, status, result FROM effects WHERE ${PK}`).bind(...pk(c)),
    ...reads,
  ]);
  if (inserted?.meta.changes === 1) return { claimed: { kind: "claimed", claim: c }, results };
  const row = existing?.results[0] as { args_hash: string; status: string; result: string | null } | undefined;
  return { claimed: verdict(c, row), results };
}

function verdict(
  c: EffectClaim,
  row: { args_hash: string; status: string; result: string | null } | undefined,
): Claimed {
  if (row && row.args_hash !== c.hash) {
    throw new SiloError(
      "idempotency_conflict",
      `this idempotency key was already used for ${c.op} with other arguments; nothing was done`,
    );
  }
  if (row?.status !== "done" || row.result === null) {
    // Another call with this key is running (or just failed): never report its effect as ours.
    throw new SiloError("conflict", "an action with this idempotency key is in progress; nothing was done");
  }
  return { kind: "replay", result: JSON.parse(row.result) as Record<string, unknown> };
}

/** The statement that marks the claim done, for a batch that holds the effect itself. */
export function completeEffectStatement(
  d1: D1Database,
  c: EffectClaim,
  result: unknown,
  onlyIf?: { sql: string; binds: unknown[] },
): D1PreparedStatement {
  const guard = onlyIf ? ` AND ${onlyIf.sql}` : "";
  return d1
    .prepare(`UPDATE effects SET status = 'done', result = ? WHERE ${PK} AND status = 'pending'${guard}`)
    .bind(JSON.stringify(stored(result)), ...pk(c), ...(onlyIf?.binds ?? []));
}

/** What a replay returns: the result as first given, minus the replay flag. */
function stored(result: unknown): unknown {
  if (!result || typeof result !== "object") return result;
  const { replayed: _flag, ...rest } = result as Record<string, unknown>;
  return rest;
}

/**
 * Run an effect under its claim: a failure releases the claim (nothing
 * happened, a retry may run); success records the result for replays.
 */
export async function runClaimed<T extends { result: unknown; effectRecorded?: boolean }>(
  d1: D1Database,
  c: EffectClaim,
  run: () => Promise<T>,
): Promise<T> {
  let outcome: T;
  try {
    outcome = await run();
  } catch (err) {
    await d1
      .prepare(`DELETE FROM effects WHERE ${PK} AND status = 'pending'`)
      .bind(...pk(c))
      .run()
      .catch(() => undefined);
    throw err;
  }
  // The effect happened: if this write fails the claim stays pending, so a
  // retry is refused rather than repeated (fail closed on repetition).
  if (!outcome.effectRecorded)
    await completeEffectStatement(d1, c, outcome.result)
      .run()
      .catch(() => undefined);
  return outcome;
}
