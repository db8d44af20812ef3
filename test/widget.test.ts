import { describe, expect, it } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { operator } from "./support/console.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { readSse, SITE_SECRET, widgetClient } from "./support/widget.ts";

const ALLOWED = "https://shop.example";
const t = useSystem({
  routerVars: {
    SILOOS_WIDGET_SITES: JSON.stringify({ demo: { origins: [ALLOWED], secret: SITE_SECRET, intent: "general" } }),
  },
});
const w = () => widgetClient(t, ALLOWED);

async function openSession(customerId = "cus_1001") {
  const res = await w()("/sessions", { body: { site: "demo", identity: await mintIdentity(SITE_SECRET, customerId) } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { session: string }).session;
}

describe("the chat widget API", () => {
  it("streams a conversation: replies arrive as server-sent events, hydrated for this visitor only", async () => {
    const session = await openSession();
    const started = Date.now();
    const res = await w()("/messages", {
      body: { message: "Hi, the headphones I bought are broken: I want a refund for ord_5002" },
      session,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(res);
    const replies = events.filter((e) => e.event === "reply");
    expect(events[0]).toMatchObject({ event: "accepted", data: { taskId: expect.stringMatching(/^tsk_/) } });
    expect(replies.at(-1)?.data.text).toContain("Hello Maria Alvarez, I have refunded 249.00 USD for order ord_5002");
    expect(events.at(-1)?.event).toBe("done");
    expect(replies[0]!.at - started).toBeGreaterThan(0);

    const conv = (await (await w()("/conversation", { session })).json()) as any;
    expect(conv.messages.map((m: any) => m.role)).toEqual(["customer", "agent"]);
    expect(conv.messages[1].text).toContain("Maria Alvarez");
  });

  attack(
    {
      surface: "edge",
      class: "widget",
      tries:
        "a disallowed origin, a forged identity token, a session used from another site's page, a tampered session",
      evidence: "403 origin_denied without CORS headers, 401 unauthorized",
    },
    async () => {
      const identity = await mintIdentity(SITE_SECRET, "cus_1001");
      const evil = widgetClient(t, "https://evil.example");
      const denied = await evil("/sessions", { body: { site: "demo", identity } });
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: "origin_denied" });
      expect(denied.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await t.sys.mf.dispatchFetch(new URL("/v1/widget/sessions", t.sys.url).href, {
        method: "OPTIONS",
        headers: { origin: ALLOWED, "access-control-request-method": "POST" },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED);

      const forged = await w()("/sessions", {
        body: { site: "demo", identity: await mintIdentity("another-secret-0123456789-abcdefghij", "cus_1002") },
      });
      expect(forged.status).toBe(401);
      const session = await openSession();
      expect((await evil("/conversation", { session })).status).toBe(403);
      expect((await w()("/conversation", { session: `${session}x` })).status).toBe(401);
    },
  );

  attack(
    {
      surface: "edge",
      class: "widget",
      tries: "an oversized message, then a sequential message flood on one session",
      evidence: "400 validation_failed, then 429 rate_limited",
    },
    async () => {
      const session = await openSession("cus_1005");
      const big = await w()("/messages", { body: { message: "x".repeat(2001) }, session });
      expect(big.status).toBe(400);
      expect(await big.json()).toMatchObject({ error: "validation_failed" });
      let limited: Response | undefined;
      for (let i = 0; i < 12 && !limited; i++) {
        const res = await w()("/messages", { body: { message: `question ${i}` }, session });
        if (res.status === 429) limited = res;
        else await readSse(res);
      }
      expect(limited?.status).toBe(429);
      expect(await limited!.json()).toMatchObject({ error: "rate_limited" });
    },
  );

  it("shows when a human has taken over, and streams the human's reply", async () => {
    const session = await openSession("cus_1006");
    const first = await readSse(
      await w()("/messages", { body: { message: "I need to talk to a person about my account" }, session }),
    );
    expect(first.filter((e) => e.event === "status").at(-1)?.data).toMatchObject({
      status: "queued_human",
      human: true,
    });
    const taskId = first[0]!.data.taskId as string;
    const alice = await operator(t, "alice");
    const { keys } = (await alice.call(`/tasks/${taskId}/take`, {})).body;
    let sawReply: () => void = () => undefined;
    const replied = new Promise<void>((r) => (sawReply = r));
    const watching = w()(`/events?since=0`, { session }).then((res) =>
      readSse(res, (e) => e.event === "reply" && sawReply()),
    );
    await alice.call(`/tasks/${taskId}/call`, {
      op: "reply.send",
      args: { text: "Hi [NAME_1], Alice here, I can help." },
      idempotencyKey: "human-reply-0001",
      ...keys,
    });
    await replied;
    // Completing the task ends the stream.
    await alice.call(`/tasks/${taskId}/complete`, {});
    const events = await watching;
    expect(events.filter((e) => e.event === "status").at(-1)?.data).toMatchObject({ status: "completed" });
    expect(events.filter((e) => e.event === "reply").map((e) => e.data)).toContainEqual({
      text: "Hi Fatima Haddad, Alice here, I can help.",
      by: "human",
    });
  });
});
