import { describe, expect, it } from "vitest";
import { operator, setAgentStatus } from "./support/console.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();

async function queuedRefundTask(customerId = "cus_1002", message = "Please refund my espresso machine, ord_5003") {
  await setAgentStatus(t, "refund-agent", "offline");
  try {
    return await t.createTask({ intent: "refund", subject: { customerId }, message });
  } finally {
    await setAgentStatus(t, "refund-agent", "online");
  }
}

describe("agent status and the human queue", () => {
  it("lists agents with status and grants (admin only)", async () => {
    expect((await t.api("/v1/agents")).status).toBe(401);
    const res = await t.api("/v1/agents", { key: t.secrets.SILOOS_ADMIN_KEY });
    expect(res.body.agents.map((a: any) => a.name)).toEqual(
      expect.arrayContaining(["manager-agent", "refund-agent", "triage-agent"]),
    );
    expect(res.body.agents.find((a: any) => a.name === "refund-agent")).toMatchObject({
      status: "online",
      baseKeys: expect.arrayContaining([expect.objectContaining({ capability: "refund.issue", limit: 500 })]),
    });
    expect(
      await t.api("/v1/agents/ghost/status", {
        method: "PUT",
        body: { status: "offline" },
        key: t.secrets.SILOOS_ADMIN_KEY,
      }),
    ).toMatchObject({ status: 404, body: { error: "unknown_agent" } });
    expect(
      await t.api("/v1/agents/refund-agent/status", {
        method: "PUT",
        body: { status: "asleep" },
        key: t.secrets.SILOOS_ADMIN_KEY,
      }),
    ).toMatchObject({ status: 400, body: { error: "validation_failed" } });
  });

  it("an offline agent's new task lands in the human queue, not in the agent; back online, it routes to the agent", async () => {
    const queued = await queuedRefundTask();
    expect(queued).toMatchObject({ status: "queued_human", assignee: "human:support", hops: [] });
    const audit = await t.audit(queued.taskId);
    expect(audit.map((e) => e.event)).not.toContain("task.dispatched");
    expect(audit).toContainEqual(expect.objectContaining({ event: "task.queued_human", reason: "agent_offline" }));
    const alice = await operator(t, "alice");
    expect((await alice.call("/queue")).body.tasks.map((x: any) => x.taskId)).toContain(queued.taskId);

    const routed = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1005" },
      message: "refund ord_5006",
    });
    expect(routed).toMatchObject({ status: "open", hops: ["agent:refund-agent"] });
  });
});

