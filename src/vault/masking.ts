import { auditableText } from "../audit/agent-text.ts";
import { valueKey } from "../contracts/tokens.ts";
import { randomHex } from "../crypto/encoding.ts";
import { findPii, type KnownValue } from "../scan/index.ts";
import type { TokenTable } from "./table.ts";

/**
 * The gateway's answer must not depend on whether an agent guessed a real
 * value (issue 9, item 5): refusing a prompt that holds one was an oracle.
 * Instead every PII-looking span an agent wrote in a prompt, real or not, is
 * sent to the provider as a placeholder that means nothing outside this call,
 * and the completion gets the agent's own spelling back. The model never
 * receives a real value; the agent sees its own words either way.
 */
export interface MaskedSpan {
  /** What the provider sees, e.g. `[EMAIL_X3F9A1]`: not a vault token, unguessable. */
  placeholder: string;
  /** The agent's literal text, returned to it in the completion. */
  literal: string;
  /** For people (the audit row): the task's token if the value is a real one, else the bare kind. */
  shown: string;
  real: boolean;
}

export interface ModelMask {
  texts: string[];
  masked: MaskedSpan[];
}

export function maskForModel(texts: readonly string[], table: TokenTable): ModelMask {
  const known = new Set([...table.known.map((k) => valueKey(k.kind, k.value))]);
  const byLiteral = new Map<string, MaskedSpan>();
  const nonce = randomTag();
  const scan = scanner(table);
  const out = texts.map((text) => {
    const spans = scan(text);
    if (spans.length === 0) return text;
    let res = "";
    let at = 0;
    for (const s of spans) {
      let m = byLiteral.get(`${s.kind}:${s.value}`);
      if (!m) {
        const token = table.tokenOf(s.kind, s.value);
        const real = token !== undefined || known.has(valueKey(s.kind, s.value));
        m = {
          placeholder: `[${s.kind}_X${nonce}${byLiteral.size + 1}]`,
          literal: s.value,
          shown: token ?? `[${s.kind}]`,
          real,
        };
        byLiteral.set(`${s.kind}:${s.value}`, m);
      }
      res += text.slice(at, s.start) + m.placeholder;
      at = s.end;
    }
    return res + text.slice(at);
  });
  return { texts: out, masked: [...byLiteral.values()] };
}

/**
 * findPii, remembered per vault: a chat request repeats every earlier message
 * on each model call, so each string is scanned once per task, not once per
 * call. findPii is a pure function of the text and the known values; the
 * memory is dropped whenever the table's known list is replaced (learn(),
 * open()), and capped, so it never answers for other known values.
 */
const SCAN_MEMORY_MAX = 512;
const scans = new WeakMap<
  TokenTable,
  { known: readonly KnownValue[]; spans: Map<string, ReturnType<typeof findPii>> }
>();

function scanner(table: TokenTable): (text: string) => ReturnType<typeof findPii> {
  let memory = scans.get(table);
  if (!memory || memory.known !== table.known || memory.spans.size >= SCAN_MEMORY_MAX) {
    memory = { known: table.known, spans: new Map() };
    scans.set(table, memory);
  }
  const { known, spans } = memory;
  return (text) => {
    let found = spans.get(text);
    if (!found) {
      found = findPii(text, known);
      spans.set(text, found);
    }
    return found;
  };
}

/** Replace placeholders by what `pick` says (the literal for the agent, `shown` for people). */
export function unmask(text: string, masked: readonly MaskedSpan[], pick: (m: MaskedSpan) => string): string {
  let out = text;
  for (const m of masked) if (out.includes(m.placeholder)) out = out.split(m.placeholder).join(pick(m));
  return out;
}

/** Walk a JSON value, mapping every string and every object key. */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = fn(k);
      out[key] = mapStrings(v, fn);
    }
    return out;
  }
  return value;
}

/** What the audit row needs to show a completion to people: the masked spans, whether there was content, the tool calls' names. */
export interface CompletionForPeople {
  masked: MaskedSpan[];
  content: boolean;
  toolNames: string[];
}

/**
 * The audit row's view of a tokenized completion (`texts`: content, then each
 * tool call's arguments as JSON), with each masked span shown as people see
 * it. Built in the vault so the row is journaled by the settling RPC itself.
 */
export function completionForPeople(
  texts: readonly string[],
  p: CompletionForPeople,
): { completion: string | null; toolCalls: Array<{ name: string; arguments: string }> } {
  const back = (s: string) => (p.masked.length ? unmask(s, p.masked, (m) => m.shown) : s);
  return {
    completion: p.content ? auditableText(back(texts[0] ?? ""), 1000) : null,
    toolCalls: p.toolNames.map((name, i) => ({
      name,
      arguments: auditableText(JSON.stringify(mapStrings(JSON.parse(texts[i + 1]!), back)), 1000),
    })),
  };
}

function randomTag(): string {
  return `${randomHex(3).toUpperCase()}N`;
}
