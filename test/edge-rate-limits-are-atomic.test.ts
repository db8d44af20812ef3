/**
 * The widget's limits hold under concurrency: N requests at once, counted by
 * what the router answered and by what it wrote.
 */
import { describe, expect, it } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { SESSIONS_PER_CUSTOMER_PER_HOUR, SESSIONS_PER_IDENTITY_PER_HOUR } from "../src/widget/quota.ts";
import { edgeRows, tally } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { readSse, SITE_SECRET, sitesConfig, widgetClient } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({ routerVars: { SILOOS_WIDGET_SITES: sitesConfig(ORIGIN) } });
const w = () => widgetClient(t, ORIGIN);

async function open(identity: string) {
  const res = await w()("/sessions", { body: { site: "demo", identity } });
  return { status: res.status, body: (await res.json()) as any };
}

/** The Rate Limiting binding counts in wall-clock minutes: start a burst well inside one. */
async function insideOneMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 200));
}

const sessionsOf = async (customer: string) =>
  (await (
    await t.sys.db()
  )
    .prepare("SELECT COUNT(*) AS n FROM widget_sessions WHERE customer_id = ?")
    .bind(customer)
    .first<{ n: number }>())!.n;

describe("widget limits are atomic", () => {
  attack(
    {
      surface: "edge",
      class: "rate-limits",
      tries: "15 concurrent messages on one widget session (limit 10 a minute)",
      evidence: "the first message and exactly 9 more accepted, 6 answered 429 rate_limited; one edge.refused row",
    },
    async () => {
      const { body } = await open(await mintIdentity(SITE_SECRET, "cus_1005"));
      await insideOneMinute();
      // A person holds the conversation, so later messages queue for them (no model run each).
      const first = await readSse(
        await w()("/messages", {
          body: { message: "I need to talk to a person about my lamp" },
          session: body.session,
        }),
      );
      expect(first.filter((e) => e.event === "status").at(-1)?.data).toMatchObject({ status: "queued_human" });
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          w()("/messages", { body: { message: `question ${i} about my lamp` }, session: body.session }),
        ),
      );
      expect(tally(answers)).toEqual({ 200: 9, 429: 6 });
      const refused = answers.find((a) => a.status === 429)!;
      expect(await refused.json()).toMatchObject({ error: "rate_limited", message: expect.any(String) });
      expect(edgeRows(await t.audit(), "widget.rate_limited")).toHaveLength(1);
      await Promise.all(answers.filter((a) => a.status === 429 && a !== refused).map((a) => a.text()));
      const events = await Promise.all(answers.filter((a) => a.status === 200).map((a) => readSse(a)));
      expect(events.every((e) => e[0]?.event === "accepted" && e.at(-1)?.event === "done")).toBe(true);
      await t.api(`/v1/tasks/${first[0]!.data.taskId}/complete`, { method: "POST" });
    },
    120_000,
  );

  // Not an attack(): locally the requests did not interleave enough to start two tasks before the claim either.
  it("5 concurrent first messages on a fresh widget session start exactly one task", async () => {
    const { body } = await open(await mintIdentity(SITE_SECRET, "cus_1007"));
    const db = await t.sys.db();
    const before = (await db
      .prepare("SELECT COUNT(*) AS n FROM tasks WHERE customer_id = 'cus_1007'")
      .first<{ n: number }>())!.n;
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        w()("/messages", { body: { message: `hello ${i}, I need to talk to a person` }, session: body.session }),
      ),
    );
    // Each is accepted into the one conversation, or told it is starting (409 conflict): never a second task.
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    for (const a of answers.filter((a) => a.status === 409))
      expect(await a.json()).toMatchObject({ error: "conflict" });
    const streams = await Promise.all(answers.filter((a) => a.status === 200).map((a) => readSse(a)));
    expect(new Set(streams.map((e) => e[0]!.data.taskId)).size).toBe(1);
    const stream = streams[0]!;
    expect(
      (await db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE customer_id = 'cus_1007'").first<{ n: number }>())!.n,
    ).toBe(before + 1);
    await t.api(`/v1/tasks/${stream[0]!.data.taskId}/complete`, { method: "POST" });
  }, 120_000);

  attack(
    {
      surface: "edge",
      class: "rate-limits",
      tries: "25 concurrent session opens with one identity token",
      evidence: `exactly ${SESSIONS_PER_IDENTITY_PER_HOUR} opened, the rest 429; the same customer still opens with a fresh token`,
    },
    async () => {
      const identity = await mintIdentity(SITE_SECRET, "cus_1002");
      const answers = await Promise.all(Array.from({ length: 25 }, () => open(identity)));
      expect(tally(answers)).toEqual({ 201: SESSIONS_PER_IDENTITY_PER_HOUR, 429: 25 - SESSIONS_PER_IDENTITY_PER_HOUR });
      expect(answers.find((a) => a.status === 429)!.body).toMatchObject({ error: "rate_limited" });
      expect(await sessionsOf("cus_1002")).toBe(SESSIONS_PER_IDENTITY_PER_HOUR);
      // One token cannot use up the customer's sessions for the customer's other pages.
      expect((await open(await mintIdentity(SITE_SECRET, "cus_1002", 1800))).status).toBe(201);
      expect(edgeRows(await t.audit(), "widget.rate_limited").length).toBeGreaterThanOrEqual(1);
    },
  );

  attack(
    {
      surface: "edge",
      class: "rate-limits",
      tries: "25 concurrent session opens for one customer with 25 tokens",
      evidence: `exactly ${SESSIONS_PER_CUSTOMER_PER_HOUR} opened, 5 answered 429; ${SESSIONS_PER_CUSTOMER_PER_HOUR} rows written`,
    },
    async () => {
      const identities = await Promise.all(
        Array.from({ length: 25 }, (_, i) => mintIdentity(SITE_SECRET, "cus_1003", 3600 - i)),
      );
      const answers = await Promise.all(identities.map(open));
      expect(tally(answers)).toEqual({ 201: SESSIONS_PER_CUSTOMER_PER_HOUR, 429: 25 - SESSIONS_PER_CUSTOMER_PER_HOUR });
      expect(await sessionsOf("cus_1003")).toBe(SESSIONS_PER_CUSTOMER_PER_HOUR);
    },
  );

  attack(
    {
      surface: "edge",
      class: "rate-limits",
      tries: "8 concurrent event streams on one widget session",
      evidence: "5 streams, 3 answered 429 rate_limited",
    },
    async () => {
      const { body } = await open(await mintIdentity(SITE_SECRET, "cus_1006"));
      const first = await readSse(
        await w()("/messages", {
          body: { message: "I need to talk to a person about my account" },
          session: body.session,
        }),
      );
      const taskId = first[0]!.data.taskId as string;
      await insideOneMinute();
      const streams = await Promise.all(
        Array.from({ length: 8 }, () => w()("/events?since=0", { session: body.session })),
      );
      expect(tally(streams)).toEqual({ 200: 5, 429: 3 });
      expect(await streams.find((s) => s.status === 429)!.json()).toMatchObject({ error: "rate_limited" });
      expect(edgeRows(await t.audit(), "widget.rate_limited").length).toBeGreaterThanOrEqual(1);
      // Completing the task closes its vault and so every open stream.
      expect((await t.api(`/v1/tasks/${taskId}/complete`, { method: "POST" })).status).toBe(200);
      await Promise.all(streams.filter((s) => s.status === 200).map((s) => readSse(s)));
    },
    120_000,
  );
});
