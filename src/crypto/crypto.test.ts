import { describe, expect, it } from "vitest";
import {
  concatBytes,
  fromBase64url,
  fromHex,
  fromUtf8,
  randomHex,
  sha256Hex,
  toBase64url,
  toHex,
  utf8,
} from "./encoding.ts";
import { hmacKey, hmacSign, hmacVerify, keyedDigest, purposeKey } from "./hmac.ts";

// Runs in Node and in workerd (vitest.config.ts): one codec for every Worker and the tooling.
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("encodings", () => {
  it("hex and base64url round-trip every byte value", () => {
    expect(fromHex(toHex(ALL_BYTES))).toEqual(ALL_BYTES);
    expect(fromBase64url(toBase64url(ALL_BYTES))).toEqual(ALL_BYTES);
    expect(toHex(Uint8Array.of(0, 15, 255))).toBe("000fff");
  });

  it("base64url is RFC 4648 §5 without padding, and refuses another alphabet", () => {
    expect(toBase64url(Uint8Array.of(0xfb, 0xff))).toBe("-_8");
    expect(toBase64url(utf8("f"))).toBe("Zg");
    expect(() => fromBase64url("a+b/")).toThrow(TypeError);
    expect(() => fromBase64url("Zg==")).toThrow(TypeError);
  });

  it("hex refuses odd lengths and other characters", () => {
    expect(() => fromHex("abc")).toThrow(TypeError);
    expect(() => fromHex("zz")).toThrow(TypeError);
    expect(fromHex("ABff")).toEqual(Uint8Array.of(0xab, 0xff));
  });

  it("large inputs encode without overflowing the stack", () => {
    const back = fromBase64url(toBase64url(new Uint8Array(300_000).fill(7)));
    expect(back.length).toBe(300_000);
    expect(back.every((b) => b === 7)).toBe(true);
  });

  it("utf8, concat, random ids and SHA-256", async () => {
    expect(fromUtf8(utf8("Zoë ☕"))).toBe("Zoë ☕");
    expect(concatBytes(Uint8Array.of(1), Uint8Array.of(), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    expect(randomHex(12)).toMatch(/^[0-9a-f]{24}$/);
    expect(randomHex(12)).not.toBe(randomHex(12));
    // FIPS 180-2 test vector.
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("HMAC-SHA256", () => {
  it("matches RFC 4231 test case 2", async () => {
    const mac = await hmacSign(await hmacKey("Jefe"), "what do ya want for nothing?");
    expect(toHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("verifies its own MAC and nothing else, never throwing", async () => {
    const key = await hmacKey("a-secret-of-at-least-32-characters!!");
    const mac = await hmacSign(key, "payload");
    expect(await hmacVerify(key, "payload", mac)).toBe(true);
    expect(await hmacVerify(key, "payload!", mac)).toBe(false);
    expect(await hmacVerify(await hmacKey("another-secret-of-32-characters!!!!!"), "payload", mac)).toBe(false);
    expect(await hmacVerify(key, "payload", mac.slice(0, 16))).toBe(false);
    expect(await hmacVerify(key, "payload", new Uint8Array())).toBe(false);
  });

  it("one secret, two purposes: a MAC made for one purpose is refused for the other", async () => {
    const secret = "a-secret-of-at-least-32-characters!!";
    const session = await purposeKey(secret, "widget-session");
    const identity = await purposeKey(secret, "widget-identity");
    const mac = await hmacSign(session, "body");
    expect(await hmacVerify(session, "body", mac)).toBe(true);
    expect(await hmacVerify(identity, "body", mac)).toBe(false);
    expect(await hmacVerify(await hmacKey(secret), "body", mac)).toBe(false);
  });

  it("keyed digests are stable per purpose and value, and differ across purposes", async () => {
    const secret = "a-secret-of-at-least-32-characters!!";
    const a = await keyedDigest(secret, "edge-client", "203.0.113.7");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyedDigest(secret, "edge-client", "203.0.113.7")).toBe(a);
    expect(await keyedDigest(secret, "signin-account", "203.0.113.7")).not.toBe(a);
    expect(await keyedDigest("another-secret-of-32-characters!!!!!", "edge-client", "203.0.113.7")).not.toBe(a);
  });
});
