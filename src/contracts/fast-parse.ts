/**
 * Hand-written twins of the hottest zod schemas, for the proxy's per-call path.
 *
 * zod cannot compile its parsers in workerd (no `new Function`), and its
 * interpreted parse was a large share of the proxy's own JavaScript a call.
 * The zod schemas stay the contract (docs, JSON Schema, the SDK's types); each
 * function here answers, for an input, either the value its schema's parse
 * would give (same keys, same order, same references where zod passes a value
 * through) or `undefined`: "not taken here", and the caller runs the schema,
 * whose answer (and error) is then the answer. So a refusal's wording is always
 * zod's. src/contracts/fast-parse.test.ts runs both on many generated inputs:
 * an accepted value must equal the schema's, and the proxy-call twin must accept
 * exactly what the schema accepts.
 */
import type { z } from "zod";
import { IDEMPOTENCY_KEY, type ProxyCallSchema } from "./proxy.ts";

/** zod's string length: code points, not UTF-16 units. */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** A string of `min`..`max` code points, as z.string().min(min).max(max) counts them. */
function lengthIn(s: string, min: number, max: number): boolean {
  // A code point is one or two units: only a length between the bounds' unit spans needs counting.
  const units = s.length;
  if (units >= min && units <= max) return true;
  if (units < min || units > max * 2) return false;
  const n = codePoints(s);
  return n >= min && n <= max;
}

/** zod's isObject: what z.object() accepts. */
function isObject(v: unknown): v is Record<PropertyKey, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** zod's isPlainObject: what z.record() accepts. */
function isPlainObject(o: unknown): o is Record<PropertyKey, unknown> {
  if (!isObject(o)) return false;
  const ctor = o.constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== "function") return true;
  const prot = (ctor as { prototype?: unknown }).prototype;
  if (!isObject(prot)) return false;
  return Object.hasOwn(prot, "isPrototypeOf");
}

/**
 * z.record(z.string(), z.unknown()): a fresh object of the own enumerable
 * string keys (`__proto__` skipped), values as they are; an own enumerable
 * symbol key fails the key schema. `undefined`: refused.
 */
function stringRecord(input: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(input)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(input)) {
    if (key === "__proto__") continue;
    if (!Object.prototype.propertyIsEnumerable.call(input, key)) continue;
    if (typeof key !== "string") return undefined;
    out[key] = input[key];
  }
  return out;
}

/**
 * ProxyCallSchema's parse, exactly: the parsed call, or `undefined` where the
 * schema refuses it. Keys as zod reads them (`in`, so inherited ones count),
 * unknown keys dropped, `args` defaulted to {}, `idempotencyKey` kept only if present.
 */
export function parseProxyCall(raw: unknown): z.output<typeof ProxyCallSchema> | undefined {
  if (!isObject(raw)) return undefined;
  const baseKey = raw.baseKey;
  const taskKey = raw.taskKey;
  const op = raw.op;
  const rawArgs = raw.args;
  const idempotencyKey = raw.idempotencyKey;
  // z.unknown() is required-in: the key must be there, whatever its value.
  if (!("baseKey" in raw) || !("taskKey" in raw)) return undefined;
  if (typeof op !== "string" || !lengthIn(op, 1, 64)) return undefined;
  const args = rawArgs === undefined ? {} : stringRecord(rawArgs);
  if (args === undefined) return undefined;
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== "string" || !IDEMPOTENCY_KEY.test(idempotencyKey)))
    return undefined;
  const out: z.output<typeof ProxyCallSchema> = { baseKey, taskKey, op, args };
  if ("idempotencyKey" in raw) out.idempotencyKey = idempotencyKey;
  return out;
}
