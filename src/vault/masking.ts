import { randomHex } from "../crypto/encoding.ts";
import { findPii } from "../scan/index.ts";
import type { TokenTable } from "./table.ts";
import { valueKey } from "../contracts/tokens.ts";

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
  const out = texts.map((text) => {
    const spans = findPii(text, table.known);
    if (spans.length === 0) return text;
    let res = "";
    let at = 0;
    for (const s of spans) {
      let m = byLiteral.get(`${s.kind}:${s.value}`);
      if (!m) {
        const token = table.tokenOf(s.kind, s.value);
        const real = token !== undefined || known.has(valueKey(s.kind, s.value));
        m = { placeholder: `[${s.kind}_X${nonce}${byLiteral.size + 1}]`, literal: s.value, shown: token ?? `[${s.kind}]`, real };
        byLiteral.set(`${s.kind}:${s.value}`, m);
      }
      res += text.slice(at, s.start) + m.placeholder;
      at = s.end;
    }
    return res + text.slice(at);
  });
  return { texts: out, masked: [...byLiteral.values()] };
}

/** Replace placeholders by what `pick` says (the literal for the agent, `shown` for people). */
export function unmask(text: string, masked: readonly MaskedSpan[], pick: (m: MaskedSpan) => string): string {
  let out = text;
  for (const m of masked) if (out.includes(m.placeholder)) out = out.split(m.placeholder).join(pick(m));
  return out;
}

function randomTag(): string {
  return randomHex(3).toUpperCase() + "N";
}
