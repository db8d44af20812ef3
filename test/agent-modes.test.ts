/**
 * The loader and namespace modes end to end: the README story runs, an
 * agent's identity is the router's, nothing an agent keeps in memory
 * outlives its hop, a new build of one agent is live without touching the
 * router, and a mode without its bindings fails closed.
 */
import { describe, expect, it } from "vitest";
import { cellCodeKeys } from "../src/contracts/cell.ts";
import { buildAgentCode, publishAgentCode } from "../tools/local/agent-code.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, useSystem } from "./support/system.ts";

const STORY = {
  intent: "refund",
  subject: { customerId: "cus_1001", caseId: "cas_2001" },
  message: "My desk arrived cracked. Please refund the 700 USD for ord_5001.",
};

describe.each(["loader", "namespace"] as const)("%s mode", (mode) => {
  const t = useSystem({ agentMode: mode });

  it("runs the README story: the refund agent escalates 700 and the manager agent refunds it", async () => {
    const task = await t.createTask(STORY);
    expect(task).toMatchObject({
      outcome: "completed",
      assignee: "agent:manager-agent",
      hops: ["agent:refund-agent", "agent:manager-agent"],
    });
    expect(task.replies.at(-1)).toContain("I have refunded 700.00 USD");
    const calls = (await t.audit(task.taskId)).filter((e) => e.event === "proxy.call");
    // Every proxy call was made as the agent the router dispatched, never as anyone else.
    expect(new Set(calls.map((e) => e.actor))).toEqual(new Set(["agent:refund-agent", "agent:manager-agent"]));
    expect((await t.audit(task.taskId)).filter((e) => e.event === "task.escalated")).toHaveLength(1);
  });

  attack(
    {
      surface: "cell",
      class: "rpc-surface",
      tries: `act as another agent through the proxy door (${mode})`,
      evidence: "key_wrong_agent: the door names the dispatched agent, refusal row",
    },
    async () => {
      const victim = await t.createTask({
        agent: "refund-agent",
        subject: { customerId: "cus_1003" },
        message: "Where is my keyboard?",
      });
      const keys = await t.mintPair({
        principal: "agent:refund-agent",
        taskId: victim.taskId,
        customer: "cus_1003",
        caps: [{ capability: "customer.read" }],
      });
      const res = await t.hostile(
        { attack: "call", op: "customer.read", args: { customerId: "cus_1003" }, ...keys },
        victim.taskId,
      );
      expect(res).toMatchObject({ ok: false, error: "key_wrong_agent" });
      const refusal = (await t.audit(victim.taskId)).filter((e) => e.decision === "refused").at(-1);
      expect(refusal).toMatchObject({ actor: "agent:hostile-agent", event: "proxy.call", reason: "key_wrong_agent" });
    },
  );

  // Loader mode only: a dispatch namespace may reuse a user Worker's isolate (the stand-in would not show it).
  if (mode === "loader")
    attack(
      {
        surface: "cell",
        class: "rpc-surface",
        tries: "keep a task's keys in memory for a later invocation (loader)",
        evidence: "each hop is a fresh isolate: nothing stashed",
      },
      async () => {
        const task = await t.createTask({
          agent: "hostile-agent",
          subject: { customerId: "cus_1002" },
          message: "hello",
        });
        expect(task.summary).toContain("whoami ok=true");
        // In service mode the same Worker isolate serves the next call and still holds the keys.
        const res = await t.hostile({ attack: "replay", op: "whoami" }, task.taskId);
        expect(res).toEqual({ error: "nothing stashed" });
      },
    );

  it("runs a newly published build of one agent at its next hop, with the router untouched", async () => {
    const holder = mode === "loader" ? "siloos-router" : "siloos-agents-namespace";
    const kv = await t.sys.mf.getKVNamespace("CELL_CODE", holder);
    const before = await kv.get(cellCodeKeys.current("hostile-agent"));
    const build = await buildAgentCode(HOSTILE, t.sys.registry);
    // The new build marks its answers, so the test can tell which one ran.
    const v2 = {
      ...build,
      version: "f".repeat(16),
      modules: { "main.js": build.modules["main.js"]!.replace("whoami ok=", "v2 whoami ok=") },
    };
    await publishAgentCode(kv, v2);
    try {
      const task = await t.createTask({
        agent: "hostile-agent",
        subject: { customerId: "cus_1002" },
        message: "hello",
      });
      expect(task.summary).toContain("v2 whoami ok=true");
    } finally {
      await kv.put(cellCodeKeys.current("hostile-agent"), before!);
    }
    const again = await t.createTask({ agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hello" });
    expect(again.summary).not.toContain("v2");
  });
});

describe("a mode without its bindings fails closed", () => {
  // The router is told loader mode but given no Worker Loader: no agent runs, nothing falls back to service mode.
  const t = useSystem({ routerVars: { SILOOS_AGENT_MODE: "loader" } });

  it("queues the task for a person with agent_unavailable and dispatches nothing", async () => {
    const task = await t.createTask({
      agent: "refund-agent",
      subject: { customerId: "cus_1005" },
      message: "Refund my lamp please, ord_5006",
    });
    expect(task).toMatchObject({ outcome: "failed", assignee: "human:support" });
    const rows = await t.audit(task.taskId);
    expect(rows.filter((e) => e.event === "proxy.call")).toEqual([]);
    expect(rows).toContainEqual(
      expect.objectContaining({
        event: "task.queued_human",
        reason: "agent_failed",
        detail: expect.objectContaining({ reason: expect.stringContaining("agent_unavailable") }),
      }),
    );
  });
});
