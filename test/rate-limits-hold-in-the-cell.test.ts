import { afterAll, beforeAll, describe, expect } from "vitest";
import { type FakeOpenAi, startFakeOpenAi } from "./support/fake-openai.ts";
import { attack } from "./support/redteam.ts";
import { FLOOD, HOSTILE, SPENDER, useSystem } from "./support/system.ts";

/**
 * In-cell rate limits (src/proxy/ledger/rates.ts), declared per agent in its
 * config.yaml: spender-agent may make 40 proxy calls and 5 replies a task and
 * grow its vault to 60 tokens; flood-agent may make 30 calls a minute across
 * all of its tasks. Past a limit: rate_limited, audited in aggregate (the
 * 1st, 10th, 100th … refusal of a counter), counted exactly: a task's own
 * counters in its vault, the per-agent ones in the agent's AgentRates DO,
 * spent from leases in the tasks' vaults (test/agent-rate-leases.test.ts).
 */
let llm: FakeOpenAi;
beforeAll(async () => {
  llm = await startFakeOpenAi();
});
afterAll(async () => llm?.close());

const t = useSystem({
  extraAgents: [HOSTILE, SPENDER, FLOOD],
  get proxyVars() {
    return { SILOOS_LLM: `openai:fake-gpt@${llm.url}`, SILOOS_LLM_API_KEY: "sk-test-provider-key" };
  },
});

const openTask = async (agent: string, customerId = "cus_1002") =>
  (await t.createTask({ agent, subject: { customerId }, message: "hello" })).taskId as string;
const as = (agent: string, taskId: string, op: string, args: Record<string, unknown> = {}, idempotencyKey?: string) =>
  t.drive(agent, { attack: "replay", taskId, op, args, idempotencyKey });

/** A principal's per-minute counters live in its AgentRates DO (src/proxy/ledger/agent-rates.ts). */
async function agentCounters(
  principal: string,
  kind: string,
): Promise<Array<{ period: number; count: number; refused: number }>> {
  const ns = await t.sys.mf.getDurableObjectNamespace("AGENT_RATES", "siloos-proxy");
  return (
    ns.get(ns.idFromName(principal)) as unknown as {
      counters(kind: string): Promise<Array<{ period: number; count: number; refused: number }>>;
    }
  ).counters(kind);
}

/** A task's own counters live in its vault (src/vault/ledger.ts). */
async function taskCounter(taskId: string, kind: string) {
  return ((await (await t.vault(taskId)).ledger()) as { counters: Record<string, { count: number; refused: number }> })
    .counters[kind];
}

const rateLimitedRows = async (taskIds: string[]) =>
  (await Promise.all(taskIds.map((id) => t.audit(id))))
    .flat()
    .filter((e) => e.event === "proxy.call" && e.decision === "refused" && e.reason === "rate_limited");

