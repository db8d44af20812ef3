import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { toolsFor } from "../sdk/tools.ts";
import { parseChatRequest, parseProxyCall } from "./fast-parse.ts";
import { OpArgs, ProxyCallSchema } from "./proxy.ts";

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

// --- llm.chat: parseChatRequest against ChatRequestSchema

/** The first place two values differ (own keys and their order, prototypes, leaves by Object.is), or null. */
function firstDifference(a: unknown, b: unknown, at = "$"): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null)
    return `${at}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: array vs not`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: prototypes differ`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i]))
    return `${at}: keys ${ka.map(String).join(",")} vs ${kb.map(String).join(",")}`;
  for (const k of ka) {
    const d = firstDifference(
      (a as Record<PropertyKey, unknown>)[k],
      (b as Record<PropertyKey, unknown>)[k],
      `${at}.${String(k)}`,
    );
    if (d) return d;
  }
  return null;
}

/** A string near `bound` code points: plain, or astral (two units a code point), or with a lone surrogate. */
function nearBound(r: Rng, bound: number): string {
  const n = Math.max(0, bound + r.pick([-1, 0, 0, 1]));
  const unit = r.pick(["a", "a", "😀", "é"]);
  let s = unit.repeat(n);
  if (r.chance(0.1)) s = `\ud800${s.slice(1)}`;
  return s;
}

function shortText(r: Rng): string {
  return r.chance(0.9) ? str(r, "abcdefgh _-", 1 + r.int(20)) : aString(r);
}

function aScalar(r: Rng): unknown {
  switch (r.int(8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -0, 3, -2.5, 1e300, Number.NaN, Number.POSITIVE_INFINITY]);
    case 3:
      return nearBound(r, 500);
    case 4:
      return aValue(r);
    default:
      return shortText(r);
  }
}

const TYPE_NAMES = ["object", "array", "string", "number", "integer", "boolean", "null"];
const NAMES = ["a", "orderId", "_x", "amount-1", "1bad", "with space", "__proto__", "constructor"];

function someNames(r: Rng): string[] {
  return Array.from({ length: r.int(4) }, () => (r.chance(0.9) ? r.pick(NAMES.slice(0, 4)) : r.pick(NAMES)));
}

function arrayOfN<T>(_r: Rng, n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

/** A value for a JSON Schema keyword: valid mostly, off by one or mistyped now and then. */
function keywordValue(r: Rng, key: string, depth: number): unknown {
  if (r.chance(0.06)) return aValue(r);
  const count = () => r.pick([0, 1, 64, 1_000_000, 1_000_001, -1, 1.5, 2 ** 53]);
  const bound = () => r.pick([0, -1.5, 10, 1e300, Number.NaN, Number.NEGATIVE_INFINITY]);
  switch (key) {
    case "type":
      return r.chance(0.8)
        ? r.pick([...TYPE_NAMES, "nonsense"])
        : arrayOfN(r, r.pick([0, 1, 2, 7, 8]), () => r.pick(TYPE_NAMES));
    case "title":
      return r.chance(0.8) ? shortText(r) : nearBound(r, 200);
    case "description":
      return r.chance(0.8) ? shortText(r) : nearBound(r, 2000);
    case "enum": {
      // Long lists of good values, so that only the length decides.
      const n = r.pick([0, 1, 2, 3, 100, 101]);
      return arrayOfN(r, n, () => (n > 3 ? r.pick(["a", 1, null, true]) : aScalar(r)));
    }
    case "const":
      return aScalar(r);
    case "default":
      switch (r.int(3)) {
        case 0:
          return aScalar(r);
        case 1: {
          const n = r.pick([0, 2, 20, 21]);
          return arrayOfN(r, n, () => (n > 2 ? r.pick(["a", 1, null, false]) : aScalar(r)));
        }
        default:
          return Object.fromEntries(someNames(r).map((n) => [n, aScalar(r)]));
      }
    case "properties": {
      const o: Record<string, unknown> = {};
      for (const n of someNames(r)) o[n] = aNode(r, depth + 1);
      if (r.chance(0.03)) return JSON.parse('{"__proto__":{"type":"string"}}');
      return o;
    }
    case "required":
      return r.chance(0.95) ? someNames(r) : arrayOfN(r, 65, () => "a");
    case "additionalProperties":
      return r.chance(0.5) ? r.chance(0.5) : aNode(r, depth + 1);
    case "propertyNames":
    case "items":
      return aNode(r, depth + 1);
    case "minItems":
    case "maxItems":
    case "minLength":
    case "maxLength":
    case "minProperties":
    case "maxProperties":
      return count();
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "multipleOf":
      return bound();
    case "pattern":
      return r.chance(0.8) ? "^[a-z]+$" : nearBound(r, 500);
    case "format":
      return r.pick(["date-time", "email", "uri", "Bad", `a${"b".repeat(30)}`, `a${"b".repeat(31)}`, ""]);
    default: {
      const n = r.pick([0, 1, 2, 16, 17]);
      return arrayOfN(r, n, () => (n > 2 ? { type: r.pick(TYPE_NAMES) } : aNode(r, depth + 1)));
    }
  }
}

const KEYWORD_NAMES = [
  "type",
  "title",
  "description",
  "enum",
  "const",
  "default",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "pattern",
  "format",
  "anyOf",
  "oneOf",
  "allOf",
];

/** A JSON Schema node, its keywords in a random order (the parsed one is in the schema's order). */
function aNode(r: Rng, depth: number): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  const n = depth > 3 ? r.int(2) : r.int(5);
  for (let i = 0; i < n; i++) {
    const key = r.pick(KEYWORD_NAMES);
    // Nesting keywords only so deep: the depth refinement is tried by its own chains below.
    if (
      depth > 4 &&
      ["properties", "additionalProperties", "propertyNames", "items", "anyOf", "oneOf", "allOf"].includes(key)
    )
      continue;
    node[key] = keywordValue(r, key, depth);
  }
  if (r.chance(0.03)) node["x-extra"] = 1;
  if (r.chance(0.02)) node.title = undefined;
  return node;
}

function aDeepChain(levels: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < levels; i++) node = { type: "object", properties: { a: node } };
  return node;
}

const SDK_TOOLS = toolsFor({
  principal: "agent:x",
  taskId: "tsk_00000000",
  scope: { customer: "cus_1001" },
  capabilities: [
    { capability: "customer.read" },
    { capability: "orders.list" },
    { capability: "case.read" },
    { capability: "shipment.track" },
    {
      capability: "refund.issue",
      limit: 1,
      perTaskLimit: 1,
      perAgentDailyLimit: 1,
      perCustomerDailyLimit: 1,
      orderStatuses: ["delivered"],
      currency: "USD",
    },
    { capability: "email.send", templates: ["t-one", "t-two"] },
    { capability: "reply.send" },
    { capability: "escalate", targets: ["human:support"] },
  ],
  templates: [
    { name: "t-one", variables: ["name"] },
    { name: "t-two", variables: ["name", "orderId"] },
  ],
});

function aTool(r: Rng): unknown {
  if (r.chance(0.4)) return structuredClone(r.pick(SDK_TOOLS));
  const parameters: unknown = r.chance(0.9)
    ? { ...aNode(r, 0), type: r.chance(0.92) ? "object" : r.pick(["string", ["object"]]) }
    : r.chance(0.5)
      ? aDeepChain(r.pick([10, 11, 12, 13]))
      : aValue(r);
  const tool: Record<string, unknown> = {
    name: r.chance(0.95) ? r.pick(["customer_read", "finish", "a-b_c"]) : r.pick(["bad name", "", "x".repeat(65)]),
    description: r.chance(0.9) ? shortText(r) : nearBound(r, 2000),
    parameters,
  };
  if (r.chance(0.05)) tool.extra = "dropped";
  if (r.chance(0.03)) delete tool.parameters;
  return tool;
}

function aToolCall(r: Rng): unknown {
  const call: Record<string, unknown> = {
    id: r.chance(0.95) ? `call_${r.int(1000)}` : r.pick(["", nearBound(r, 100)]),
    name: r.chance(0.95) ? "orders_list" : "bad name",
    arguments: r.chance(0.9) ? { customerId: "cus_1001", n: r.int(3), nested: { a: [1, 2] } } : aValue(r),
  };
  if (r.chance(0.05)) call.extra = 1;
  return call;
}

function aMessage(r: Rng): unknown {
  const text = () => (r.chance(0.9) ? shortText(r) : nearBound(r, 60_000));
  let m: Record<string, unknown>;
  switch (r.int(4)) {
    case 0:
      m = { role: "system", content: text() };
      break;
    case 1:
      m = { role: "user", content: text() };
      break;
    case 2:
      m = { role: "assistant", content: r.chance(0.5) ? null : text() };
      if (r.chance(0.8)) m.toolCalls = arrayOfN(r, r.pick([0, 1, 2, 16, 17]), () => aToolCall(r));
      else if (r.chance(0.3)) m.toolCalls = undefined;
      break;
    default:
      m = {
        role: "tool",
        toolCallId: r.chance(0.95) ? `call_${r.int(100)}` : r.pick(["", nearBound(r, 100)]),
        name: r.chance(0.95) ? "orders_list" : nearBound(r, 64),
        content: text(),
      };
  }
  const roll = r.next();
  if (roll < 0.03) m.role = r.pick(["robot", undefined, 1]);
  else if (roll < 0.06) delete m.content;
  else if (roll < 0.09) m.content = aValue(r);
  else if (roll < 0.12) m.extra = "dropped";
  return m;
}

function aChatRequest(r: Rng): unknown {
  if (r.chance(0.02)) return aValue(r);
  const req: Record<string, unknown> = {
    model: r.chance(0.95) ? "offline" : r.pick(["", nearBound(r, 100)]),
    messages: arrayOfN(r, r.chance(0.95) ? 1 + r.int(8) : r.pick([0, 201]), () => aMessage(r)),
  };
  if (r.chance(0.85)) req.tools = arrayOfN(r, r.chance(0.95) ? r.int(5) : 33, () => aTool(r));
  else if (r.chance(0.2)) req.tools = undefined;
  if (r.chance(0.3)) req.maxTokens = r.pick([1, 1024, 8192, 8193, 0, -1, 1.5, undefined, "1"]);
  if (r.chance(0.03)) req.extra = 1;
  return req;
}

describe.each([
  ["zod as configured here", false],
  ["zod without compiled parsers (as in workerd)", true],
])("parseChatRequest takes only what ChatRequestSchema takes, as it takes it (%s)", (_name, jitless) => {
  afterAll(() => {
    z.config({ jitless: false });
  });

  it("on generated requests: whatever the twin takes, the schema takes, with the same value", () => {
    z.config({ jitless });
    let taken = 0;
    let valid = 0;
    const N = 6_000;
    for (let seed = 1; seed <= N; seed++) {
      const r = rng(seed * 7919);
      const input = aChatRequest(r);
      const slow = OpArgs["llm.chat"].safeParse(input);
      const fast = parseChatRequest(input);
      if (slow.success) valid++;
      if (fast === undefined) continue;
      taken++;
      expect(slow.success, `seed ${seed}: the twin took what the schema refuses`).toBe(true);
      if (slow.success) expect(firstDifference(fast, slow.data), `seed ${seed}`).toBeNull();
    }
    // Both kinds are generated, and the twin takes nearly every request the schema takes.
    expect(valid).toBeGreaterThan(N / 10);
    expect(valid).toBeLessThan(N - N / 10);
    expect(taken).toBeGreaterThan(valid * 0.9);
  });

  it("keyword by keyword, in an otherwise valid request: the same answer and value", () => {
    z.config({ jitless });
    let valid = 0;
    let taken = 0;
    for (const [k, keyword] of KEYWORD_NAMES.entries()) {
      for (let i = 0; i < 150; i++) {
        const r = rng(100_000 + k * 1000 + i);
        const parameters = { type: "object", properties: { a: { [keyword]: keywordValue(r, keyword, 1) } } };
        const input = {
          model: "m",
          messages: [{ role: "user", content: "hi" }],
          tools: [{ name: "t", description: "d", parameters }],
        };
        const slow = OpArgs["llm.chat"].safeParse(input);
        const fast = parseChatRequest(input);
        const where = `${keyword} #${i}`;
        if (slow.success) valid++;
        if (fast === undefined) continue;
        taken++;
        expect(slow.success, `${where}: the twin took what the schema refuses`).toBe(true);
        if (slow.success) expect(firstDifference(fast, slow.data), where).toBeNull();
      }
    }
    expect(taken).toBeGreaterThan(valid * 0.95);
  });

  it("takes every request the SDK builds, with the schema's value", () => {
    z.config({ jitless });
    const messages = [
      { role: "system", content: "procedure" },
      { role: "user", content: "hello [NAME_1], a refund please" },
      {
        role: "assistant",
        content: null,
        toolCalls: [{ id: "c1", name: "orders_list", arguments: { customerId: "cus_1001" } }],
      },
      { role: "tool", toolCallId: "c1", name: "orders_list", content: '{"orders":[]}' },
      { role: "assistant", content: "done", toolCalls: [] },
    ];
    for (let n = 1; n <= messages.length; n++) {
      const input = { model: "offline", messages: messages.slice(0, n), tools: SDK_TOOLS };
      const fast = parseChatRequest(input);
      const slow = OpArgs["llm.chat"].safeParse(input);
      expect(slow.success).toBe(true);
      expect(fast).toBeDefined();
      expect(firstDifference(fast, slow.data)).toBeNull();
    }
  });
});
