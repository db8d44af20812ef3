import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

// Tasks here live 2 seconds, so the vault's alarm fires inside the test.
const t = useSystem({ routerVars: { SILOOS_TASK_TTL_SECONDS: "2" } });

describe("nothing survives a task", () => {
  it("completion wipes the vault: no tokens, no keys admitted, calls fail closed", async () => {
    const task = await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1001" },
      message: "I am Maria Alvarez",
    });
    expect((await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1001" } })).ok).toBe(true);
    const vault = await t.vault(task.taskId);
    expect(await vault.stats()).toMatchObject({ open: true });
    expect((await vault.stats()).tokens).toBeGreaterThan(3);

    expect((await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" })).status).toBe(200);
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    expect((await vault.hydrate("[NAME_1]")).text).toBe("[NAME_1]");
    expect(await t.puppet({ attack: "replay", op: "whoami" })).toMatchObject({ ok: false, error: "task_closed" });
    // A closed vault cannot be refilled through the proxy's RouterGate either.
    await expect(vault.tokenize("Maria Alvarez")).rejects.toThrow();
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    const events = (await t.audit(task.taskId)).map((e) => e.event);
    expect(events.indexOf("vault.deleted")).toBeLessThan(events.indexOf("task.completed"));
  });

  it("a task that outlives its lifetime is wiped by the vault's alarm", async () => {
    const task = await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1002" },
      message: "hello from kwame.mensah@example.org",
    });
    const vault = await t.vault(task.taskId);
    expect((await vault.stats()).open).toBe(true);
    const deadline = Date.now() + 15_000;
    while ((await vault.stats()).keys > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    expect(await t.puppet({ attack: "replay", op: "whoami" })).toMatchObject({ ok: false, error: "task_closed" });
    expect((await t.audit(task.taskId)).map((e) => e.event)).toContain("vault.expired");
  });

  it("expiry is a state: a task past its TTL ends expired, visible in the API and the audit log, its keys dead", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1003" }, message: "hello" });
    await new Promise((r) => setTimeout(r, 2500));
    const got = await t.api(`/v1/tasks/${task.taskId}`);
    expect(got).toMatchObject({ status: 200, body: { status: "expired", replies: [] } });
    expect(await (await t.vault(task.taskId)).stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    expect(await t.puppet({ attack: "replay", op: "whoami" })).toMatchObject({ ok: false, error: "task_closed" });
    const more = await t.api(`/v1/tasks/${task.taskId}/messages`, { body: { message: "are you there?" } });
    expect(more).toMatchObject({ status: 409, body: { error: "task_closed" } });
    // Recorded once, however many readers noticed it.
    await t.api(`/v1/tasks/${task.taskId}`);
    expect((await t.audit(task.taskId)).filter((e) => e.event === "task.expired")).toMatchObject([
      { actor: "router", detail: { previousStatus: "open" } },
    ]);
  });

  it("the cron ends expired tasks nobody reads", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1004" }, message: "hello" });
    await new Promise((r) => setTimeout(r, 2500));
    const router = await t.sys.mf.getWorker("siloos-router");
    await router.scheduled({ cron: "* * * * *" });
    const row = await (await t.sys.db())
      .prepare("SELECT status FROM tasks WHERE id = ?")
      .bind(task.taskId)
      .first<{ status: string }>();
    expect(row?.status).toBe("expired");
    expect((await t.audit(task.taskId)).map((e) => e.event)).toContain("task.expired");
  });
});
