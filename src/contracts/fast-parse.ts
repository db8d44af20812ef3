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
 * exactly what the schema accepts. Each twin reads its input as zod does
 * (`key in o`, `o[key]`, `for…in` for unknown keys, Reflect.ownKeys for records).
 */
import type { z } from "zod";
import { depth, FORMAT_NAME, type JsonSchemaNode, MAX_DEPTH, PROPERTY_NAME, TYPES } from "./json-schema.ts";
import { type ChatRequest, TOOL_NAME } from "./llm.ts";
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

/** "Not taken here": the caller asks the schema. */
const NO: unique symbol = Symbol("no");
type No = typeof NO;

/** z.string().max(max). */
function maxLen(v: unknown, max: number): v is string {
  return typeof v === "string" && lengthIn(v, 0, max);
}

/** z.array(item), with the array's own length bounds; a new array of the items' values. */
function arrayOf<T>(v: unknown, min: number, max: number, item: (x: unknown) => T | No): T[] | No {
  if (!Array.isArray(v) || v.length < min || v.length > max) return NO;
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = item(v[i]);
    if (x === NO) return NO;
    out[i] = x;
  }
  return out;
}

/**
 * z.record(key, value) over a plain object: a fresh object of its own
 * enumerable keys. Any key the twin would have to skip or that fails (a
 * symbol, `__proto__`, a key off `keyPattern`) is left to the schema.
 */
function recordOf<T>(
  v: unknown,
  keyPattern: RegExp | undefined,
  value: (x: unknown) => T | No,
): Record<string, T> | No {
  if (!isPlainObject(v)) return NO;
  const out: Record<string, T> = {};
  for (const key of Reflect.ownKeys(v)) {
    if (typeof key !== "string" || key === "__proto__") return NO;
    if (!Object.prototype.propertyIsEnumerable.call(v, key)) return NO;
    if (keyPattern && !keyPattern.test(key)) return NO;
    const x = value(v[key]);
    if (x === NO) return NO;
    out[key] = x;
  }
  return out;
}

/** Every key a for…in over `o` meets (own and inherited, enumerable) is one of `known`. */
function onlyKnownKeys(o: object, known: ReadonlySet<string>): boolean {
  for (const key in o) if (!known.has(key)) return false;
  return true;
}

// --- llm.chat: ChatRequestSchema (src/contracts/llm.ts) and its tools' JSON Schemas (src/contracts/json-schema.ts)

const TYPE_SET: ReadonlySet<unknown> = new Set(TYPES);

/** json-schema.ts's `scalar`: a string of at most 500, a finite number, a boolean, null. */
function scalar(v: unknown): unknown {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : NO;
  return maxLen(v, 500) ? v : NO;
}

/** `count`: a safe integer in 0..1,000,000. */
const count = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= 1_000_000 ? v : NO);
/** `bound`: a finite number. */
const bound = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : NO);
const propertyName = (v: unknown) => (typeof v === "string" && PROPERTY_NAME.test(v) ? v : NO);
const typeName = (v: unknown) => (TYPE_SET.has(v) ? v : NO);

/** One keyword of a schema node: how its value parses (NO: refused or not taken). */
const KEYWORDS: ReadonlyArray<readonly [string, (v: unknown) => unknown]> = [
  ["type", (v) => (typeof v === "string" ? typeName(v) : arrayOf(v, 1, TYPES.length, typeName))],
  ["title", (v) => (maxLen(v, 200) ? v : NO)],
  ["description", (v) => (maxLen(v, 2000) ? v : NO)],
  ["enum", (v) => arrayOf(v, 1, 100, scalar)],
  ["const", scalar],
  [
    "default",
    (v) => {
      // z.union: the first option that takes it.
      const s = scalar(v);
      if (s !== NO) return s;
      const a = arrayOf(v, 0, 20, scalar);
      if (a !== NO) return a;
      return recordOf(v, PROPERTY_NAME, scalar);
    },
  ],
  ["properties", (v) => recordOf(v, PROPERTY_NAME, schemaNode)],
  ["required", (v) => arrayOf(v, 0, 64, propertyName)],
  ["additionalProperties", (v) => (typeof v === "boolean" ? v : schemaNode(v))],
  ["propertyNames", (v) => schemaNode(v)],
  ["items", (v) => schemaNode(v)],
  ["minItems", count],
  ["maxItems", count],
  ["minLength", count],
  ["maxLength", count],
  ["minProperties", count],
  ["maxProperties", count],
  ["minimum", bound],
  ["maximum", bound],
  ["exclusiveMinimum", bound],
  ["exclusiveMaximum", bound],
  ["multipleOf", bound],
  ["pattern", (v) => (maxLen(v, 500) ? v : NO)],
  ["format", (v) => (typeof v === "string" && FORMAT_NAME.test(v) ? v : NO)],
  ["anyOf", (v) => arrayOf(v, 1, 16, schemaNode)],
  ["oneOf", (v) => arrayOf(v, 1, 16, schemaNode)],
  ["allOf", (v) => arrayOf(v, 1, 16, schemaNode)],
];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS.map(([k]) => k));

