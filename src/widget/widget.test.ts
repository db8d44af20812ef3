import { describe, expect, it } from "vitest";
import { mintIdentity, verifyIdentity } from "./identity.ts";
import { readSession, signSession } from "./session.ts";

const SECRET = "site-secret-for-tests-0123456789abcdef";

describe("widget tokens", () => {
  it("an identity token names one customer until it expires", async () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    const token = await mintIdentity(SECRET, "cus_1001", 600, now);
    expect(await verifyIdentity(SECRET, token, now)).toEqual({ customerId: "cus_1001" });
    expect(await verifyIdentity(SECRET, token, now + 601_000)).toBeNull();
    expect(await verifyIdentity("another-site-secret-0123456789abcdef", token, now)).toBeNull();
    expect(await verifyIdentity(SECRET, token.replace("cus_1001", "cus_1002"), now)).toBeNull();
  });

  it("a session token cannot be forged or re-pointed", async () => {
    const s = { sid: "wss_1", site: "demo", customer: "cus_1001", exp: Math.floor(Date.now() / 1000) + 60 };
    const token = await signSession(SECRET, s);
    expect(await readSession(SECRET, token)).toEqual(s);
    const [body, sig] = token.split(".");
    const evil = btoa(JSON.stringify({ ...s, customer: "cus_1002" })).replace(/=+$/, "");
    expect(await readSession(SECRET, `${evil}.${sig}`)).toBeNull();
    expect(await readSession(SECRET, `${body}.AAAA`)).toBeNull();
    expect(await readSession(SECRET, undefined)).toBeNull();
  });
});
