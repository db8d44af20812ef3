/**
 * An effect that writes its own audit row to D1 (a refund, a mail) carries
 * the task's journaled rows (src/vault/journal.ts) in its own D1 batch,
 * before its row (src/proxy/ledger/journal-carry.ts): the log keeps the
 * order of the calls, and the vault forgets the rows only once that batch
 * committed. These tests hold both halves, with the vault's shipping alarm
 * out of the way, so only the effect's batch can have brought the rows.
 */
import { describe, expect, it } from "vitest";
import { operator, setAgentStatus } from "./support/console.ts";
import { useSystem } from "./support/system.ts";

const HOLD = { SILOOS_AUDIT_SHIP_MS: "600000" };
const t = useSystem({ proxyVars: HOLD });
let n = 0;

const refund = (amount: number) =>
  t.puppet({
    attack: "replay",
    op: "refund.issue",
    args: { orderId: "ord_5005", amount, currency: "USD", reason: "test" },
    idempotencyKey: `carry-refund-${++n}`,
  });
const email = () =>
  t.puppet({
    attack: "replay",
    op: "email.send",
    args: { template: "puppet-notice", to: "[EMAIL_1]", variables: { name: "[NAME_1]", note: "Parts ship today." } },
    idempotencyKey: `carry-mail-${++n}`,
  });
const call = (op: string, args: Record<string, unknown> = {}) => t.puppet({ attack: "replay", op, args });

/** The task's proxy-call rows in D1, read from D1 itself (no shipping on the way). */
async function d1Calls(taskId: string): Promise<string[]> {
  const rows = await (await t.sys.db())
    .prepare("SELECT op, decision, reason FROM audit_log WHERE task_id = ? AND event = 'proxy.call' ORDER BY seq")
    .bind(taskId)
    .all<{ op: string; decision: string; reason: string | null }>();
  return rows.results.map((r) => [r.op, r.decision, r.reason].filter(Boolean).join(" "));
}

/** A puppet task, and the call rows its run's end shipped to D1. */
async function openTask(): Promise<{ taskId: string; base: string[] }> {
  const task = await t.createTask({
    agent: "puppet-agent",
    subject: { customerId: "cus_1004", caseId: "cas_2003" },
    message: "hello",
  });
  return { taskId: task.taskId, base: await d1Calls(task.taskId) };
}

async function sql(statement: string): Promise<void> {
  await (await t.sys.db()).prepare(statement).run();
}

