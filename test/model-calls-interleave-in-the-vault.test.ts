import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest";
import { eventually } from "./support/eventually.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

/**
 * llm.chat is one vault RPC (src/vault/llm-chat.ts): the task's vault calls
 * the model itself, and while it waits for the answer its input gate is open,
 * so the task's other calls run in between. The budget holds because each
 * reservation is written before its request leaves; a completion reaches only
 * keys the vault still admits once the model answered.
 * The provider is a fake over real HTTP (OpenAI wire format) that holds every
 * answer until the test lets it go: the calls are in flight together for as
 * long as the test needs, with no timing. puppet-agent's grant: 3000 tokens a task.
 */
const BUDGET = 3000;
const held: Array<{ body: any; answer: () => void }> = [];
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((answer) => held.push({ body, answer }));
    inFlight--;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        model: body.model,
        choices: [{ message: { role: "assistant", content: "hello", tool_calls: null } }],
        usage: { prompt_tokens: 40, completion_tokens: 10 },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  for (const h of held) h.answer();
  server.closeAllConnections();
  server.close();
});

const t = useSystem({
  extraAgents: [HOSTILE, PUPPET],
  get proxyVars() {
    return { SILOOS_LLM: `openai:fake-gpt@${url}`, SILOOS_LLM_API_KEY: "sk-test" };
  },
});

let taskId = "";
beforeEach(async () => {
  taskId = (await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hello" }))
    .taskId;
});

const chat = (content: string, maxTokens: number) =>
  t.puppet({
    attack: "replay",
    op: "llm.chat",
    args: { model: "default", messages: [{ role: "user", content }], maxTokens },
  });

/** This task's requests the fake holds (the prompt names the task). */
const heldHere = () => held.filter((h) => JSON.stringify(h.body.messages).includes(taskId));

async function ledgerTotal(): Promise<number> {
  return ((await (await t.vault(taskId)).ledger()) as { llmTokens: number }).llmTokens;
}

describe("model calls run inside the task's vault", () => {
  attack(
    {
      surface: "cell",
      class: "races",
      tries: "8 model calls of one task in flight in its vault at once, 900 tokens each on a 3000 token budget",
      evidence:
        "the calls overlap; what was sent and reserved sums at most the budget; the rest budget_exhausted, audited; settled to the real usage",
    },
    async () => {
      const N = 8;
      maxInFlight = 0;
      const answers: any[] = [];
      const all = Promise.all(
        Array.from({ length: N }, (_, i) =>
          chat(`task ${taskId}: say hello ${i}`, 900).then((a) => {
            answers.push(a);
            return a;
          }),
        ),
      );
      // Every call is either held by the model or already refused.
      await eventually(async () => heldHere().length + answers.length === N, 30_000, "all calls sent or refused");
      const sent = heldHere();
      // While they wait for the model, in the vault together: more than one was let through.
      expect(sent.length).toBeGreaterThan(1);
      expect(maxInFlight).toBe(sent.length);
      expect(sent.reduce((n, h) => n + h.body.max_tokens, 0)).toBeLessThanOrEqual(BUDGET);
      expect(await ledgerTotal()).toBeLessThanOrEqual(BUDGET);
      for (const a of answers) expect(a).toMatchObject({ ok: false, error: "budget_exhausted" });
      for (const h of sent) h.answer();
      const done = await all;
      const ok = done.filter((a) => a.ok);
      expect(ok).toHaveLength(sent.length);
      for (const a of ok) expect(a.result.message.content).toBe("hello");
      // Settled: each call counts what it used (40 + 10), not what it reserved.
      expect(await ledgerTotal()).toBe(50 * ok.length);
      const rows = (await t.audit(taskId)).filter((e) => e.op === "llm.chat");
      expect(rows.filter((e) => e.decision === "allowed")).toHaveLength(ok.length);
      expect(rows.filter((e) => e.decision === "refused" && e.reason === "budget_exhausted")).toHaveLength(
        N - ok.length,
      );
    },
    60_000,
  );

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "a call that reserves the whole budget, and another while the model is asked",
      evidence:
        "the second is budget_exhausted (the reservation was written before the request left), audited; once the first settles, the next call goes",
    },
    async () => {
      const first = chat(`task ${taskId}: write an essay`, 8192);
      await eventually(async () => heldHere().length === 1, 30_000, "the first call at the model");
      expect(heldHere()[0]!.body.max_tokens).toBeLessThan(BUDGET);
      expect(await chat(`task ${taskId}: and a second one`, 100)).toMatchObject({
        ok: false,
        error: "budget_exhausted",
      });
      expect((await t.audit(taskId)).at(-1)).toMatchObject({
        op: "llm.chat",
        decision: "refused",
        reason: "budget_exhausted",
      });
      heldHere()[0]!.answer();
      expect(await first).toMatchObject({ ok: true, result: { budget: { used: 50, limit: BUDGET } } });
      const third = chat(`task ${taskId}: a third one`, 100);
      await eventually(async () => heldHere().length === 2, 30_000, "the third call at the model");
      heldHere()[1]!.answer();
      expect(await third).toMatchObject({ ok: true, result: { budget: { used: 100 } } });
    },
    60_000,
  );

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "the task completed while its model call is in flight",
      evidence: "task_closed, audited; the completion never reaches the agent; the wiped vault stays empty",
    },
    async () => {
      const call = chat(`task ${taskId}: hello`, 100);
      await eventually(async () => heldHere().length === 1, 30_000, "the call at the model");
      expect((await t.api(`/v1/tasks/${taskId}/complete`, { method: "POST" })).status).toBe(200);
      const vault = await t.vault(taskId);
      expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
      heldHere()[0]!.answer();
      expect(await call).toMatchObject({ ok: false, error: "task_closed" });
      expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
      expect((await t.audit(taskId)).filter((e) => e.op === "llm.chat")).toEqual([
        expect.objectContaining({ decision: "refused", reason: "task_closed" }),
      ]);
    },
    60_000,
  );

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "the task handed to another agent while its model call is in flight",
      evidence:
        "key_revoked, audited; the completion never reaches the revoked keys; the budget counts what the model used",
    },
    async () => {
      const call = chat(`task ${taskId}: hello`, 100);
      await eventually(async () => heldHere().length === 1, 30_000, "the call at the model");
      // As the router's escalation does: from now on only the new holder's keys are admitted.
      expect(await (await t.vault(taskId)).handoff("agent:manager-agent", ["jti_new_base", "jti_new_task"])).not.toBe(
        null,
      );
      heldHere()[0]!.answer();
      expect(await call).toMatchObject({ ok: false, error: "key_revoked" });
      expect(await ledgerTotal()).toBe(50);
      expect((await t.audit(taskId)).filter((e) => e.op === "llm.chat")).toEqual([
        expect.objectContaining({ decision: "refused", reason: "key_revoked" }),
      ]);
    },
    60_000,
  );
});
