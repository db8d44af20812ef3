import { describe, expect, it } from "vitest";
import { mintIdentity } from "../src/widget/identity.ts";
import { SESSION_TTL_SECONDS } from "../src/widget/session.ts";
import { consoleCall, send, signIn } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { SITE_SECRET, sitesConfig, widgetClient } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({ routerVars: { SILOOS_WIDGET_SITES: sitesConfig(ORIGIN) } });
const admin = (path: string, method: string, body?: unknown) =>
  t.api(path, { method, body, key: t.secrets.SILOOS_ADMIN_KEY });

async function openWidget(customer: string) {
  const res = await widgetClient(t, ORIGIN)("/sessions", {
    body: { site: "demo", identity: await mintIdentity(SITE_SECRET, customer) },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { session: string; expiresAt: string };
}
const conversation = async (session: string) =>
  (await widgetClient(t, ORIGIN)("/conversation", { session })).json() as Promise<any>;

describe("sessions can be revoked, and roles apply at once", () => {
  attack(
    {
      surface: "edge",
      class: "sessions",
      tries: "replay a copy of the console cookie after the operator signed out",
      evidence: "401 unauthorized; a session.revoked row",
    },
    async () => {
      const { cookie } = await signIn(t, "alice", "alice-demo-password");
      expect((await consoleCall(t, cookie, "/me")).status).toBe(200);
      const out = await send(t, "/console/api/logout", { method: "POST", headers: { cookie } });
      expect(out.status).toBe(200);
      // The stolen copy, sent as it was.
      const replay = await consoleCall(t, cookie, "/queue");
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ error: "unauthorized" });
      const rows = await t.audit();
      expect(
        rows.some((r) => r.event === "session.revoked" && r.actor === "human:op_alice" && r.detail?.by === "sign-out"),
      ).toBe(true);
      expect(
        rows.filter((r) => r.event === "edge.refused" && r.op === "console.unauthorized").length,
      ).toBeGreaterThanOrEqual(1);
    },
  );

  attack(
    {
      surface: "edge",
      class: "sessions",
      tries: "keep using two console sessions after an admin revoked the operator",
      evidence: "both 401 at once; revoked count 2, audited",
    },
    async () => {
      const a = await signIn(t, "bob", "bob-demo-password");
      const b = await signIn(t, "bob", "bob-demo-password", "198.51.100.2");
      expect((await consoleCall(t, b.cookie, "/me")).status).toBe(200);
      const res = await admin("/v1/operators/op_bob/sessions/revoke", "POST");
      expect(res).toMatchObject({ status: 200, body: { revoked: 2 } });
      for (const s of [a, b])
        expect((await consoleCall(t, s.cookie, "/me")).body).toMatchObject({ error: "unauthorized" });
      expect(
        (await t.audit()).some(
          (r) => r.event === "session.revoked" && r.actor === "admin" && r.detail?.operator === "op_bob",
        ),
      ).toBe(true);
      // Without the admin key nobody revokes anything.
      expect((await t.api("/v1/operators/op_carol/sessions/revoke", { method: "POST" })).status).toBe(401);
    },
  );

  attack(
    {
      surface: "edge",
      class: "sessions",
      tries: "a demoted supervisor keeps acting with the cookie from before the demotion",
      evidence: "the next request sees role support: supervisor queues gone, reveal not granted",
    },
    async () => {
      const { cookie } = await signIn(t, "carol", "carol-demo-password");
      const before = await consoleCall(t, cookie, "/me");
      expect(before.body).toMatchObject({ role: "supervisor" });
      expect(before.body.capabilities.map((c: any) => c.capability)).toContain("pii.reveal");
      expect(await admin("/v1/operators/op_carol/role", "PUT", { role: "support" })).toMatchObject({
        status: 200,
        body: { role: "support" },
      });
      const after = await consoleCall(t, cookie, "/me");
      expect(after.body).toMatchObject({ id: "op_carol", role: "support" });
      expect(after.body.capabilities.map((c: any) => c.capability)).not.toContain("pii.reveal");
      expect((await t.audit()).some((r) => r.event === "operator.role_changed" && r.detail?.role === "support")).toBe(
        true,
      );
      expect((await admin("/v1/operators/op_carol/role", "PUT", { role: "root" })).body).toMatchObject({
        error: "validation_failed",
      });
      await admin("/v1/operators/op_carol/role", "PUT", { role: "supervisor" });
    },
  );

  it("a forged console cookie (another session id, or the old role-carrying format) is refused", async () => {
    const old =
      "siloos_console=eyJzdWIiOiJvcF9jYXJvbCIsIm5hbWUiOiJ4Iiwicm9sZSI6InN1cGVydmlzb3IiLCJleHAiOjk5OTk5OTk5OTl9.AAAA";
    expect((await consoleCall(t, old, "/me")).status).toBe(401);
    const { cookie } = await signIn(t, "alice", "alice-demo-password");
    const [payload, sig] = cookie.slice("siloos_console=".length).split(".");
    const other = Buffer.from(JSON.stringify({ sid: `ops_${"0".repeat(32)}`, exp: 9_999_999_999 })).toString(
      "base64url",
    );
    expect((await consoleCall(t, `siloos_console=${other}.${sig}`, "/me")).status).toBe(401);
    expect((await consoleCall(t, `siloos_console=${payload}.${sig}`, "/me")).status).toBe(200);
  });

  attack(
    {
      surface: "edge",
      class: "widget",
      tries:
        "keep chatting with widget sessions after the admin revoked the customer's, or after the visitor signed out",
      evidence: "401 unauthorized for each, at once",
    },
    async () => {
      const one = await openWidget("cus_1004");
      const two = await openWidget("cus_1004");
      const other = await openWidget("cus_1007");
      expect((await conversation(one.session)).messages).toEqual([]);
      // Neither the API key nor no key may revoke.
      for (const key of [t.secrets.SILOOS_API_KEY, null])
        expect(
          (await t.api("/v1/widget-sessions/revoke", { body: { site: "demo", customerId: "cus_1004" }, key })).status,
        ).toBe(401);
      expect((await conversation(one.session)).messages).toEqual([]);
      expect(await admin("/v1/widget-sessions/revoke", "POST", { site: "demo", customerId: "cus_1004" })).toMatchObject(
        { status: 200, body: { revoked: 2 } },
      );
      for (const s of [one, two])
        expect(await conversation(s.session)).toMatchObject({
          error: "unauthorized",
          message: expect.stringContaining("revoked"),
        });
      expect(
        (await t.audit()).some(
          (r) => r.event === "session.revoked" && r.detail?.kind === "widget" && r.detail?.sessions === 2,
        ),
      ).toBe(true);
      expect((await conversation(other.session)).messages).toEqual([]);
      const bye = await widgetClient(t, ORIGIN)("/session", { method: "DELETE", session: other.session });
      expect(bye.status).toBe(200);
      expect(await conversation(other.session)).toMatchObject({ error: "unauthorized" });
    },
  );

  attack(
    {
      surface: "edge",
      class: "widget",
      tries: "hold a widget session token for a day",
      evidence: "it expires after 2 hours",
    },
    async () => {
      const { expiresAt } = await openWidget("cus_1008");
      expect(SESSION_TTL_SECONDS).toBe(2 * 3600);
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 3600 * 1000);
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3600 * 1000);
    },
  );
});
