import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseProxyCall } from "./fast-parse.ts";
import { ProxyCallSchema } from "./proxy.ts";

/**
 * The hand-written twins of src/contracts/fast-parse.ts against their zod
 * schemas, on many generated inputs (a seeded generator: a failure names its
 * seed and case). Run with zod's compiled parsers (Node) and without them (as
 * in workerd, and in Node with `jitless`).
 */

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof rng>;

const KEY_CHARS = "abcXYZ019_.:-";
const ODD_CHARS = ["", " ", "/", "é", "😀", "\u0000", "\n", "$", "[", "]"];

function str(r: Rng, alphabet: string, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

/** Strings near every bound the schemas draw: empty, 1, 7/8, 64/65, 80/81, odd characters. */
function aString(r: Rng): string {
  const len = r.pick([0, 1, 2, 7, 8, 9, 40, 63, 64, 65, 79, 80, 81, 120]);
  let s = str(r, KEY_CHARS, len);
  if (r.chance(0.2)) {
    const i = r.int(s.length + 1);
    s = s.slice(0, i) + r.pick(ODD_CHARS) + s.slice(i);
  }
  return s;
}

class Thing {
  x = 1;
}

/** Any value: primitives, plain objects, and the objects z.record() tells apart from them. */
function aValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 9 : 16)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return r.pick([0, -0, 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]);
    case 3:
      return r.chance(0.5);
    case 4:
    case 5:
      return aString(r);
    case 6:
      return BigInt(r.int(10));
    case 7:
      return Symbol("s");
    case 8:
      return () => 1;
    case 9:
    case 10:
    case 11:
      return aRecord(r, depth + 1);
    case 12:
      return [aValue(r, depth + 1), aValue(r, depth + 1)];
    case 13:
      return r.pick([new Map([["a", 1]]), new Set([1]), new Date(0), new Thing(), /re/]);
    case 14:
      return Object.assign(Object.create(null), { a: aValue(r, depth + 1) });
    default:
      return Object.assign(Object.create({ inherited: 1 }), { a: 1 });
  }
}

