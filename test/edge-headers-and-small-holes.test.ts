import { describe, expect, it } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { send } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { SITE_SECRET, sitesConfig } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({ routerVars: { SILOOS_WIDGET_SITES: sitesConfig(ORIGIN) } });

const csp = (h: Headers) => h.get("content-security-policy") ?? "";

describe("security headers", () => {
  attack(
    {
      surface: "edge",
      class: "headers",
      tries: "frame the console, inject inline script into it, or sniff its files",
      evidence: "CSP without unsafe-inline, frame-ancestors 'none', X-Frame-Options DENY, nosniff, Referrer-Policy",
    },
    async () => {
      for (const path of ["/console/", "/console/console.js", "/console/console.css"]) {
        const res = await send(t, path);
        expect(res.status, path).toBe(200);
        expect(csp(res.headers)).toContain("script-src 'self'");
        expect(csp(res.headers)).toContain("frame-ancestors 'none'");
        expect(csp(res.headers)).not.toContain("unsafe-inline");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      }
      // The console page itself carries no inline script or style for a CSP to forbid.
      const page = (await send(t, "/console/")).body as string;
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    },
  );

  attack(
    {
      surface: "edge",
      class: "headers",
      tries: "frame the API reference or run inline script in it",
      evidence: "CSP default-src 'none' + script-src 'self', frame-ancestors 'none', no inline script in the page",
    },
    async () => {
      const res = await send(t, "/docs/");
      expect(res.status).toBe(200);
      expect(csp(res.headers)).toContain("frame-ancestors 'none'");
      expect(csp(res.headers)).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.body as string).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/i);
      expect((await send(t, "/docs/docs.js")).status).toBe(200);
    },
  );

  attack(
    {
      surface: "edge",
      class: "headers",
      tries: "frame or sniff API answers (success and error)",
      evidence:
        "every Worker response: CSP default-src 'none', X-Frame-Options DENY, nosniff, Referrer-Policy no-referrer",
    },
    async () => {
      const answers = [
        await send(t, "/openapi.json"),
        await send(t, "/healthz"),
        await send(t, "/v1/tasks"),
        await send(t, "/nowhere"),
        await send(t, "/.well-known/jwks.json"),
      ];
      for (const res of answers) {
        expect(csp(res.headers)).toContain("default-src 'none'");
        expect(csp(res.headers)).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      }
    },
  );

  it("widget.js stays loadable by other sites: nosniff, no Cross-Origin-Resource-Policy; the widget API still answers CORS", async () => {
    const js = await send(t, "/widget.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    expect(js.headers.get("cross-origin-resource-policy")).toBeNull();
    const preflight = await send(t, "/v1/widget/sessions", {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });
});

describe("the smaller holes", () => {
  attack(
    {
      surface: "edge",
      class: "input",
      tries: "a forged Host header reflected into /openapi.json servers",
      evidence: "no servers entry from the request; the configured URL only",
    },
    async () => {
      const res = await t.sys.mf.dispatchFetch("http://evil.example/openapi.json");
      const doc = (await res.json()) as { servers?: Array<{ url: string }> };
      expect(JSON.stringify(doc.servers ?? [])).not.toContain("evil.example");
    },
  );

  attack(
    {
      surface: "edge",
      class: "input",
      tries: "site and source names from Object.prototype (constructor, __proto__, toString)",
      evidence: "404 not_found / unknown_source, never a 500",
    },
    async () => {
      const identity = await mintIdentity(SITE_SECRET, "cus_1001");
      for (const site of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
        const res = await send(t, "/v1/widget/sessions", { body: { site, identity }, headers: { origin: ORIGIN } });
        expect(res.status, site).toBe(404);
        expect(res.body).toMatchObject({ error: "not_found" });
        const hook = await send(t, `/v1/webhooks/${site}`, {
          body: "{}",
          headers: { "x-siloos-signature": "t=1,v1=00", "x-siloos-delivery": "d" },
        });
        expect(hook.status, site).toBe(404);
        expect(hook.body).toMatchObject({ error: "unknown_source" });
      }
    },
  );

  attack(
    {
      surface: "edge",
      class: "input",
      tries: "an API caller claims channel webhook (or widget) for its task",
      evidence: "400 validation_failed, no task written, no audit row says webhook",
    },
    async () => {
      const db = await t.sys.db();
      const before = (await db.prepare("SELECT COUNT(*) AS n FROM tasks").first<{ n: number }>())!.n;
      for (const channel of ["webhook", "widget"]) {
        const res = await t.api("/v1/tasks", {
          body: { agent: "refund-agent", subject: { customerId: "cus_1005" }, message: "refund ord_5006", channel },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: "validation_failed", message: expect.stringContaining("channel") });
      }
      expect((await db.prepare("SELECT COUNT(*) AS n FROM tasks").first<{ n: number }>())!.n).toBe(before);
      expect(
        (await db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE channel != 'api'").first<{ n: number }>())!.n,
      ).toBe(0);
      const ok = await t.createTask({
        agent: "refund-agent",
        subject: { customerId: "cus_1005" },
        message: "refund ord_5006",
        channel: "api",
      });
      expect(ok.channel ?? "api").toBe("api");
    },
  );
});
