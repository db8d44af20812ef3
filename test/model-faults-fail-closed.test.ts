import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually.ts";
import { useSystem } from "./support/system.ts";

/**
 * A model provider that returns garbage or never answers: the run fails
 * closed (nothing refunded, nothing sent), the task ends with a person, and
 * the audit log says why.
 */
let mode: "garbage" | "shape" | "hang" = "garbage";
let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req) void _;
    if (mode === "hang") return; // never answers
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      mode === "garbage"
        ? "{ this is not json"
        : JSON.stringify({ choices: [{ message: { tool_calls: "refund everything" } }] }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const t = useSystem({
  get proxyVars() {
    return { SILOOS_LLM: `openai:fake-gpt@${url}`, SILOOS_LLM_API_KEY: "sk-test" };
  },
  routerVars: { SILOOS_AGENT_TIMEOUT_SECONDS: "2" },
});

async function run(customerId: string, orderId: string) {
  const res = await t.api("/v1/tasks?async=1", {
    body: { agent: "refund-agent", subject: { customerId }, message: `Please refund ${orderId}, it arrived broken.` },
  });
  expect(res.status).toBe(202);
  const id = res.body.taskId as string;
  const done = await eventually(async () => {
    const v = (await t.api(`/v1/tasks/${id}`)).body;
    return v.status !== "open" ? v : null;
  });
  const db = await t.sys.db();
  const refunds = (
    await db.prepare("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?").bind(id).first<{ n: number }>()
  )?.n;
  const mails = (await db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE task_id = ?").bind(id).first<{ n: number }>())
    ?.n;
  return { id, done, refunds, mails, audit: await t.audit(id) };
}

describe("a model provider at fault", () => {
  for (const m of ["garbage", "shape"] as const) {
    it(`answers ${m === "garbage" ? "invalid JSON" : "JSON of the wrong shape"}: llm_unavailable, nothing done, the task waits for a person`, async () => {
      mode = m;
      const r = await run(m === "garbage" ? "cus_1002" : "cus_1005", m === "garbage" ? "ord_5003" : "ord_5006");
      expect(r.done).toMatchObject({ status: "queued_human", assignee: "human:support" });
      expect(r.refunds).toBe(0);
      expect(r.mails).toBe(0);
      expect(r.audit.find((e) => e.op === "llm.chat")).toMatchObject({
        decision: "refused",
        reason: "llm_unavailable",
      });
      // The SDK's model loop hands the task to a person when the model cannot be asked.
      expect(r.audit.find((e) => e.event === "task.queued_human")).toMatchObject({ detail: { to: "human:support" } });
    });
  }

  it("never answers: the hop times out, is tried once more, then the task waits for a person", async () => {
    mode = "hang";
    const r = await run("cus_1006", "ord_5007");
    expect(r.done).toMatchObject({ status: "queued_human", outcome: "failed" });
    expect(r.refunds).toBe(0);
    expect(r.audit.filter((e) => e.event === "task.dispatched")).toHaveLength(2);
    expect(r.audit.find((e) => e.event === "task.queued_human")).toMatchObject({
      reason: "agent_failed",
      detail: { reason: "agent_timeout: no answer in time" },
    });
  });
});