describe("rate limits inside the cell", () => {
  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "150 concurrent proxy calls in one task (limit 40)",
      evidence: "39 allowed after the run's own call, 111 rate_limited; 3 aggregated audit rows",
    },
    async () => {
      const taskId = await openTask("spender-agent");
      const answers = await Promise.all(Array.from({ length: 150 }, () => as("spender-agent", taskId, "whoami")));
      // The run itself made one call (whoami) when the task opened.
      expect(answers.filter((a) => a.ok)).toHaveLength(39);
      expect(answers.filter((a) => !a.ok).every((a) => a.error === "rate_limited")).toBe(true);
      expect(await taskCounter(taskId, "calls")).toMatchObject({ count: 40, refused: 111 });
      // Aggregated: the refusals cannot flood the append-only log.
      const rows = await rateLimitedRows([taskId]);
      expect(rows.map((r) => String(r.detail?.message).match(/refusals so far: (\d+)/)?.[1])).toEqual([
        "1",
        "10",
        "100",
      ]);
      expect((await t.audit(taskId)).filter((e) => e.event === "proxy.call")).toHaveLength(40 + 3);
    },
  );

  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "12 concurrent replies in one task (limit 5)",
      evidence: "5 in the transcript, 7 rate_limited, first refusal audited",
    },
    async () => {
      const taskId = await openTask("spender-agent");
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          as("spender-agent", taskId, "reply.send", { text: `Message number ${i}.` }, `flood-reply-${i}-x`),
        ),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(5);
      expect(answers.filter((a) => !a.ok).map((a) => a.error)).toEqual(Array(7).fill("rate_limited"));
      const transcript = await as("spender-agent", taskId, "transcript.read");
      expect(transcript.result.filter((e: { role: string }) => e.role === "agent")).toHaveLength(5);
      expect((await rateLimitedRows([taskId]))[0]).toMatchObject({
        op: "reply.send",
        detail: expect.objectContaining({ message: expect.stringContaining("replies per task") }),
      });
    },
  );

  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "grow the vault with model output full of fresh addresses (limit 60 tokens)",
      evidence: "minting calls rate_limited past 60; the vault stops growing",
    },
    async () => {
      const taskId = await openTask("spender-agent");
      const answers = [];
      for (let call = 0; call < 6; call++) {
        const addresses = Array.from({ length: 25 }, (_, i) => `box${call}x${i}@mail${call}.example.net`).join(" ");
        llm.script.push({ name: "reply_send", arguments: { text: addresses } });
        answers.push(
          await as("spender-agent", taskId, "llm.chat", {
            model: "default",
            messages: [{ role: "user", content: "write" }],
          }),
        );
      }
      expect(answers.slice(0, 3).every((a) => a.ok)).toBe(true);
      expect(answers.slice(3).map((a) => a.error)).toEqual(["rate_limited", "rate_limited", "rate_limited"]);
      llm.script.length = 0;
      expect(
        await as("spender-agent", taskId, "reply.send", { text: "one more x@y.example.org" }, "vault-full-reply"),
      ).toMatchObject({ ok: false, error: "rate_limited" });
      const tokens = (await (await t.vault(taskId)).stats()).tokens as number;
      expect(tokens).toBeLessThanOrEqual(60 + 25);
      expect((await rateLimitedRows([taskId]))[0]?.detail).toMatchObject({
        message: expect.stringContaining("vault tokens per task"),
      });
    },
  );

  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "spread 90 calls over 3 tasks to beat a per-agent limit of 30 a minute",
      evidence: "no minute window counts more than 30; refusals rate_limited, audited in aggregate",
    },
    async () => {
      const taskIds = await Promise.all([1, 2, 3].map(() => openTask("flood-agent")));
      const answers = await Promise.all(
        taskIds.flatMap((id) => Array.from({ length: 30 }, () => as("flood-agent", id, "whoami"))),
      );
      const refused = answers.filter((a) => !a.ok);
      // A minute boundary inside the burst can at most let two windows' worth through.
      expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(60);
      expect(refused.length).toBeGreaterThanOrEqual(30);
      expect(refused.every((a) => a.error === "rate_limited")).toBe(true);
      const minutes = await agentCounters("agent:flood-agent", "calls");
      expect(Math.max(...minutes.map((m) => m.count))).toBeLessThanOrEqual(30);
      // Counted exactly: every refusal of the burst is on a counter; in one minute, exactly the limit passed.
      expect(minutes.reduce((n, m) => n + m.refused, 0)).toBe(refused.length);
      if (minutes.length === 1) expect(minutes[0]!.count).toBe(30);
      const rows = await rateLimitedRows(taskIds);
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.length).toBeLessThanOrEqual(4);
    },
  );

  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "flood the audit log with 150 denied fetch()es in a burst",
      evidence: "all denied 403; egress.denied rows capped at 60 a minute plus aggregates",
    },
    async () => {
      const answers = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          t.drive("flood-agent", { attack: "fetch", url: `https://exfil.example.net/${i}` }),
        ),
      );
      expect(answers.every((a) => a.ok && a.value.status === 403)).toBe(true);
      const db = await t.sys.db();
      const rows = await db
        .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE actor = 'agent:flood-agent' AND event = 'egress.denied'")
        .first<{ n: number }>();
      expect(rows?.n).toBeLessThanOrEqual(124);
      const counted = await db
        .prepare(
          "SELECT SUM(count) AS n, MAX(count) AS peak FROM rate_counters WHERE scope = 'agent:flood-agent' AND kind = 'egress_audit'",
        )
        .first<{ n: number; peak: number }>();
      expect(counted?.n).toBe(150);
      // One minute: 60 rows and the 10th and 100th past them; a minute boundary in the burst at most doubles the rows.
      expect(rows?.n).toBeLessThanOrEqual(counted!.peak === 150 ? 62 : 124);
      expect(rows?.n).toBeGreaterThanOrEqual(60);
    },
  );
});
