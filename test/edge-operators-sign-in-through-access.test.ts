/**
 * Production operators sign in through Cloudflare Access: the router verifies
 * the Cf-Access-Jwt-Assertion JWT with jose against the team's JWKS, fetched
 * over real HTTP from a server this test runs with its own key pair.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRows, send } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

const AUD = "siloos-console-aud-0123456789abcdef";
const team = await generateKeyPair("RS256", { extractable: true });
const intruder = await generateKeyPair("RS256", { extractable: true });
const jwk = { ...(await exportJWK(team.publicKey)), kid: "team-key-1", alg: "RS256", use: "sig" };
let certsFetched = 0;
const jwks = createServer((req, res) => {
  if (req.url !== "/cdn-cgi/access/certs") return void res.writeHead(404).end();
  certsFetched++;
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
});
await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
const TEAM = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

const t = useSystem({ routerVars: { SILOOS_ACCESS_TEAM_DOMAIN: TEAM, SILOOS_ACCESS_AUD: AUD } });
afterAll(() => new Promise<void>((r) => jwks.close(() => r())));
beforeAll(async () => {
  await (await t.sys.db()).prepare("UPDATE operators SET email = 'carol@example.com' WHERE id = 'op_carol'").run();
});

async function assertion(
  o: { key?: CryptoKey; kid?: string; aud?: string; iss?: string; email?: string; exp?: number } = {},
): Promise<string> {
  return new SignJWT({ email: o.email ?? "carol@example.com", type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: o.kid ?? "team-key-1" })
    .setIssuer(o.iss ?? TEAM)
    .setAudience(o.aud ?? AUD)
    .setSubject("access-user-1")
    .setIssuedAt()
    .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(o.key ?? team.privateKey);
}

const accessLogin = (token?: string) =>
  send(t, "/console/api/login/access", {
    method: "POST",
    headers: token ? { "cf-access-jwt-assertion": token } : {},
    ip: "198.51.100.9",
  });

describe("operators sign in through Cloudflare Access", () => {
  it("a valid Access assertion signs the operator in; the session works and is audited", async () => {
    const res = await accessLogin(await assertion());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "op_carol", name: "Carol Lindqvist", role: "supervisor" });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await send(t, "/console/api/me", { headers: { cookie } })).body).toMatchObject({ id: "op_carol" });
    expect(certsFetched).toBeGreaterThanOrEqual(1);
    const rows = await t.audit();
    expect(rows.filter((r) => r.event === "console.signed_in" && r.detail?.method === "access")).toHaveLength(1);
  });

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "an Access assertion signed with another key, for another audience, from another issuer, or expired",
      evidence: "401 unauthorized naming jose's code for each; an edge.refused row",
    },
    async () => {
      const cases: Array<[string, string]> = [
        [await assertion({ key: intruder.privateKey }), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"],
        [await assertion({ aud: "another-application-aud-0000" }), "ERR_JWT_CLAIM_VALIDATION_FAILED"],
        [await assertion({ iss: "https://evil.cloudflareaccess.com" }), "ERR_JWT_CLAIM_VALIDATION_FAILED"],
        [await assertion({ exp: Math.floor(Date.now() / 1000) - 3600 }), "ERR_JWT_EXPIRED"],
        [await assertion({ kid: "unknown-kid" }), "ERR_JWKS_NO_MATCHING_KEY"],
      ];
      for (const [token, code] of cases) {
        const res = await accessLogin(token);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: "unauthorized", message: expect.stringContaining(code) });
        expect(res.headers.get("set-cookie")).toBeNull();
      }
      const unsigned = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(JSON.stringify({ email: "carol@example.com", aud: AUD, iss: TEAM })).toString("base64url")}.`;
      expect((await accessLogin(unsigned)).body).toMatchObject({ error: "unauthorized" });
      expect((await accessLogin()).body).toMatchObject({ error: "unauthorized" });
      expect(edgeRows(await t.audit(), "console.unauthorized").length).toBeGreaterThanOrEqual(1);
    },
  );

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "a genuine Access user who is not an operator, or the plain email header without a JWT",
      evidence: "403 forbidden / 401 unauthorized, no session",
    },
    async () => {
      const stranger = await accessLogin(await assertion({ email: "someone@example.com" }));
      expect(stranger.status).toBe(403);
      expect(stranger.body).toMatchObject({ error: "forbidden" });
      const spoofed = await send(t, "/console/api/login/access", {
        method: "POST",
        headers: { "cf-access-authenticated-user-email": "carol@example.com" },
      });
      expect(spoofed.status).toBe(401);
      expect(spoofed.headers.get("set-cookie")).toBeNull();
    },
  );

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "a password sign-in where Access is configured",
      evidence: "403 forbidden even with the right password",
    },
    async () => {
      const res = await send(t, "/console/api/login", { body: { username: "carol", password: "carol-demo-password" } });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: "forbidden", message: expect.stringContaining("Cloudflare Access") });
      expect(res.headers.get("set-cookie")).toBeNull();
    },
  );
});