describe("the journal rides in the effect's own D1 batch", () => {
  it("when an effect's row is written, every row before it is in D1 already, each once, in order; the chain verifies", async () => {
    const { taskId, base } = await openTask();
    // What D1 holds of the task's calls at the moment each effect's own row goes in.
    await sql("CREATE TABLE IF NOT EXISTS test_seen (what TEXT NOT NULL, calls INTEGER NOT NULL)");
    await sql("DELETE FROM test_seen");
    // (On the audit row, not the refund's: a trigger's write would count in the conditional insert's changes.)
    await sql(
      "CREATE TRIGGER test_seen_effect AFTER INSERT ON audit_log WHEN NEW.event = 'proxy.call' AND NEW.decision = 'allowed' AND NEW.op IN ('refund.issue', 'email.send') BEGIN INSERT INTO test_seen SELECT NEW.op, COUNT(*) FROM audit_log WHERE task_id = NEW.task_id AND event = 'proxy.call' AND seq < NEW.seq; END",
    );
    try {
      expect(await call("whoami")).toMatchObject({ ok: true });
      expect(await call("customer.read", { customerId: "cus_1004" })).toMatchObject({ ok: true });
      const vault = await t.vault(taskId);
      expect(await vault.journalSize()).toBe(2);
      expect(await d1Calls(taskId)).toEqual(base);
      expect(await refund(10)).toMatchObject({ ok: true, result: { amount: 10, replayed: false } });
      expect(await call("whoami")).toMatchObject({ ok: true });
      expect(await email()).toMatchObject({ ok: true });
      const seen = await (await t.sys.db()).prepare("SELECT what, calls FROM test_seen").all();
      // Before the refund: whoami, customer.read. Before the mail: those, the refund, whoami.
      expect(seen.results).toEqual([
        { what: "refund.issue", calls: base.length + 2 },
        { what: "email.send", calls: base.length + 4 },
      ]);
    } finally {
      await sql("DROP TRIGGER IF EXISTS test_seen_effect");
    }
    expect(await d1Calls(taskId)).toEqual([
      ...base,
      "whoami allowed",
      "customer.read allowed",
      "refund.issue allowed",
      "whoami allowed",
      "email.send allowed",
    ]);
    // The mail's next vault RPC told the vault its batch committed: nothing is left to ship.
    expect(await (await t.vault(taskId)).journalSize()).toBe(0);
    expect((await t.api(`/v1/tasks/${taskId}/complete`, { method: "POST" })).status).toBe(200);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });

  for (const effect of [
    { name: "refund", table: "refunds", run: () => refund(10) },
    { name: "mail", table: "outbox", run: email },
  ]) {
    it(`D1 failing mid-way through the ${effect.name}'s batch writes nothing of it, and the vault keeps the rows it carried`, async () => {
      const { taskId, base } = await openTask();
      expect(await call("whoami")).toMatchObject({ ok: true });
      expect(await call("customer.read", { customerId: "cus_1004" })).toMatchObject({ ok: true });
      // After the carried rows and the effect's own row are in, the batch's transaction aborts.
      await sql(
        `CREATE TRIGGER test_fail_midway AFTER INSERT ON ${effect.table} BEGIN SELECT RAISE(ABORT, 'test: D1 fails mid-way'); END`,
      );
      try {
        expect(await effect.run()).toMatchObject({ ok: false, error: "audit_unavailable" });
      } finally {
        await sql("DROP TRIGGER IF EXISTS test_fail_midway");
      }
      const db = await t.sys.db();
      const count = async (table: string) =>
        (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE task_id = ?`).bind(taskId).first<{ n: number }>())
          ?.n;
      expect(await count(effect.table)).toBe(0);
      expect(await count("effects")).toBe(0);
      // Nothing partial: not one row of the batch is in D1; the vault still holds every row, the refusal last.
      expect(await d1Calls(taskId)).toEqual(base);
      const vault = await t.vault(taskId);
      expect(await vault.journalSize()).toBe(3);
      // D1 back: the effect goes through, and the log has every call once, in the order they were made.
      expect(await effect.run()).toMatchObject({ ok: true });
      const op = effect.name === "refund" ? "refund.issue" : "email.send";
      expect(await d1Calls(taskId)).toEqual([
        ...base,
        "whoami allowed",
        "customer.read allowed",
        `${op} refused audit_unavailable`,
        `${op} allowed`,
      ]);
      expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
    });
  }
});

describe("more rows waiting than one batch carries", () => {
  it("the older ones ship on their own first, then the rest ride with the effect: every row once, before it", async () => {
    const { taskId, base } = await openTask();
    // 120 calls at once (CARRY_MAX is 100), none shipped: the alarm is held.
    const answers = await Promise.all(Array.from({ length: 120 }, () => call("whoami")));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(await (await t.vault(taskId)).journalSize()).toBe(120);
    expect(await refund(10)).toMatchObject({ ok: true });
    expect(await d1Calls(taskId)).toEqual([...base, ...Array(120).fill("whoami allowed"), "refund.issue allowed"]);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });
});

describe("a whole task with effects", () => {
  it("a refund agent's task: its rows reach D1 in call order, and the hash chain verifies", async () => {
    const task = await t.createTask({
      agent: "refund-agent",
      subject: { customerId: "cus_1001" },
      message: "Hi, this is Maria Alvarez. Please refund the 249 USD for ord_5002.",
    });
    expect(task).toMatchObject({ outcome: "completed" });
    // No alarm shipped anything: the effects' batches and the run's end did.
    const calls = await d1Calls(task.taskId);
    expect(calls.filter((c) => !c.startsWith("llm.chat"))).toEqual([
      "whoami allowed",
      "transcript.read allowed",
      "customer.read allowed",
      "orders.list allowed",
      "refund.issue allowed",
      "email.send allowed",
      "reply.send allowed",
    ]);
    const dup = await (await t.sys.db())
      .prepare(
        "SELECT vault_seq, COUNT(*) AS n FROM audit_log WHERE task_id = ? AND vault_seq IS NOT NULL GROUP BY vault_seq HAVING n > 1",
      )
      .bind(task.taskId)
      .all();
    expect(dup.results).toEqual([]);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });
});

describe("a reveal writes its own row to D1, so the rows before it ride along", () => {
  it("a person's calls before a pii.reveal are in D1 before its row, in call order", async () => {
    await setAgentStatus(t, "refund-agent", "offline");
    let taskId: string;
    try {
      taskId = (
        await t.createTask({ intent: "refund", subject: { customerId: "cus_1002" }, message: "Please refund ord_5003" })
      ).taskId;
    } finally {
      await setAgentStatus(t, "refund-agent", "online");
    }
    const carol = await operator(t, "carol");
    const { keys } = (await carol.call(`/tasks/${taskId}/take`, {})).body;
    const as = (op: string, args: Record<string, unknown>) =>
      carol.call(`/tasks/${taskId}/call`, { op, args, ...keys });
    expect((await as("whoami", {})).body).toMatchObject({ ok: true });
    expect((await as("customer.read", { customerId: "cus_1002" })).body).toMatchObject({ ok: true });
    expect((await as("pii.reveal", { token: "[EMAIL_1]" })).body).toMatchObject({
      ok: true,
      result: { kind: "EMAIL" },
    });
    // Read from D1 itself: nothing shipped the journal but the reveal's batch (the alarm is held off).
    const rows = await (await t.sys.db())
      .prepare("SELECT event, op FROM audit_log WHERE task_id = ? ORDER BY seq")
      .bind(taskId)
      .all<{ event: string; op: string | null }>();
    expect(rows.results.slice(-3)).toEqual([
      { event: "proxy.call", op: "whoami" },
      { event: "proxy.call", op: "customer.read" },
      { event: "pii.revealed", op: "pii.reveal" },
    ]);
  });
});
