/**
 * Bookkeeping that only grows is dropped by the cron once nothing can use it
 * again (src/router/core/prune.ts): idempotency claims of closed tasks,
 * per-minute throttle counters of minutes long past, operator sessions past
 * their expiry. What can still be used stays: an open task's claims, a
 * recently closed task's, this minute's counters, a live session.
 */
import { describe, expect, it } from "vitest";
import { PRUNE_AFTER_MS } from "../src/router/core/prune.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();
const cron = async () => (await t.sys.mf.getWorker("siloos-router")).scheduled({ cron: "* * * * *" });

describe("the cron prunes bookkeeping nothing can use again", () => {
  it("drops closed tasks' effects, old counters and expired sessions, and keeps the rest", async () => {
    const db = await t.sys.db();
    const now = Date.now();
    const old = now - PRUNE_AFTER_MS - 60_000;
    const task = (id: string, status: string, updatedAt: number) =>
      db
        .prepare(
          "INSERT INTO tasks (id, assignee, intent, customer_id, status, channel, created_at, updated_at, expires_at) VALUES (?, 'agent:refund-agent', 'refund', 'cus_1001', ?, 'api', ?, ?, ?)",
        )
        .bind(id, status, updatedAt, updatedAt, updatedAt + 900_000);
    const effect = (taskId: string) =>
      db
        .prepare(
          "INSERT INTO effects (task_id, principal, op, idempotency_key, args_hash, status, result, created_at) VALUES (?, 'agent:refund-agent', 'refund.issue', 'k-00000001', 'h', 'done', '{}', ?)",
        )
        .bind(taskId, old);
    const counter = (period: number) =>
      db
        .prepare("INSERT INTO rate_counters (scope, kind, period, count, refused) VALUES ('agent:x', 'fetch', ?, 3, 0)")
        .bind(period);
    const session = (id: string, expiresAt: number) =>
      db
        .prepare("INSERT INTO operator_sessions (id, operator_id, created_at, expires_at) VALUES (?, 'op_1', ?, ?)")
        .bind(id, expiresAt - 3_600_000, expiresAt);
    await db.batch([
      task("tsk_prune_closed_old_0000000001", "completed", old),
      task("tsk_prune_closed_new_0000000001", "completed", now),
      task("tsk_prune_open_old_00000000001", "open", old),
      task("tsk_prune_expired_old_000000001", "expired", old),
      effect("tsk_prune_closed_old_0000000001"),
      effect("tsk_prune_closed_new_0000000001"),
      effect("tsk_prune_open_old_00000000001"),
      effect("tsk_prune_expired_old_000000001"),
      counter(Math.floor(old / 60_000)),
      counter(Math.floor(now / 60_000)),
      session("ses_prune_expired", old),
      session("ses_prune_live", now + 3_600_000),
    ]);

    await cron();

    const effects = await db
      .prepare("SELECT task_id FROM effects WHERE task_id LIKE 'tsk_prune_%' ORDER BY task_id")
      .all<{ task_id: string }>();
    expect(effects.results.map((r) => r.task_id)).toEqual([
      "tsk_prune_closed_new_0000000001",
      "tsk_prune_open_old_00000000001",
    ]);
    const counters = await db
      .prepare("SELECT period FROM rate_counters WHERE scope = 'agent:x'")
      .all<{ period: number }>();
    expect(counters.results.map((r) => r.period)).toEqual([Math.floor(now / 60_000)]);
    const sessions = await db
      .prepare("SELECT id FROM operator_sessions WHERE id LIKE 'ses_prune_%'")
      .all<{ id: string }>();
    expect(sessions.results.map((r) => r.id)).toEqual(["ses_prune_live"]);
    // Records are not bookkeeping: the task rows stay.
    const tasks = await db
      .prepare("SELECT COUNT(*) AS n FROM tasks WHERE id LIKE 'tsk_prune_%'")
      .first<{ n: number }>();
    expect(tasks?.n).toBe(4);
  });
});
