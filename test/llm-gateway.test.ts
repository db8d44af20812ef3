import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAi, startFakeOpenAi } from "./support/fake-openai.ts";
import { demoPii, leakedValues } from "./support/pii.ts";
import { attack } from "./support/redteam.ts";
import { BUDGET, HOSTILE, PUPPET, STEPPER, useSystem } from "./support/system.ts";

let llm: FakeOpenAi;
beforeAll(async () => {
  llm = await startFakeOpenAi();
});
afterAll(async () => llm?.close());

const t = useSystem({
  extraAgents: [HOSTILE, PUPPET, BUDGET, STEPPER],
  get proxyVars() {
    return { SILOOS_LLM: `openai:fake-gpt@${llm.url}`, SILOOS_LLM_API_KEY: "sk-test-provider-key" };
  },
});

const line = (e: { actor: string; event: string; op: string | null; decision: string | null }) =>
  [e.actor, e.event, e.op, e.decision].filter(Boolean).join(" ");

describe("the LLM gateway against an OpenAI-compatible provider over real HTTP", () => {
  it("runs the 700-refund story: refund-agent escalates, manager-agent gets new keys and refunds, the customer gets the hydrated email", async () => {
    const before = llm.requests.length;
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1001", caseId: "cas_2001" },
      message:
        "Hi, Maria Alvarez here (maria.alvarez@example.com). My desk arrived cracked: please refund the 700 USD for ord_5001.",
    });
    expect(task).toMatchObject({
      outcome: "completed",
      assignee: "agent:manager-agent",
      hops: ["agent:refund-agent", "agent:manager-agent"],
    });
    expect(task.replies[0]).toContain("needs a manager's approval");
    expect(task.reply).toContain("Hello Maria Alvarez");

    const mail = await (await t.sys.db())
      .prepare("SELECT to_address, subject, body FROM outbox WHERE task_id = ?")
      .bind(task.taskId)
      .first<Record<string, string>>();
    expect(mail).toMatchObject({
      to_address: "maria.alvarez@example.com",
      subject: "A manager approved your refund of 700.00 USD",
    });
    expect(mail?.body).toContain("Hello Maria Alvarez,");

    const audit = await t.audit(task.taskId);
    const story = audit
      .map(line)
      .filter(
        (l) =>
          !l.includes("llm.chat") &&
          !l.includes("whoami") &&
          !l.includes("transcript.read") &&
          !l.includes("read allowed") &&
          !l.includes("list allowed"),
      );
    expect(story).toEqual([
      "router task.created",
      "proxy vault.created",
      "router key.minted",
      "router task.dispatched",
      "agent:refund-agent proxy.call reply.send allowed",
      "router keys.revoked",
      "agent:refund-agent task.run_finished",
      "router task.escalated",
      "router key.minted",
      "router task.dispatched",
      "agent:manager-agent proxy.call refund.issue allowed",
      "agent:manager-agent proxy.call email.send allowed",
      "agent:manager-agent proxy.call reply.send allowed",
      "router keys.revoked",
      "agent:manager-agent task.run_finished",
    ]);
    const minted = audit.filter((e) => e.event === "key.minted").map((e) => e.detail as any);
    expect(minted.map((d) => d.principal)).toEqual(["agent:refund-agent", "agent:manager-agent"]);
    expect(minted[0].base.jti).not.toBe(minted[1].base.jti);
    expect(audit.find((e) => e.op === "llm.chat")?.detail).toMatchObject({
      provider: "openai-compatible",
      model: "fake-gpt",
    });

    const sent = llm.requests.slice(before);
    expect(sent.length).toBeGreaterThan(6);
    for (const r of sent) {
      expect(r.authorization).toBe("Bearer sk-test-provider-key");
      // Tool calls round-trip: every tool result answers a call the model made earlier in the same conversation.
      const callIds = new Set(r.body.messages.flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => c.id)));
      for (const m of r.body.messages.filter((m: any) => m.role === "tool"))
        expect(callIds.has(m.tool_call_id)).toBe(true);
    }
    expect(
      sent.some((r) => r.body.messages.some((m: any) => m.role === "tool" && m.content.includes("refundId"))),
    ).toBe(true);
    expect(leakedValues(JSON.stringify(sent), await demoPii(await t.sys.db()))).toEqual([]);
  });

  // Was: refused with pii_in_prompt. That refusal was an oracle (issue 9, item 5); the
  // provider now gets placeholders instead (test/no-oracles-on-real-values.test.ts).
  attack(
    {
      surface: "cell",
      class: "exfiltration",
      tries: "send the model the customer's values written out (name, phone, an email in capitals)",
      evidence: "the provider gets placeholders; allowed rows show tokens, no value",
    },
    async () => {
      const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1001" }, message: "hello" });
      await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1001" } });
      const before = llm.requests.length;
      for (const smuggled of ["Write to Maria Alvarez", "call +1 (415) 555-0132", "MARIA.ALVAREZ@EXAMPLE.COM"]) {
        const res = await t.puppet({
          attack: "replay",
          op: "llm.chat",
          args: { model: "default", messages: [{ role: "user", content: smuggled }] },
        });
        expect(res).toMatchObject({ ok: true });
      }
      expect(llm.requests.length).toBe(before + 3);
      expect(JSON.stringify(llm.requests.slice(before))).not.toMatch(/maria|alvarez|0132/i);
      const rows = (await t.audit(task.taskId)).filter((e) => e.op === "llm.chat");
      expect(rows.at(-1)).toMatchObject({
        decision: "allowed",
        detail: { masked: { spans: 1, realValues: ["[EMAIL_1]"] } },
      });
      expect(JSON.stringify(rows)).not.toMatch(/maria|alvarez|0132/i);
      // Tokens are fine.
      const ok = await t.puppet({
        attack: "replay",
        op: "llm.chat",
        args: { model: "default", messages: [{ role: "user", content: "Write to [NAME_1]" }] },
      });
      expect(ok).toMatchObject({ ok: true, result: { model: "fake-gpt" } });
    },
  );

  it("refuses a model that is not on the key's allow-list", async () => {
    await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hello" });
    const res = await t.puppet({
      attack: "replay",
      op: "llm.chat",
      args: { model: "gpt-5-expensive", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res).toMatchObject({ ok: false, error: "model_denied" });
  });

  attack(
    {
      surface: "cell",
      class: "compromised-model",
      tries: "a triage model crafts a refund call it has no tool for",
      evidence: "no refund tool offered; capability_denied row",
    },
    async () => {
      const before = llm.requests.length;
      llm.script.push({
        name: "refund_issue",
        arguments: { orderId: "ord_5006", amount: 89, currency: "USD", reason: "crafted" },
      });
      const task = await t.createTask({
        intent: "general",
        subject: { customerId: "cus_1005" },
        message: "My lamp is broken, I want my money back for ord_5006",
      });
      const triage = llm.requests.slice(before).filter((r) => r.body.messages[0].content.includes("Triage agent"));
      expect(triage.length).toBeGreaterThan(0);
      for (const r of triage) {
        const names = r.body.tools.map((x: any) => x.function.name);
        expect(names).not.toContain("refund_issue");
        expect(names).not.toContain("email_send");
        expect(names).toContain("escalate");
      }
      const audit = await t.audit(task.taskId);
      expect(audit).toContainEqual(
        expect.objectContaining({
          actor: "agent:triage-agent",
          op: "refund.issue",
          decision: "refused",
          reason: "capability_denied",
        }),
      );
      expect(task.hops).toEqual(["agent:triage-agent", "agent:refund-agent"]);
      expect(task.outcome).toBe("completed");
    },
  );

  it("a spent token budget ends the run cleanly in the human queue, not in a hang", async () => {
    const task = await t.createTask({
      agent: "budget-agent",
      subject: { customerId: "cus_1006" },
      message: "refund ord_5007 please",
    });
    expect(task).toMatchObject({ status: "queued_human", assignee: "human:support", outcome: "escalated" });
    const audit = await t.audit(task.taskId);
    expect(audit).toContainEqual(
      expect.objectContaining({ op: "llm.chat", decision: "refused", reason: "budget_exhausted" }),
    );
    expect(audit.find((e) => e.event === "task.queued_human")?.detail).toMatchObject({
      reason: expect.stringContaining("budget_exhausted"),
    });
  });

  it("a spent step budget ends the run cleanly too (failed, then queued for a person)", async () => {
    const task = await t.createTask({
      agent: "stepper-agent",
      subject: { customerId: "cus_1006" },
      message: "refund ord_5007 please",
    });
    expect(task).toMatchObject({ status: "queued_human", outcome: "failed" });
    const queued = (await t.audit(task.taskId)).find((e) => e.event === "task.queued_human");
    expect(queued?.detail).toMatchObject({ reason: expect.stringContaining("step budget") });
  });
});