/**
 * json-schema.ts's `node` (a strict object): the keywords present, in the
 * schema's order. A keyword present with the value undefined is left to the schema.
 */
function schemaNode(v: unknown): JsonSchemaNode | No {
  if (!isObject(v) || !onlyKnownKeys(v, KEYWORD_SET)) return NO;
  const out: JsonSchemaNode = {};
  for (const [key, parse] of KEYWORDS) {
    if (!(key in v)) continue;
    const x = v[key];
    if (x === undefined) return NO;
    const parsed = parse(x);
    if (parsed === NO) return NO;
    out[key] = parsed;
  }
  return out;
}

/** ToolParametersSchema: a plain record, depth-bounded, an object schema. */
function toolParameters(v: unknown): JsonSchemaNode | No {
  const copy = recordOf(v, undefined, (x) => x);
  if (copy === NO || depth(copy) > MAX_DEPTH * 3) return NO;
  const node = schemaNode(copy);
  return node !== NO && node.type === "object" ? node : NO;
}

/** ToolSpecSchema: name, description, parameters; other keys dropped. */
function toolSpec(v: unknown): ChatRequest["tools"][number] | No {
  if (!isObject(v)) return NO;
  const { name, description, parameters } = v;
  if (typeof name !== "string" || !TOOL_NAME.test(name) || !maxLen(description, 2000)) return NO;
  if (!("parameters" in v)) return NO;
  const params = toolParameters(parameters);
  if (params === NO) return NO;
  return { name, description, parameters: params };
}

/** ToolCallSchema: id, name, and the arguments as a string record. */
function toolCall(v: unknown): unknown {
  if (!isObject(v)) return NO;
  const { id, name } = v;
  if (typeof id !== "string" || !lengthIn(id, 1, 100) || typeof name !== "string" || !TOOL_NAME.test(name)) return NO;
  if (!("arguments" in v)) return NO;
  const args = stringRecord(v.arguments);
  if (args === undefined) return NO;
  return { id, name, arguments: args };
}

/** ChatMessageSchema: the option its role names; each option drops keys it does not know. */
function chatMessage(v: unknown): unknown {
  if (!isObject(v)) return NO;
  const role = v.role;
  const content = v.content;
  switch (role) {
    case "system":
    case "user":
      return maxLen(content, 60_000) ? { role, content } : NO;
    case "assistant": {
      if (content !== null && !maxLen(content, 60_000)) return NO;
      const calls = v.toolCalls === undefined ? [] : arrayOf(v.toolCalls, 0, 16, toolCall);
      return calls === NO ? NO : { role, content, toolCalls: calls };
    }
    case "tool": {
      const { toolCallId, name } = v;
      if (typeof toolCallId !== "string" || !lengthIn(toolCallId, 1, 100) || !maxLen(name, 64)) return NO;
      return maxLen(content, 60_000) ? { role, toolCallId, name, content } : NO;
    }
    default:
      return NO;
  }
}

const CHAT_KEYS: ReadonlySet<string> = new Set(["model", "messages", "tools", "maxTokens"]);

/**
 * ChatRequestSchema's parse, for the requests it takes: the parsed request,
 * or `undefined` (refused, or unusual enough to leave to the schema).
 */
export function parseChatRequest(raw: unknown): ChatRequest | undefined {
  if (!isObject(raw) || !onlyKnownKeys(raw, CHAT_KEYS)) return undefined;
  const { model, maxTokens } = raw;
  if (typeof model !== "string" || !lengthIn(model, 1, 100)) return undefined;
  const messages = arrayOf(raw.messages, 1, 200, chatMessage);
  if (messages === NO) return undefined;
  const tools = raw.tools === undefined ? [] : arrayOf(raw.tools, 0, 32, toolSpec);
  if (tools === NO) return undefined;
  if (
    maxTokens !== undefined &&
    !(typeof maxTokens === "number" && Number.isSafeInteger(maxTokens) && maxTokens > 0 && maxTokens <= 8192)
  )
    return undefined;
  return { model, messages, tools, maxTokens: maxTokens ?? 1024 } as ChatRequest;
}
