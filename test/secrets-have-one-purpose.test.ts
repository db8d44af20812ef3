/**
 * One secret per purpose: widget sessions are signed with SILOOS_WIDGET_SECRET,
 * operator cookies with SILOOS_OPERATOR_SECRET, and neither secret makes the
 * other kind of token. Before, one secret signed both: whoever held it (or a
 * leak of it from one side) could mint sessions for the other.
 */
import { describe, expect } from "vitest";
import { fromBase64url, fromUtf8, toBase64url } from "../src/crypto/encoding.ts";
import { hmacKey, hmacSign, purposeKey } from "../src/crypto/hmac.ts";
import { mintIdentity } from "../src/widget/identity.ts";
import { signSession, type WidgetSession } from "../src/widget/session.ts";
import { consoleCall, edgeRows, send, signIn } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { SITE_SECRET, sitesConfig } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({ routerVars: { SILOOS_WIDGET_SITES: sitesConfig(ORIGIN) } });

const widget = (path: string, session: string, ip: string) =>
  send(t, `/v1/widget${path}`, { headers: { origin: ORIGIN, authorization: `Bearer ${session}` }, ip });

describe("each secret signs one kind of token", () => {
  attack(
    {
      surface: "edge",
      class: "sessions",
      tries: "a widget session signed with the operator secret",
      evidence: "401 unauthorized and an edge.refused row; the genuine session still works",
    },
    async () => {
      const ip = "203.0.113.81";
      const opened = await send(t, "/v1/widget/sessions", {
        body: { site: "demo", identity: await mintIdentity(SITE_SECRET, "cus_1001") },
        headers: { origin: ORIGIN },
        ip,
      });
      expect(opened.status).toBe(201);
      const genuine: string = opened.body.session;
      expect((await widget("/conversation", genuine, ip)).status).toBe(200);
      // The same claims (a real session row), signed as the router signs widget sessions, but with the operator secret.
      const claims = JSON.parse(fromUtf8(fromBase64url(genuine.split(".")[0]!))) as WidgetSession;
      const forged = await signSession(t.secrets.SILOOS_OPERATOR_SECRET, claims);
      expect(forged).not.toBe(genuine);
      const refused = await widget("/conversation", forged, ip);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: "unauthorized" });
      const rows = edgeRows(await t.audit(), "widget.unauthorized");
      expect(rows.some((r) => r.decision === "refused" && r.reason === "unauthorized")).toBe(true);
      expect(JSON.stringify(await t.audit())).not.toContain(forged);
    },
  );

  attack(
    {
      surface: "edge",
      class: "sessions",
      tries: "an operator cookie signed with the widget secret",
      evidence: "401 unauthorized and an edge.refused row; the genuine cookie still works",
    },
    async () => {
      const ip = "203.0.113.82";
      const { cookie } = await signIn(t, "alice", "alice-demo-password", ip);
      expect((await consoleCall(t, cookie, "/me")).status).toBe(200);
      const [name, value] = cookie.split("=") as [string, string];
      const payload = value.split(".")[0]!;
      // Both ways someone holding the widget secret might sign: the raw secret, and the operator purpose key under it.
      for (const key of [
        await hmacKey(t.secrets.SILOOS_WIDGET_SECRET),
        await purposeKey(t.secrets.SILOOS_WIDGET_SECRET, "operator-session"),
      ]) {
        const forged = `${name}=${payload}.${toBase64url(await hmacSign(key, payload))}`;
        expect(forged).not.toBe(cookie);
        const refused = await send(t, "/console/api/me", { headers: { cookie: forged, "x-siloos-console": "1" }, ip });
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ error: "unauthorized" });
      }
      const rows = edgeRows(await t.audit(), "console.unauthorized");
      expect(rows.some((r) => r.decision === "refused" && r.reason === "unauthorized")).toBe(true);
      expect((await consoleCall(t, cookie, "/me")).status).toBe(200);
    },
  );
});
