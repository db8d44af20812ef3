import { beforeEach, describe, expect } from "vitest";
import { useFakeOpenAi } from "./support/fake-openai.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

/**
 * The model token budget is reserved before a call leaves (prompt estimate
 * plus max_tokens, capped by what remains) by the task's vault, which
 * serialises its calls, and settled with the provider's usage after
 * (src/vault/ledger.ts).
 * puppet-agent's grant: 3000 tokens a task. The provider is a fake speaking
 * the OpenAI wire format over real HTTP, so the test sees what left.
 */
const llm = useFakeOpenAi();
const t = useSystem({
  extraAgents: [HOSTILE, PUPPET],
  get proxyVars() {
    return llm.proxyVars;
  },
});

const BUDGET = 3000;
let taskId = "";
beforeEach(async () => {
  taskId = (await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hello" }))
    .taskId;
});

const chat = (content: string | string[], maxTokens?: number) =>
  t.puppet({
    attack: "replay",
    op: "llm.chat",
    args: {
      model: "default",
      messages: (Array.isArray(content) ? content : [content]).map((c) => ({ role: "user", content: c })),
      ...(maxTokens ? { maxTokens } : {}),
    },
  });

/** The task's token ledger, in its vault (src/vault/ledger.ts): reserved plus used. */
async function ledgerTotal(): Promise<number> {
  return ((await (await t.vault(taskId)).ledger()) as { llmTokens: number }).llmTokens;
}

const sentSince = (before: number) =>
  llm.requests.slice(before).filter((r) => r.body.messages?.some((m: any) => String(m.content ?? "").includes(taskId)));

describe("the model budget is reserved before the call", () => {
  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "one call with a 1.25 M token prompt against a 3000 token budget",
      evidence: "budget_exhausted, audited; nothing sent to the provider",
    },
    async () => {
      const before = llm.requests.length;
      const res = await chat(Array.from({ length: 100 }, () => "lorem ipsum ".repeat(4166)));
      expect(res).toMatchObject({ ok: false, error: "budget_exhausted" });
      expect((await t.audit(taskId)).at(-1)).toMatchObject({
        op: "llm.chat",
        decision: "refused",
        reason: "budget_exhausted",
      });
      expect(llm.requests.length).toBe(before);
      expect(await ledgerTotal()).toBe(0);
    },
    60_000,
  );

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "10 parallel model calls on a 3000 token budget",
      evidence: "reservations and usage sum at most the budget; the rest budget_exhausted, audited",
    },
    async () => {
      const before = llm.requests.length;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(`task ${taskId}: say hello ${i}`)));
      const ok = answers.filter((a) => a.ok);
      expect(ok.length).toBeGreaterThan(0);
      expect(ok.length).toBeLessThanOrEqual(3);
      for (const a of answers.filter((x) => !x.ok)) expect(a.error).toBe("budget_exhausted");
      // What left for the provider could never spend more than the budget.
      const sent = sentSince(before);
      expect(sent).toHaveLength(ok.length);
      expect(sent.reduce((n, r) => n + r.body.max_tokens, 0)).toBeLessThanOrEqual(BUDGET);
      expect(await ledgerTotal()).toBeLessThanOrEqual(BUDGET);
      const refused = (await t.audit(taskId)).filter(
        (e) => e.op === "llm.chat" && e.decision === "refused" && e.reason === "budget_exhausted",
      );
      expect(refused).toHaveLength(10 - ok.length);
    },
  );

  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "ask for 8192 completion tokens with 3000 left",
      evidence: "max_tokens sent to the provider is capped by the remaining budget",
    },
    async () => {
      const before = llm.requests.length;
      const res = await chat(`task ${taskId}: write a long essay`, 8192);
      expect(res).toMatchObject({ ok: true });
      const [sent] = sentSince(before);
      expect(sent?.body.max_tokens).toBeLessThan(BUDGET);
      expect(res.result.budget.used).toBeLessThanOrEqual(BUDGET);
      expect((await t.audit(taskId)).at(-1)?.detail).toMatchObject({ maxTokens: sent?.body.max_tokens });
    },
  );
});
