/**
 * Refusals at the edge leave a trace, and a flood cannot fill the log: one
 * row when a kind of refusal first comes from a client in a window, one more
 * with the count when the window closes (the cron). Windows are 4 s here.
 */
import { createHmac } from "node:crypto";
import { describe, expect } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { edgeRows, send } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { SITE_SECRET, sitesConfig } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({ routerVars: { SILOOS_WIDGET_SITES: sitesConfig(ORIGIN), SILOOS_EDGE_WINDOW_SECONDS: "4" } });

const cron = async () => (await t.sys.mf.getWorker("siloos-router")).scheduled({ cron: "* * * * *" });
/** Wait for the current 4 s window to close: a burst then starts at the beginning of one. */
const windowClosed = () => new Promise((r) => setTimeout(r, 4_000 - (Date.now() % 4_000) + 50));

describe("refusals at the edge are audited, aggregated", () => {
  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "60 requests with a wrong API key from one client",
      evidence: "one edge.refused row at once; after the window, one row with count 60; no key in any row",
    },
    async () => {
      const ip = "203.0.113.60";
      await windowClosed();
      const bad = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          send(t, "/v1/tasks", {
            body: { agent: "refund-agent", subject: { customerId: "cus_1001" }, message: "x" },
            headers: { authorization: `Bearer sk_wrong_${i}_key_value` },
            ip,
          }),
        ),
      );
      expect(bad.every((b) => b.status === 401 && b.body.error === "unauthorized")).toBe(true);
      // Nothing is written twice for one window, however many came.
      const during = edgeRows(await t.audit(), "api.unauthorized").filter((r) => r.detail?.count === 1);
      const client = during.at(-1)!.detail!.client;
      expect(during.filter((r) => r.detail?.client === client)).toHaveLength(1);
      expect(during.at(-1)).toMatchObject({ actor: `client:${client}`, decision: "refused", reason: "unauthorized" });
      await windowClosed();
      await cron();
      const closing = edgeRows(await t.audit(), "api.unauthorized").filter(
        (r) => r.detail?.client === client && r.detail?.closed,
      );
      expect(closing.map((r) => r.detail!.count)).toEqual([60]);
      await cron();
      expect(edgeRows(await t.audit(), "api.unauthorized").filter((r) => r.detail?.client === client)).toHaveLength(2);
      const text = JSON.stringify(await t.audit());
      expect(text).not.toContain("sk_wrong_");
      expect(text).not.toContain("203.0.113.60");
    },
  );

  attack(
    {
      surface: "edge",
      class: "webhooks",
      tries: "a webhook with a forged signature, and one with a stale timestamp",
      evidence: "401 bad_signature / stale_signature, each an edge.refused row",
    },
    async () => {
      const body = JSON.stringify({
        event: "ticket.created",
        ticket: { id: "X-1", subject: "s", description: "d", requester: { email: "a@example.com", name: "A" } },
      });
      const ts = Math.floor(Date.now() / 1000);
      const forged = await send(t, "/v1/webhooks/helpdesk", {
        body,
        headers: { "x-siloos-signature": `t=${ts},v1=${"ab".repeat(32)}`, "x-siloos-delivery": "d-1" },
        ip: "203.0.113.61",
      });
      expect(forged.body).toMatchObject({ error: "bad_signature" });
      const secret = (JSON.parse(t.secrets.SILOOS_WEBHOOK_SECRETS) as { helpdesk: string }).helpdesk;
      const old = ts - 3600;
      const stale = await send(t, "/v1/webhooks/helpdesk", {
        body,
        headers: {
          "x-siloos-signature": `t=${old},v1=${createHmac("sha256", secret).update(`${old}.${body}`).digest("hex")}`,
          "x-siloos-delivery": "d-2",
        },
        ip: "203.0.113.61",
      });
      expect(stale.body).toMatchObject({ error: "stale_signature" });
      const rows = await t.audit();
      expect(edgeRows(rows, "webhook.bad_signature")).toHaveLength(1);
      expect(edgeRows(rows, "webhook.stale_signature")).toHaveLength(1);
    },
  );

  attack(
    {
      surface: "edge",
      class: "widget",
      tries: "open a widget session from a disallowed origin",
      evidence: "403 origin_denied and an edge.refused row",
    },
    async () => {
      const res = await send(t, "/v1/widget/sessions", {
        body: { site: "demo", identity: await mintIdentity(SITE_SECRET, "cus_1001") },
        headers: { origin: "https://evil.example" },
        ip: "203.0.113.62",
      });
      expect(res.body).toMatchObject({ error: "origin_denied" });
      expect(edgeRows(await t.audit(), "widget.origin_denied")).toHaveLength(1);
    },
  );

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "the API key on admin routes, and a wrong password",
      evidence: "401 each: an admin.unauthorized row, a console.signin_failed row",
    },
    async () => {
      const res = await send(t, "/v1/audit", {
        headers: { authorization: `Bearer ${t.secrets.SILOOS_API_KEY}` },
        ip: "203.0.113.63",
      });
      expect(res.body).toMatchObject({ error: "unauthorized" });
      const pw = await send(t, "/console/api/login", {
        body: { username: "alice", password: "not-her-password" },
        ip: "203.0.113.63",
      });
      expect(pw.body).toMatchObject({ error: "unauthorized" });
      const rows = await t.audit();
      expect(edgeRows(rows, "admin.unauthorized")).toHaveLength(1);
      expect(rows.filter((r) => r.event === "console.signin_failed")).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain("not-her-password");
      expect(JSON.stringify(rows)).not.toContain(t.secrets.SILOOS_API_KEY);
    },
  );
});
