import { describe, expect, it } from "vitest";
import { guardedTaskWrite } from "../src/router/lifecycle/guarded.ts";
import { operator, setAgentStatus } from "./support/console.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

/**
 * Take and hand back are check-then-act across requests: who may take a
 * queued task, and whether it is still the holder's to hand back. Each is one
 * guarded D1 batch in the task lifecycle (src/router/lifecycle/human.ts), so
 * of N people (or N tabs) acting at once exactly one wins, the rest get
 * `conflict` (or `forbidden`, when they read the task after the winner took
 * it), and the audit log holds the winner's rows only.
 */
const t = useSystem();
const N = 6;

async function queuedTask(customerId: string, orderId: string) {
  await setAgentStatus(t, "refund-agent", "offline");
  try {
    return await t.createTask({ intent: "refund", subject: { customerId }, message: `Please refund ${orderId}` });
  } finally {
    await setAgentStatus(t, "refund-agent", "online");
  }
}

/**
 * One open connection per caller before the race: otherwise the first request
 * rides the pool's warm socket and is done before the others have connected,
 * and "concurrent" requests arrive one after another.
 */
async function warm(people: Array<{ call(path: string): Promise<unknown> }>): Promise<void> {
  await Promise.all(people.map((p) => p.call("/me")));
}

/** N support operators besides the seeded ones (alice's password hash, their own names). */
async function supportOperators(n: number) {
  const db = await t.sys.db();
  const alice = await db
    .prepare("SELECT password_hash FROM operators WHERE username = 'alice'")
    .first<{ password_hash: string }>();
  const names = Array.from({ length: n }, (_, i) => `racer${i}`);
  await db.batch(
    names.map((name) =>
      db
        .prepare(
          "INSERT OR IGNORE INTO operators (id, username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, 'support', ?, 0)",
        )
        .bind(`op_${name}`, name, name, alice!.password_hash),
    ),
  );
  return Promise.all(names.map((name) => operator(t, name, "alice-demo-password")));
}

/** A loser raced the winner (409 conflict) or read the task after the winner had it (403 forbidden). */
function expectLost(r: { status: number; body: { error?: string } }): void {
  expect([
    { status: 409, error: "conflict" },
    { status: 403, error: "forbidden" },
  ]).toContainEqual({ status: r.status, error: r.body.error });
}

describe("one person holds a task at a time", () => {
  attack(
    {
      surface: "edge",
      class: "races",
      tries: "N operators take the same queued task at once",
      evidence:
        "one 200, the rest 409 conflict or 403 forbidden; one task.assigned, one key.minted; the winner's keys work",
    },
    async () => {
      const task = await queuedTask("cus_1003", "ord_5004");
      const people = await supportOperators(N);
      await warm(people);
      const results = await Promise.all(people.map((p) => p.call(`/tasks/${task.taskId}/take`, {})));

      const winners = results.flatMap((r, i) => (r.status === 200 ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = `human:op_racer${winners[0]}`;
      for (const r of results.filter((x) => x.status !== 200)) expectLost(r);
      const audit = await t.audit(task.taskId);
      const assigned = audit.filter((e) => e.event === "task.assigned");
      expect(assigned).toEqual([
        expect.objectContaining({ actor: winner, detail: { from: "human:support", to: winner } }),
      ]);
      const humanKeys = audit.filter(
        (e) => e.event === "key.minted" && String(e.detail?.principal).startsWith("human:"),
      );
      expect(humanKeys).toEqual([expect.objectContaining({ detail: expect.objectContaining({ principal: winner }) })]);
      // The row, the audit log and the vault agree: the winner holds it and their keys are the admitted ones.
      const row = await (await t.sys.db())
        .prepare("SELECT assignee, status FROM tasks WHERE id = ?")
        .bind(task.taskId)
        .first();
      expect(row).toEqual({ assignee: winner, status: "queued_human" });
      const keys = results[winners[0]!]!.body.keys;
      const me = await people[winners[0]!]!.call(`/tasks/${task.taskId}/call`, { op: "whoami", args: {}, ...keys });
      expect(me.body).toMatchObject({ ok: true, result: { principal: winner } });
    },
  );

  attack(
    {
      surface: "edge",
      class: "races",
      tries: "the holder hands a task back N times at once (N tabs)",
      evidence: "one 200, the rest 409 conflict or 403 forbidden; one task.handed_back, one run (one task.dispatched)",
    },
    async () => {
      const task = await queuedTask("cus_1005", "ord_5006");
      const alice = await operator(t, "alice");
      expect((await alice.call(`/tasks/${task.taskId}/take`, {})).status).toBe(200);
      await warm(Array.from({ length: N }, () => alice));
      const results = await Promise.all(
        Array.from({ length: N }, () => alice.call(`/tasks/${task.taskId}/handback`, { agent: "refund-agent" })),
      );

      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) expectLost(r);
      const audit = await t.audit(task.taskId);
      expect(audit.filter((e) => e.event === "task.handed_back")).toEqual([
        expect.objectContaining({ actor: "human:op_alice", detail: { to: "agent:refund-agent" } }),
      ]);
      expect(audit.filter((e) => e.event === "task.dispatched" && e.detail?.hop === 0)).toEqual([
        expect.objectContaining({ detail: { to: "agent:refund-agent", hop: 0 } }),
      ]);
    },
  );

  it("the guarded write itself: of N callers that read the same state, one changes the row and writes its rows", async () => {
    const task = await queuedTask("cus_1006", "ord_5007");
    const db = await t.sys.db();
    const claims = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        guardedTaskWrite(
          db,
          task.taskId,
          { where: "status = 'queued_human' AND assignee = ?", binds: ["human:support"] },
          { assignee: `human:op_racer${i}` },
          [
            {
              taskId: task.taskId,
              actor: `human:op_racer${i}`,
              event: "task.assigned",
              detail: { from: "human:support", to: `human:op_racer${i}` },
            },
          ],
        ),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = `human:op_racer${claims.indexOf(true)}`;
    expect((await t.audit(task.taskId)).filter((e) => e.event === "task.assigned")).toEqual([
      expect.objectContaining({ actor: winner }),
    ]);
    expect(await db.prepare("SELECT assignee FROM tasks WHERE id = ?").bind(task.taskId).first()).toEqual({
      assignee: winner,
    });
  });
});
