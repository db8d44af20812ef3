import { describe, expect, it } from "vitest";
import { runShard } from "../src/router/run/index.ts";
import { eventually } from "./support/eventually.ts";
import { attack } from "./support/redteam.ts";
import { FAULTY, HOSTILE, PUPPET, useSystem } from "./support/system.ts";

/**
 * Fault injection on durable runs: an agent that hangs or crashes, D1 gone
 * in the middle of a run, a crash between an effect and its reply. Each ends
 * in a known state (an outcome or the human queue, with the reason), with
 * nothing half-written and no effect twice.
 */
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, FAULTY], routerVars: { SILOOS_AGENT_TIMEOUT_SECONDS: "2" } });

const start = async (message: string, customerId = "cus_1002") => {
  const res = await t.api("/v1/tasks?async=1", { body: { agent: "faulty-agent", subject: { customerId }, message } });
  expect(res.status).toBe(202);
  return res.body.taskId as string;
};
const task = async (id: string) => (await t.api(`/v1/tasks/${id}`)).body;
const settled = (id: string) =>
  eventually(
    async () => ((await task(id)).status !== "open" || (await task(id)).outcome === "completed" ? task(id) : null),
    60_000,
    `task ${id} settled`,
  );
const count = async (sql: string, ...args: unknown[]) =>
  (
    await (
      await t.sys.db()
    )
      .prepare(sql)
      .bind(...args)
      .first<{ n: number }>()
  )?.n;

describe("a durable run under faults", () => {
  it("an agent that hangs: timed out, tried once more, then queued for a person with the reason", async () => {
    const id = await start("hang");
    const done = await settled(id);
    expect(done).toMatchObject({ status: "queued_human", assignee: "human:support", outcome: "failed" });
    const audit = await t.audit(id);
    expect(audit.filter((e) => e.event === "task.dispatched")).toHaveLength(2);
    expect(audit.find((e) => e.event === "task.queued_human")).toMatchObject({
      reason: "agent_failed",
      detail: { reason: "agent_timeout: no answer in time" },
    });
  });

  it("runs in one shard go on side by side: a run whose agent hangs holds up no other run of its TaskRun object", async () => {
    const hung = await start("hang");
    // Tasks, 16 at a time, until one lands in the hung run's shard (16 shards).
    const others: string[] = [];
    while (!others.some((id) => runShard(id) === runShard(hung)) && others.length < 160)
      others.push(...(await Promise.all(Array.from({ length: 16 }, () => start("ok")))));
    const neighbour = others.find((id) => runShard(id) === runShard(hung));
    expect(neighbour).toBeDefined();
    expect(await settled(hung)).toMatchObject({ status: "queued_human", outcome: "failed" });
    for (const id of others) expect(await settled(id)).toMatchObject({ outcome: "completed", replies: ["All done."] });
    // Begun after the hung run, the neighbour ended before it (two tries of 2 s): not queued behind it.
    const finished = (await t.audit(neighbour!)).filter((e) => e.event === "task.run_finished");
    const queued = (await t.audit(hung)).filter((e) => e.event === "task.queued_human");
    expect(finished).toHaveLength(1);
    expect(queued).toHaveLength(1);
    expect(finished[0]!.seq).toBeLessThan(queued[0]!.seq);
  });

  it("an agent that crashes: tried once more, then queued for a person; its error text is never recorded", async () => {
    const id = await start("crash");
    expect(await settled(id)).toMatchObject({ status: "queued_human", outcome: "failed" });
    const audit = await t.audit(id);
    expect(audit.filter((e) => e.event === "task.dispatched")).toHaveLength(2);
    expect(audit.find((e) => e.event === "task.queued_human")).toMatchObject({
      reason: "agent_failed",
      detail: { reason: "agent_error: the agent threw" },
    });
    expect(JSON.stringify(audit)).not.toContain("faulty agent crashed");
  });

  // The durable run retries a hop that crashed: an agent must not turn that retry into a second effect.
  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "crash right after a refund so the retried hop refunds again",
      evidence: "one refund row; the retry's refund.issue audited as a replay; one reply; one run_finished",
    },
    async () => {
      const id = await start("refund-then-crash ord_5003 25");
      expect(await settled(id)).toMatchObject({
        status: "open",
        outcome: "completed",
        replies: ["Refunded 25 USD for ord_5003."],
      });
      expect(await count("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?", id)).toBe(1);
      const refunds = (await t.audit(id)).filter((e) => e.op === "refund.issue");
      expect(refunds.map((e) => [e.decision, (e.detail as { replayed?: boolean }).replayed ?? false])).toEqual([
        ["allowed", false],
        ["allowed", true],
      ]);
      expect((await t.audit(id)).filter((e) => e.event === "task.run_finished")).toHaveLength(1);
    },
  );

  it("D1 gone in the middle of a run: the run parks and retries, then ends once D1 is back; nothing is half-written", async () => {
    const db = await t.sys.db();
    const id = await start("slow-refund ord_5005 10 1500", "cus_1004");
    // The refund is written; take the audit log away before the hop settles.
    await eventually(
      async () => (await count("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?", id)) === 1,
      30_000,
      "refund written",
    );
    await db.prepare("ALTER TABLE audit_log RENAME TO audit_log_offline").run();
    try {
      await eventually(async () => {
        const row = await db
          .prepare("SELECT status, outcome FROM tasks WHERE id = ?")
          .bind(id)
          .first<{ status: string; outcome: string | null }>();
        return row?.status === "open" && row.outcome === null;
      });
      // A step was refused (the reply's audit row, then the next dispatch's): the task is open with no outcome, the run retrying.
      const ns = await t.sys.mf.getDurableObjectNamespace("TASK_RUN", "siloos-router");
      const run = ns.get(ns.idFromName(runShard(id))) as unknown as {
        status(taskId: string): Promise<{ phase: string; lastError?: string } | null>;
      };
      await eventually(async () => (await run.status(id))?.lastError === "audit_unavailable", 30_000, "step refused");
      expect((await run.status(id))?.phase).not.toBe("done");
    } finally {
      await db.prepare("ALTER TABLE audit_log_offline RENAME TO audit_log").run();
    }
    expect(await settled(id)).toMatchObject({ status: "open", outcome: "completed" });
    expect(await count("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?", id)).toBe(1);
    expect((await t.audit(id)).filter((e) => e.event === "task.run_finished")).toHaveLength(1);
  });

  it("the async API answers 202 with the task's URL; the events stream ends with the task's status", async () => {
    const res = await t.api("/v1/tasks", {
      headers: { prefer: "respond-async" },
      body: { agent: "faulty-agent", subject: { customerId: "cus_1004" }, message: "ok" },
    });
    expect(res.status).toBe(202);
    expect(res.body.links).toEqual({
      self: `/v1/tasks/${res.body.taskId}`,
      events: `/v1/tasks/${res.body.taskId}/events`,
    });
    const stream = await t.sys.mf.dispatchFetch(new URL(res.body.links.events, t.sys.url).href, {
      headers: { authorization: `Bearer ${t.secrets.SILOOS_API_KEY}` },
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    expect(text).toContain('event: reply\ndata: {"text":"All done.","by":"agent"}');
    expect(text).toMatch(/event: status\ndata: \{"status":"open"/);
    expect(text).toContain("event: done");
    expect(await task(res.body.taskId)).toMatchObject({ outcome: "completed", replies: ["All done."] });
  });
});
