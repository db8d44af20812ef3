import { afterEach, describe, expect, it } from "vitest";
import { FLAKY_VAULT, useSystem } from "./support/system.ts";

const t = useSystem({ vault: { scriptPath: FLAKY_VAULT, className: "FlakyVault" } });

async function count(table: string, taskId: string): Promise<number> {
  const row = await (await t.sys.db())
    .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE task_id = ?`)
    .bind(taskId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

const refund = (idem: string, orderId = "ord_5003", amount = 10) =>
  t.puppet({
    attack: "replay",
    op: "refund.issue",
    args: { orderId, amount, currency: "USD", reason: "x" },
    idempotencyKey: idem,
  });

describe("a failing part fails closed", () => {
  afterEach(async () => {
    const db = await t.sys.db();
    for (const [from, to] of [
      ["audit_log_offline", "audit_log"],
      ["refunds_offline", "refunds"],
      ["audit_seals_offline", "audit_seals"],
    ]) {
      await db
        .prepare(`ALTER TABLE ${from} RENAME TO ${to}`)
        .run()
        .catch(() => undefined);
    }
  });

  it("vault unavailable: every call is refused, nothing is refunded or sent", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    await (await t.vault(task.taskId)).setBroken(true);
    expect(await refund("vault-down-0001")).toMatchObject({ ok: false, error: "vault_unavailable" });
    expect(await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1002" } })).toMatchObject({
      ok: false,
      error: "vault_unavailable",
    });
    expect(await count("refunds", task.taskId)).toBe(0);
    expect(await count("outbox", task.taskId)).toBe(0);
    expect((await t.audit(task.taskId)).at(-1)).toMatchObject({ decision: "refused", reason: "vault_unavailable" });
  });

  it("audit log unavailable: a read is journaled in the vault and reaches the log later; actions are refused, nothing half-written", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    const db = await t.sys.db();
    await db.prepare("ALTER TABLE audit_log RENAME TO audit_log_offline").run();
    // The read's row is durable in the vault's journal before it answers (src/vault/journal.ts).
    expect(await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1002" } })).toMatchObject({
      ok: true,
    });
    expect(await refund("audit-down-0001")).toMatchObject({ ok: false, error: "audit_unavailable" });
    expect(await count("refunds", task.taskId)).toBe(0);
    // And the router will not start a task it cannot record.
    const res = await t.api("/v1/tasks", {
      body: { agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" },
    });
    expect(res).toMatchObject({ status: 503, body: { error: "audit_unavailable" } });
    await db.prepare("ALTER TABLE audit_log_offline RENAME TO audit_log").run();
    // Back up: the journaled read and the refused refund reach the log, in order.
    const rows = (await t.audit(task.taskId))
      .filter((e) => e.event === "proxy.call")
      .map((e) => `${e.op} ${e.decision} ${e.reason ?? ""}`.trim());
    expect(rows.slice(-2)).toEqual(["customer.read allowed", "refund.issue refused audit_unavailable"]);
    // The refused refund did not consume the task's budget: 500 still fits after recovery.
    expect(
      await t.puppet({
        attack: "replay",
        op: "refund.issue",
        args: { orderId: "ord_5003", amount: 459, currency: "USD", reason: "x" },
        idempotencyKey: "after-recovery-1",
      }),
    ).toMatchObject({ ok: true });
  });

  it("a table missing from D1 (migrations not applied): /healthz is 503 until it is there", async () => {
    const db = await t.sys.db();
    await db.prepare("ALTER TABLE audit_seals RENAME TO audit_seals_offline").run();
    expect(await t.api("/healthz", { key: null })).toMatchObject({
      status: 503,
      body: { error: "unavailable", checks: { db: true, schema: false, proxy: true } },
    });
    await db.prepare("ALTER TABLE audit_seals_offline RENAME TO audit_seals").run();
    expect(await t.api("/healthz", { key: null })).toMatchObject({
      status: 200,
      body: { ok: true, checks: { db: true, schema: true, proxy: true } },
    });
  });

  it("a failed write of the effect leaves no audit row claiming it happened, and releases the budget", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1006" }, message: "hi" });
    const db = await t.sys.db();
    await db.prepare("ALTER TABLE refunds RENAME TO refunds_offline").run();
    expect((await refund("store-down-0001", "ord_5007", 129)).ok).toBe(false);
    await db.prepare("ALTER TABLE refunds_offline RENAME TO refunds").run();
    const allowed = (await t.audit(task.taskId)).filter((e) => e.op === "refund.issue" && e.decision === "allowed");
    expect(allowed).toEqual([]);
    expect(await refund("store-back-0001", "ord_5007", 129)).toMatchObject({ ok: true, result: { amount: 129 } });
  });
});

describe("a task whose vault cannot open", () => {
  it("is answered 503 and recorded as failed, never left open", async () => {
    const db = await t.sys.db();
    await db.prepare("ALTER TABLE customers RENAME TO customers_offline").run();
    try {
      const res = await t.api("/v1/tasks", {
        body: { agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" },
      });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/unavailable/);
    } finally {
      await db.prepare("ALTER TABLE customers_offline RENAME TO customers").run();
    }
    const open = await db
      .prepare(
        "SELECT COUNT(*) AS n FROM tasks WHERE status = 'open' AND id NOT IN (SELECT task_id FROM audit_log WHERE event = 'vault.created')",
      )
      .first<{ n: number }>();
    expect(open?.n).toBe(0);
  });
});
