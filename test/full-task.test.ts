import { describe, expect, it } from "vitest";
import { runShard } from "../src/router/run/index.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("a task runs router → agent → proxy → back, and the audit says so", () => {
  it("refunds within the agent's limit and leaves every step in the audit log", async () => {
    const task = await t.createTask({
      agent: "refund-agent",
      subject: { customerId: "cus_1001" },
      message: "Hi, this is Maria Alvarez. Please refund the 249 USD for ord_5002.",
    });
    expect(task).toMatchObject({
      status: "open",
      outcome: "completed",
      assignee: "agent:refund-agent",
      hops: ["agent:refund-agent"],
    });
    expect(task.reply).toContain("Hello Maria Alvarez");
    expect(task.reply).toContain("249.00 USD");
    expect(task.taskId).toMatch(/^tsk_/);
    // The answer's view comes from the settling write's RETURNING row: the same as a read of it.
    const { hops: _h, reply: _r, replies: _rs, ...view } = task;
    const read = await t.api(`/v1/tasks/${task.taskId}`);
    const { reply: _r2, replies: _rs2, ...readView } = read.body;
    expect(view).toEqual(readView);
    expect(view.summary).toEqual(expect.any(String));
    // The answer's replies came hydrated with the run's last vault call (revokeKeys): the same as a
    // read gives. Real values: the durable run's state and report never hold them.
    expect(task.replies).toEqual(read.body.replies);
    const runs = await t.sys.mf.getDurableObjectNamespace("TASK_RUN", "siloos-router");
    const run = runs.get(runs.idFromName(runShard(task.taskId))) as unknown as {
      status(taskId: string): Promise<unknown>;
    };
    const stored = JSON.stringify(await run.status(task.taskId));
    expect(stored).toContain('"phase":"done"');
    expect(stored).not.toContain("Maria");
    expect(stored).not.toContain("replies");

    // The outbox consumer's mail.* rows come on the queue's own clock (test/outbox-drains-with-retries.test.ts).
    const events = (await t.audit(task.taskId))
      .filter((e) => !e.event.startsWith("mail."))
      .map((e) => [e.actor, e.event, e.op, e.decision].filter(Boolean).join(" "));
    expect(events).toEqual([
      "router task.created",
      "proxy vault.created",
      "router key.minted",
      "router task.dispatched",
      "agent:refund-agent proxy.call whoami allowed",
      "agent:refund-agent proxy.call transcript.read allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "agent:refund-agent proxy.call customer.read allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "agent:refund-agent proxy.call orders.list allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "agent:refund-agent proxy.call refund.issue allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "agent:refund-agent proxy.call email.send allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "agent:refund-agent proxy.call reply.send allowed",
      "agent:refund-agent proxy.call llm.chat allowed",
      "router keys.revoked",
      "agent:refund-agent task.run_finished",
    ]);

    const done = await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe("completed");
    const tail = (await t.audit(task.taskId)).slice(-2).map((e) => e.event);
    expect(tail).toEqual(["vault.deleted", "task.completed"]);
  });

  it("GET /v1/tasks/:id returns the state, and a completed task cannot be completed twice", async () => {
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1005" },
      message: "Refund my lamp please, ord_5006",
    });
    const got = await t.api(`/v1/tasks/${task.taskId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ taskId: task.taskId, status: "open", subject: { customerId: "cus_1005" } });
    expect((await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" })).status).toBe(200);
    const again = await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" });
    expect(again).toMatchObject({ status: 409, body: { error: "task_closed" } });
  });

  it("serves the router's public keys and nothing private", async () => {
    const res = await t.api("/.well-known/jwks.json", { key: null });
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(res.body.keys[0].d).toBeUndefined();
  });

  it("reports health once every Worker is up", async () => {
    expect(await t.api("/healthz", { key: null })).toMatchObject({
      status: 200,
      body: { ok: true, checks: { db: true, schema: true, proxy: true } },
    });
  });
});
