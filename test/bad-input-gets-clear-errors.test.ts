import { describe, expect, it } from "vitest";
import { eventually } from "./support/eventually.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();

const valid = { agent: "refund-agent", subject: { customerId: "cus_1001" }, message: "Refund ord_5002 please" };

async function taskCount(): Promise<number> {
  const once = async () =>
    (await (await t.sys.db()).prepare("SELECT COUNT(*) AS n FROM tasks").first<{ n: number }>())?.n ?? -1;
  // After a 413 answered before the body was read, Node's client may reuse the closed socket once (EPIPE).
  return once().catch(once);
}

describe("bad input gets a clear error and writes nothing", () => {
  for (const [what, init, status, code] of [
    ["no Authorization header", { key: null }, 401, "unauthorized"],
    ["a wrong API key", { key: "sk_wrong_key_of_enough_length" }, 401, "unauthorized"],
    ["the admin key on the task API", { key: "ADMIN" }, 401, "unauthorized"],
    ["malformed JSON", { body: "{not json" }, 400, "invalid_json"],
    [
      "a non-JSON content type",
      { body: "x", headers: { "content-type": "text/plain" } },
      415,
      "unsupported_media_type",
    ],
    ["wrong types", { body: { ...valid, message: 42 } }, 400, "validation_failed"],
    ["a missing subject", { body: { agent: "refund-agent", message: "hi" } }, 400, "validation_failed"],
    [
      "a malformed customer id",
      { body: { ...valid, subject: { customerId: "1001; DROP TABLE" } } },
      400,
      "validation_failed",
    ],
    ["both agent and intent", { body: { ...valid, intent: "refund" } }, 400, "validation_failed"],
    ["unknown fields", { body: { ...valid, admin: true } }, 400, "validation_failed"],
    ["an empty message", { body: { ...valid, message: "   " } }, 400, "validation_failed"],
    ["a message over 8000 characters", { body: { ...valid, message: "a".repeat(8001) } }, 400, "validation_failed"],
    ["an oversized body", { body: { ...valid, message: "a".repeat(70_000) } }, 413, "payload_too_large"],
    ["an unknown agent", { body: { ...valid, agent: "ghost-agent" } }, 404, "unknown_agent"],
    ["an unknown intent", { body: { ...valid, agent: undefined, intent: "teleport" } }, 404, "unknown_agent"],
    ["an unknown customer", { body: { ...valid, subject: { customerId: "cus_9999" } } }, 404, "unknown_record"],
    [
      "a case of another customer",
      { body: { ...valid, subject: { customerId: "cus_1001", caseId: "cas_2002" } } },
      404,
      "unknown_record",
    ],
  ] as Array<[string, Record<string, unknown>, number, string]>) {
    attack(
      {
        surface: "edge",
        class: code === "unauthorized" ? "auth" : "input",
        tries: `POST /v1/tasks with ${what}`,
        evidence: `${status} ${code}, no task written`,
      },
      async () => {
        const before = await taskCount();
        const key =
          (init as { key?: string | null }).key === "ADMIN"
            ? t.secrets.SILOOS_ADMIN_KEY
            : (init as { key?: string | null }).key;
        const res = await t.api("/v1/tasks", { method: "POST", body: valid, ...init, key });
        expect(res.status).toBe(status);
        expect(res.body).toMatchObject({ error: code, message: expect.any(String) });
        expect(await taskCount()).toBe(before);
      },
    );
  }

  it("GET /v1/tasks/:id: unknown, malformed, unauthenticated", async () => {
    expect(await t.api("/v1/tasks/tsk_doesnotexist00")).toMatchObject({ status: 404, body: { error: "unknown_task" } });
    expect(await t.api("/v1/tasks/../../etc")).toMatchObject({ status: 404 });
    expect(await t.api("/v1/tasks/tsk_doesnotexist00", { key: null })).toMatchObject({
      status: 401,
      body: { error: "unauthorized" },
    });
  });

  it("POST /v1/tasks/:id/complete and /messages: unknown task, bad body", async () => {
    expect(await t.api("/v1/tasks/tsk_doesnotexist00/complete", { method: "POST" })).toMatchObject({
      status: 404,
      body: { error: "unknown_task" },
    });
    const task = await t.createTask(valid);
    expect(await t.api(`/v1/tasks/${task.taskId}/messages`, { body: "{" })).toMatchObject({
      status: 400,
      body: { error: "invalid_json" },
    });
    expect(await t.api(`/v1/tasks/${task.taskId}/messages`, { body: { text: "hi" } })).toMatchObject({
      status: 400,
      body: { error: "validation_failed" },
    });
  });

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "read the audit log with the API key, or with SQL in its query",
      evidence: "401 unauthorized; 400 validation_failed",
    },
    async () => {
      expect(await t.api("/v1/audit")).toMatchObject({ status: 401, body: { error: "unauthorized" } });
      expect(await t.api("/v1/audit?taskId=robert');--", { key: t.secrets.SILOOS_ADMIN_KEY })).toMatchObject({
        status: 400,
        body: { error: "validation_failed" },
      });
      expect(await t.api("/v1/audit?limit=99999", { key: t.secrets.SILOOS_ADMIN_KEY })).toMatchObject({
        status: 400,
        body: { error: "validation_failed" },
      });
      expect(await t.api("/v1/audit?limit=5", { key: t.secrets.SILOOS_ADMIN_KEY })).toMatchObject({ status: 200 });
    },
  );

  it("unknown routes and methods answer JSON 404", async () => {
    expect(await t.api("/v2/nothing", { key: null })).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(await t.api("/v1/tasks", { method: "DELETE" })).toMatchObject({ status: 404, body: { error: "not_found" } });
  });

  it("an agent that throws or returns junk fails cleanly into the human queue, with no raw text echoed", async () => {
    await t.hostile({ attack: "result", result: "throw" });
    // A hop that threw gets one more try (a durable run): the answer is 202 while it waits, then the retry completes.
    const parked = await t.api("/v1/tasks", {
      body: { agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hi" },
    });
    expect(parked.status).toBe(202);
    const thrown = await eventually(async () =>
      (await t.api(`/v1/tasks/${parked.body.taskId}`)).body.outcome
        ? (await t.api(`/v1/tasks/${parked.body.taskId}`)).body
        : null,
    );
    expect(thrown).toMatchObject({ status: "open", outcome: "completed" });
    expect((await t.audit(thrown.taskId)).find((e) => e.event === "task.hop_retried")).toMatchObject({
      reason: "agent_error",
    });
    await t.hostile({ attack: "result", result: { status: "completed", summary: 42, extra: "x" } });
    const junk = await t.createTask({ agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    expect(junk).toMatchObject({ status: "queued_human", outcome: "failed" });
    const audit = JSON.stringify(await t.audit(thrown.taskId));
    expect(audit).toContain("agent_error");
    expect(audit).not.toContain("maria.alvarez@example.com");
  });

  it("an escalation to a target the grant does not name goes to the human queue, not to the target", async () => {
    await t.hostile({
      attack: "result",
      result: { status: "escalate", target: "manager-agent", reason: "give me a bigger limit", summary: "s" },
    });
    const task = await t.createTask({ agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    expect(task).toMatchObject({ status: "queued_human", assignee: "human:support", hops: ["agent:hostile-agent"] });
  });
});
