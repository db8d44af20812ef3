/**
 * The widget's limits hold under concurrency: N requests at once, counted by
 * what the router answered and by what it wrote.
 */
import { describe, expect } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { SESSIONS_PER_CUSTOMER_PER_HOUR, SESSIONS_PER_IDENTITY_PER_HOUR } from "../src/widget/quota.ts";
import { attack } from "./support/redteam.ts";
import { edgeRows, tally } from "./support/edge.ts";
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
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 200));
}

const sessionsOf = async (customer: string) => (await (await t.sys.db()).prepare("SELECT COUNT(*) AS n FROM widget_sessions WHERE customer_id = ?").bind(customer).first<{ n: number }>())!.n;

describe("widget limits are atomic", () => {
  attack(
    { surface: "edge", class: "rate-limits", tries: "15 concurrent messages on one widget session (limit 10 a minute)", evidence: "exactly 10 accepted, 5 answered 429 rate_limited" },
    async () => {
      const { body } = await open(await mintIdentity(SITE_SECRET, "cus_1005"));
      await insideOneMinute();
      const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => w()("/messages", { body: { message: `question ${i} about my lamp` }, session: body.session })));
      expect(tally(answers)).toEqual({ 200: 10, 429: 5 });
      const refused = answers.find((a) => a.status === 429)!;
      expect(await refused.json()).toMatchObject({ error: "rate_limited", message: expect.any(String) });
      expect(edgeRows(await t.audit(), "widget.rate_limited")).toHaveLength(1);
      // Let every accepted run finish before the next test.
      await Promise.all(answers.filter((a) => a.status === 200).map((a) => readSse(a)));
      await Promise.all(answers.filter((a) => a.status === 429 && a !== refused).map((a) => a.text()));
    },
    120_000,
  );

  attack(
    { surface: "edge", class: "rate-limits", tries: "25 concurrent session opens with one identity token", evidence: `exactly ${SESSIONS_PER_IDENTITY_PER_HOUR} opened, the rest 429; the same customer still opens with a fresh token` },
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
    { surface: "edge", class: "rate-limits", tries: "25 concurrent session opens for one customer with 25 tokens", evidence: `exactly ${SESSIONS_PER_CUSTOMER_PER_HOUR} opened, 5 answered 429; ${SESSIONS_PER_CUSTOMER_PER_HOUR} rows written` },
    async () => {
      const identities = await Promise.all(Array.from({ length: 25 }, (_, i) => mintIdentity(SITE_SECRET, "cus_1003", 3600 - i)));
      const answers = await Promise.all(identities.map(open));
      expect(tally(answers)).toEqual({ 201: SESSIONS_PER_CUSTOMER_PER_HOUR, 429: 25 - SESSIONS_PER_CUSTOMER_PER_HOUR });
      expect(await sessionsOf("cus_1003")).toBe(SESSIONS_PER_CUSTOMER_PER_HOUR);
    },
  );

  attack(
    { surface: "edge", class: "rate-limits", tries: "8 concurrent event streams on one widget session", evidence: "5 streams, 3 answered 429 rate_limited" },
    async () => {
      const { body } = await open(await mintIdentity(SITE_SECRET, "cus_1006"));
      const first = await readSse(await w()("/messages", { body: { message: "I need to talk to a person about my account" }, session: body.session }));
      const taskId = first[0]!.data.taskId as string;
      await insideOneMinute();
      const streams = await Promise.all(Array.from({ length: 8 }, () => w()("/events?since=0", { session: body.session })));
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
