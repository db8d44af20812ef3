/**
 * Issue 9, item 5: an agent observes the same thing whether a guess is right
 * or wrong. Its own words come back exactly as written (transcript, the
 * summary handed to the next agent), and the LLM gateway masks every
 * PII-looking value of a prompt for the provider instead of refusing the real
 * ones (a refusal was a yes/no answer). The model still never receives a real value.
 */
import { describe, expect } from "vitest";
import { cell } from "./support/cell.ts";
import { useFakeOpenAi } from "./support/fake-openai.ts";
import { demoPii, leakedValues } from "./support/pii.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

const llm = useFakeOpenAi();
const t = useSystem({
  extraAgents: [HOSTILE, PUPPET],
  get proxyVars() {
    return llm.proxyVars;
  },
});
const c = cell(t);

/** A model that repeats the last user message in a reply_send call: the agent's view of its own prompt. */
const echo = () =>
  llm.script.push({
    name: "reply_send",
    arguments: (body) => ({ text: body.messages.filter((m: any) => m.role === "user").at(-1).content }),
  });

/** Group testing through the gateway: the same answer, right or wrong. */
async function probe(guesses: string[]) {
  const seen: Array<{ ok: boolean; error?: string; echoed?: string }> = [];
  for (const guess of guesses) {
    echo();
    const res = await c.call("llm.chat", {
      model: "default",
      messages: [{ role: "user", content: `Is the customer ${guess}?` }],
    });
    seen.push({ ok: res.ok, error: res.error, echoed: res.result?.message.toolCalls[0]?.arguments.text });
  }
  return seen;
}

describe("the LLM gateway is no oracle", () => {
  attack(
    {
      surface: "cell",
      class: "oracles",
      tries: "group-test guessed names through pii_in_prompt",
      evidence: "every guess answered alike, echoed as written; the provider never got the name; audited for people",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      await c.call("customer.read", { customerId: "cus_1001" });
      const before = llm.requests.length;
      const guesses = ["John Smith", "Maria Alvarez", "Mario Alvarez", "MARIA ALVAREZ", "Ana Souza"];
      const seen = await probe(guesses);
      expect(seen).toEqual(guesses.map((g) => ({ ok: true, error: undefined, echoed: `Is the customer ${g}?` })));
      expect(leakedValues(JSON.stringify(llm.requests.slice(before)), ["Maria Alvarez", "Alvarez", "Maria"])).toEqual(
        [],
      );
      const rows = (await t.audit(taskId)).filter((e) => e.op === "llm.chat");
      expect(rows.every((e) => e.decision === "allowed")).toBe(true);
      expect(rows.map((e) => (e.detail as any).masked?.realValues ?? [])).toContainEqual(["[NAME_1]"]);
      expect(JSON.stringify(rows)).not.toMatch(/maria|alvarez/i);
    },
  );

  attack(
    {
      surface: "cell",
      class: "oracles",
      tries: "group-test guessed emails and phones through the gateway",
      evidence: "every guess answered alike; no real value reached the provider",
    },
    async () => {
      await c.task("cus_1001");
      await c.call("customer.read", { customerId: "cus_1001" });
      const before = llm.requests.length;
      const guesses = [
        "maria@example.com",
        "maria.alvarez@example.com",
        "Maria.Alvarez@Example.com",
        "+1 415 555 0199",
        "+1 (415) 555-0132",
      ];
      const seen = await probe(guesses);
      expect(seen).toEqual(guesses.map((g) => ({ ok: true, error: undefined, echoed: `Is the customer ${g}?` })));
      expect(leakedValues(JSON.stringify(llm.requests.slice(before)), await demoPii(await t.sys.db()))).toEqual([]);
      // Wrong guesses are masked too: the provider cannot tell the agent which one was real.
      expect(JSON.stringify(llm.requests.slice(before))).not.toContain("maria@example.com");
    },
  );

  attack(
    {
      surface: "cell",
      class: "oracles",
      tries: "guess a value inside tool-call arguments and tool specs of the prompt",
      evidence: "answered alike; the provider got placeholders",
    },
    async () => {
      await c.task("cus_1001");
      await c.call("customer.read", { customerId: "cus_1001" });
      const before = llm.requests.length;
      for (const guess of ["Maria Alvarez", "Mario Alvarez"]) {
        echo();
        const res = await c.call("llm.chat", {
          model: "default",
          tools: [{ name: "lookup", description: `find ${guess}`, parameters: { type: "object" } }],
          messages: [
            { role: "assistant", content: null, toolCalls: [{ id: "c1", name: "lookup", arguments: { who: guess } }] },
            { role: "tool", toolCallId: "c1", name: "lookup", content: "none" },
            { role: "user", content: `again ${guess}` },
          ],
        });
        expect(res).toMatchObject({
          ok: true,
          result: { message: { toolCalls: [{ arguments: { text: `again ${guess}` } }] } },
        });
      }
      expect(JSON.stringify(llm.requests.slice(before))).not.toMatch(/Maria Alvarez/);
    },
  );
});

describe("an agent's own words come back as written", () => {
  attack(
    {
      surface: "cell",
      class: "oracles",
      tries: "write guessed names and emails in replies, read them back with transcript.read",
      evidence: "each reply read back exactly as written",
    },
    async () => {
      await c.task("cus_1001");
      const written = [
        "Hello Maria Alvarez",
        "Hello Mario Alvarez",
        "Write to maria.alvarez@example.com",
        "Write to mario@example.com",
        "Hello [NAME_1]",
      ];
      for (const text of written) expect((await c.reply(text)).ok).toBe(true);
      const transcript = await c.call("transcript.read");
      expect(transcript.result.filter((e: any) => e.role === "agent").map((e: any) => e.text)).toEqual(written);
      // The customer entry stays tokenized: only the agent's own words are echoed.
      expect(transcript.result[0]).toMatchObject({ role: "customer" });
    },
  );

  attack(
    {
      surface: "cell",
      class: "oracles",
      tries: "escalate with a guessed name in the summary and reason, read them from the next agent",
      evidence: "the next agent receives both exactly as written; the stored copies are tokenized",
    },
    async () => {
      const summary = "Customer Maria Alvarez (or is it Mario Alvarez?) wants ord_5001 refunded";
      const reason = "check whether maria.alvarez@example.com is right";
      await t.puppet({ attack: "result", result: { status: "escalate", target: "hostile-agent", reason, summary } });
      const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1001" }, message: "hello" });
      expect(task.hops).toEqual(["agent:puppet-agent", "agent:hostile-agent"]);
      const inv = await t.hostile({ attack: "invocation" });
      expect(inv.context).toMatchObject({
        escalatedFrom: "puppet-agent",
        handoff: { from: "agent:puppet-agent", provenance: "agent-written", summary, reason },
      });
      const escalated = (await t.audit(task.taskId)).find((e) => e.event === "task.escalated");
      expect(JSON.stringify(escalated)).not.toMatch(/maria|alvarez/i);
    },
  );
});