describe("the console: same tools, same keys-and-proxy path, audited as human:<id>", () => {
  attack(
    {
      surface: "edge",
      class: "console",
      tries:
        "the console API without a session, with a forged cookie, or a state change without the console header (CSRF)",
      evidence: "401 unauthorized, 403 forbidden",
    },
    async () => {
      for (const path of ["/me", "/queue", "/tasks/tsk_000000000000/take"]) {
        const res = await t.sys.mf.dispatchFetch(new URL(`/console/api${path}`, t.sys.url).href, {
          method: path.endsWith("take") ? "POST" : "GET",
        });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: "unauthorized" });
      }
      const forged = await t.sys.mf.dispatchFetch(new URL("/console/api/me", t.sys.url).href, {
        headers: {
          cookie:
            "siloos_console=eyJzdWIiOiJvcF9jYXJvbCIsIm5hbWUiOiJ4Iiwicm9sZSI6InN1cGVydmlzb3IiLCJleHAiOjk5OTk5OTk5OTl9.AAAA",
        },
      });
      expect(forged.status).toBe(401);
      const alice = await operator(t, "alice");
      expect(await alice.call("/tasks/tsk_000000000000/take", {}, { "x-siloos-console": "" })).toMatchObject({
        status: 403,
        body: { error: "forbidden" },
      });
      const wrong = await t.sys.mf.dispatchFetch(new URL("/console/api/login", t.sys.url).href, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "alice", password: "nope" }),
      });
      expect(wrong.status).toBe(401);
    },
  );

  it("a human takes a task, acts within the role's limit through the proxy, is refused above it, and completes", async () => {
    const task = await queuedRefundTask();
    const alice = await operator(t, "alice");
    const taken = await alice.call(`/tasks/${task.taskId}/take`, {});
    expect(taken.status).toBe(200);
    const keys = taken.body.keys;
    const view = await alice.call(`/tasks/${task.taskId}`);
    expect(view.body.procedure.instructions).toContain("Refund agent: operating procedure");
    expect(view.body.transcript[0].text).toContain("ord_5003");
    expect(view.body.tools.map((x: any) => x.name)).toContain("refund_issue");

    const read = await alice.call(`/tasks/${task.taskId}/call`, {
      op: "customer.read",
      args: { customerId: "cus_1002" },
      ...keys,
    });
    expect(read.body).toMatchObject({ ok: true, result: { name: "[NAME_1]", email: "[EMAIL_1]" } });
    const over = await alice.call(`/tasks/${task.taskId}/call`, {
      op: "refund.issue",
      args: { orderId: "ord_5003", amount: 1001, currency: "USD", reason: "x" },
      ...keys,
    });
    expect(over.body).toMatchObject({ ok: false, error: "limit_exceeded" });
    const within = await alice.call(`/tasks/${task.taskId}/call`, {
      op: "refund.issue",
      args: { orderId: "ord_5003", amount: 120, currency: "USD", reason: "goodwill" },
      ...keys,
    });
    expect(within.body).toMatchObject({ ok: true, result: { amount: 120 } });
    const audit = await t.audit(task.taskId);
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: "human:op_alice", op: "refund.issue", decision: "allowed" }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: "human:op_alice",
        op: "refund.issue",
        decision: "refused",
        reason: "limit_exceeded",
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({
        event: "key.minted",
        detail: expect.objectContaining({ principal: "human:op_alice" }),
      }),
    );

    const done = await alice.call(`/tasks/${task.taskId}/complete`, {});
    expect(done.body.status).toBe("completed");
    const draft = await alice.call(`/tasks/${task.taskId}/procedure`);
    expect(draft.status).toBe(200);
    expect(draft.body).toContain("# Draft procedure");
    expect(draft.body).toMatch(/1\. Read the customer \(`customer.read`\)/);
    expect(draft.body).toContain("Issue the refund (`refund.issue`) within your limit (recorded: 120 USD for ord_5003");
    expect(draft.body).toContain("Complete the task.");
    expect(draft.body).not.toMatch(/Kwame|Mensah|example\.org/);
  });

  attack(
    {
      surface: "edge",
      class: "console",
      tries: "an operator acts on another operator's task, even with that operator's keys",
      evidence: "403 forbidden on call, take and complete",
    },
    async () => {
      const task = await queuedRefundTask();
      const alice = await operator(t, "alice");
      const bob = await operator(t, "bob");
      const { keys } = (await alice.call(`/tasks/${task.taskId}/take`, {})).body;
      expect(
        await bob.call(`/tasks/${task.taskId}/call`, {
          op: "customer.read",
          args: { customerId: "cus_1002" },
          ...keys,
        }),
      ).toMatchObject({ status: 403, body: { error: "forbidden" } });
      expect(await bob.call(`/tasks/${task.taskId}/take`, {})).toMatchObject({
        status: 403,
        body: { error: "forbidden" },
      });
      expect(await bob.call(`/tasks/${task.taskId}/complete`, {})).toMatchObject({ status: 403 });
    },
  );

  attack(
    {
      surface: "edge",
      class: "console",
      tries: "a support operator reveals a token's real value",
      evidence: "capability_denied; a supervisor's reveal is audited with the token, never the value",
    },
    async () => {
      const task = await queuedRefundTask("cus_1002", "It's Kwame, write to kwame.mensah@example.org");
      const alice = await operator(t, "alice");
      const { keys } = (await alice.call(`/tasks/${task.taskId}/take`, {})).body;
      expect(
        (await alice.call(`/tasks/${task.taskId}/call`, { op: "pii.reveal", args: { token: "[EMAIL_1]" }, ...keys }))
          .body,
      ).toMatchObject({ ok: false, error: "capability_denied" });

      const carol = await operator(t, "carol");
      const supervisor = (await carol.call(`/tasks/${task.taskId}/take`, {})).body.keys;
      // Alice's keys died with the hand-over.
      expect((await alice.call(`/tasks/${task.taskId}/call`, { op: "whoami", args: {}, ...keys })).status).toBe(403);
      const shown = await carol.call(`/tasks/${task.taskId}/call`, {
        op: "pii.reveal",
        args: { token: "[EMAIL_1]" },
        ...supervisor,
      });
      expect(shown.body).toMatchObject({ ok: true, result: { value: "kwame.mensah@example.org", kind: "EMAIL" } });
      const audit = await t.audit(task.taskId);
      const revealed = audit.find((e) => e.event === "pii.revealed");
      expect(revealed).toMatchObject({ actor: "human:op_carol", detail: { token: "[EMAIL_1]", kind: "EMAIL" } });
      expect(JSON.stringify(audit)).not.toContain("kwame.mensah@example.org");
    },
  );

  it("hands a task back to an online agent, which gets fresh keys for the same vault", async () => {
    const task = await queuedRefundTask("cus_1008", "refund ord_5009 please");
    const alice = await operator(t, "alice");
    const { keys } = (await alice.call(`/tasks/${task.taskId}/take`, {})).body;
    const back = await alice.call(`/tasks/${task.taskId}/handback`, { agent: "refund-agent" });
    expect(back.body).toMatchObject({ hops: ["agent:refund-agent"], outcome: "completed" });
    expect(back.body.reply).toContain("Ana Beatriz Souza");
    const stale = await alice.call(`/tasks/${task.taskId}/call`, { op: "whoami", args: {}, ...keys });
    expect(stale.status).toBe(403);
  });
});
