import { describe, expect, it } from "vitest";
import { generateSigningKey } from "./generate.ts";
import { activeSigner, publicJwks } from "./keyring.ts";
import { mintBaseKey, mintTaskKey } from "./sign.ts";
import { verifyBaseKey, verifyTaskKey } from "./verify.ts";

const T0 = new Date("2026-11-23T12:00:00Z");
const later = (s: number) => new Date(T0.getTime() + s * 1000);
const caps = [
  {
    capability: "refund.issue" as const,
    limit: 500,
    perTaskLimit: 500,
    perAgentDailyLimit: 5000,
    perCustomerDailyLimit: 1000,
    orderStatuses: ["delivered"],
    currency: "USD",
  },
];

async function keyring(...kids: string[]) {
  const keys = await Promise.all(kids.map((k) => generateSigningKey(k)));
  const raw = JSON.stringify(keys);
  return { raw, signer: await activeSigner(raw), jwks: publicJwks(keys) };
}

const base = (signer: Awaited<ReturnType<typeof activeSigner>>, now = T0) =>
  mintBaseKey({ signer, principal: "agent:refund-agent", taskId: "tsk_abcdefgh12", ttlSeconds: 300, caps, now });

describe("keys", () => {
  it("round-trips a base key and a task key with every claim", async () => {
    const { signer, jwks } = await keyring("k1");
    const b = await base(signer);
    const t = await mintTaskKey({
      signer,
      principal: "agent:refund-agent",
      taskId: "tsk_abcdefgh12",
      ttlSeconds: 300,
      scope: { customer: "cus_1001" },
      now: T0,
    });
    const bc = await verifyBaseKey(jwks, b.token, { now: later(10) });
    const tc = await verifyTaskKey(jwks, t.token, { now: later(10) });
    expect(bc).toMatchObject({ kind: "base", sub: "agent:refund-agent", tid: "tsk_abcdefgh12", jti: b.jti, caps });
    expect(tc).toMatchObject({ kind: "task", scope: { customer: "cus_1001" }, jti: t.jti });
    expect(b.jti).not.toBe(t.jti);
  });

  it("refuses an expired key with key_expired (clock frozen)", async () => {
    const { signer, jwks } = await keyring("k1");
    const b = await base(signer);
    await expect(verifyBaseKey(jwks, b.token, { now: later(301) })).rejects.toMatchObject({
      code: "key_expired",
      message: "base key has expired",
    });
  });

  it("refuses a key signed by another key pair with key_forged, even with a known kid", async () => {
    const real = await keyring("k1");
    const forger = await keyring("k1");
    const b = await base(forger.signer);
    await expect(verifyBaseKey(real.jwks, b.token, { now: T0 })).rejects.toMatchObject({ code: "key_forged" });
  });

  it("refuses a base key presented as a task key (typ is bound)", async () => {
    const { signer, jwks } = await keyring("k1");
    const b = await base(signer);
    await expect(verifyTaskKey(jwks, b.token, { now: T0 })).rejects.toMatchObject({
      code: "key_invalid",
      message: "task key failed claim check: typ",
    });
  });

  it("refuses an unsigned (alg none) token and garbage", async () => {
    const { jwks } = await keyring("k1");
    const header = btoa(JSON.stringify({ alg: "none", typ: "siloos-base+jwt" })).replace(/=/g, "");
    const body = btoa(JSON.stringify({ sub: "agent:x" })).replace(/=/g, "");
    await expect(verifyBaseKey(jwks, `${header}.${body}.`, { now: T0 })).rejects.toMatchObject({ code: "key_invalid" });
    await expect(verifyBaseKey(jwks, "not-a-jwt", { now: T0 })).rejects.toMatchObject({ code: "key_invalid" });
    await expect(verifyBaseKey(jwks, undefined, { now: T0 })).rejects.toMatchObject({ code: "key_missing" });
  });

  it("keeps keys of the previous signer valid during a rotation", async () => {
    const old = await generateSigningKey("k-old");
    const fresh = await generateSigningKey("k-new");
    const oldSigner = await activeSigner(JSON.stringify([old]));
    const minted = await base(oldSigner);
    const rotatedJwks = publicJwks([fresh, old]);
    expect((await activeSigner(JSON.stringify([fresh, old]))).kid).toBe("k-new");
    await expect(verifyBaseKey(rotatedJwks, minted.token, { now: T0 })).resolves.toMatchObject({ jti: minted.jti });
    // After the old key is retired, its keys no longer verify.
    await expect(verifyBaseKey(publicJwks([fresh]), minted.token, { now: T0 })).rejects.toMatchObject({
      code: "key_forged",
    });
  });

  it("never publishes private material", async () => {
    const k = await generateSigningKey("k1");
    expect(JSON.stringify(publicJwks([k]))).not.toContain(String(k.d));
  });
});