/** An object as an args record might be: ordinary keys, numeric keys, and the awkward ones. */
function aRecord(r: Rng, depth = 0): Record<PropertyKey, unknown> {
  const o: Record<PropertyKey, unknown> = {};
  const n = r.int(5);
  for (let i = 0; i < n; i++) {
    const k = r.pick(["a", "b", "customerId", "10", "2", "constructor", "toString", "", "x y"]);
    o[k] = aValue(r, depth + 1);
  }
  if (r.chance(0.08)) Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
  if (r.chance(0.05)) o[Symbol("k")] = 1;
  if (r.chance(0.05)) Object.defineProperty(o, Symbol("h"), { value: 1, enumerable: false });
  if (r.chance(0.05)) return { ...JSON.parse('{"__proto__":{"polluted":1}}'), ...o };
  if (r.chance(0.03))
    Object.defineProperty(o, "constructor", {
      value: r.pick([undefined, 1, "x", {}, () => 1, Thing]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return o;
}

const FIELDS = ["baseKey", "taskKey", "op", "args", "idempotencyKey"] as const;

/** A call: mostly well-formed, each field now and then missing, undefined, mistyped or off by one. */
function aCall(r: Rng): unknown {
  if (r.chance(0.04)) return aValue(r);
  const call: Record<PropertyKey, unknown> = {};
  for (const f of FIELDS) {
    const roll = r.next();
    if (roll < 0.06) continue; // absent
    if (roll < 0.1) {
      call[f] = undefined;
      continue;
    }
    if (roll < 0.22) {
      call[f] = aValue(r);
      continue;
    }
    switch (f) {
      case "baseKey":
      case "taskKey":
        call[f] = r.chance(0.8) ? `${str(r, "abc.", 30)}` : aValue(r);
        break;
      case "op":
        call[f] = r.chance(0.7) ? r.pick(["whoami", "refund.issue", "llm.chat", "nope"]) : aString(r);
        break;
      case "args":
        call[f] = aRecord(r);
        break;
      case "idempotencyKey":
        call[f] = aString(r);
        break;
    }
  }
  if (r.chance(0.15)) call.extra = aValue(r);
  if (r.chance(0.05)) call[Symbol("s")] = 1;
  // Inherited fields: zod reads them with `in` and `[]`, and so must the twin.
  if (r.chance(0.05)) return Object.assign(Object.create({ op: "whoami", taskKey: "t" }), call);
  if (r.chance(0.03)) return Object.assign(new Thing(), call);
  return call;
}

/**
 * The same value, the same way: own keys (with symbols) in the same order, the
 * same prototypes, and the very same values (Object.is) one level down, in
 * args too (z.unknown() passes a value through as it is).
 */
function expectSame(fast: unknown, slow: unknown, where: string) {
  const shallow = (f: Record<PropertyKey, unknown>, s: Record<PropertyKey, unknown>, at: string) => {
    expect(Reflect.ownKeys(f), at).toEqual(Reflect.ownKeys(s));
    expect(Object.getPrototypeOf(f) === Object.getPrototypeOf(s), `${at}: prototype`).toBe(true);
    for (const k of Reflect.ownKeys(s)) {
      if (k === "args") continue;
      expect(Object.is(f[k], s[k]), `${at}.${String(k)}`).toBe(true);
    }
  };
  const f = fast as Record<PropertyKey, unknown>;
  const s = slow as Record<PropertyKey, unknown>;
  shallow(f, s, where);
  shallow(f.args as Record<PropertyKey, unknown>, s.args as Record<PropertyKey, unknown>, `${where} args`);
}

describe.each([
  ["zod as configured here", false],
  ["zod without compiled parsers (as in workerd)", true],
])("parseProxyCall is ProxyCallSchema (%s)", (_name, jitless) => {
  afterAll(() => {
    z.config({ jitless: false });
  });

  it("accepts exactly what the schema accepts, with the same value", () => {
    z.config({ jitless });
    let accepted = 0;
    const N = 20_000;
    for (let seed = 1; seed <= N; seed++) {
      const r = rng(seed);
      const input = aCall(r);
      const where = `seed ${seed}`;
      const slow = ProxyCallSchema.safeParse(input);
      const fast = parseProxyCall(input);
      expect(fast !== undefined, where).toBe(slow.success);
      if (slow.success) {
        accepted++;
        expectSame(fast, slow.data, where);
      }
    }
    // Both sides of the line are exercised.
    expect(accepted).toBeGreaterThan(N / 10);
    expect(accepted).toBeLessThan(N - N / 10);
  });

  it("agrees on the edges one at a time", () => {
    z.config({ jitless });
    const base = { baseKey: "b", taskKey: "t", op: "whoami" };
    const cases: unknown[] = [
      base,
      { ...base, args: undefined },
      { ...base, idempotencyKey: undefined },
      { ...base, idempotencyKey: "a".repeat(8) },
      { ...base, idempotencyKey: "a".repeat(7) },
      { ...base, idempotencyKey: "a".repeat(80) },
      { ...base, idempotencyKey: "a".repeat(81) },
      { ...base, idempotencyKey: "aaaa aaaa" },
      { ...base, op: "" },
      { ...base, op: "o".repeat(64) },
      { ...base, op: "o".repeat(65) },
      { ...base, op: "😀".repeat(32) },
      { ...base, op: "😀".repeat(33) },
      { baseKey: undefined, taskKey: undefined, op: "x" },
      { taskKey: "t", op: "x" },
      { baseKey: "b", op: "x" },
      { ...base, args: null },
      { ...base, args: [] },
      { ...base, args: Object.create(null) },
      { ...base, args: new Map() },
      { ...base, args: new Thing() },
      { ...base, args: { constructor: 1 } },
      { ...base, args: { constructor: Thing } },
      { ...base, args: { [Symbol("s")]: 1 } },
      { ...base, args: JSON.parse('{"__proto__":{"a":1},"b":2}') },
      Object.assign(Object.create(base), {}),
      [base],
      null,
      undefined,
      "call",
    ];
    for (const [i, input] of cases.entries()) {
      const slow = ProxyCallSchema.safeParse(input);
      const fast = parseProxyCall(input);
      expect(fast !== undefined, `case ${i}`).toBe(slow.success);
      if (slow.success) expectSame(fast, slow.data, `case ${i}`);
    }
  });
});
