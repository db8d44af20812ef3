/**
 * ~1 MB of realistic support chat for the scanner benchmark: four messages
 * in five are everyday chatter, one in five comes from the labelled PII
 * corpus (names, emails, phones, cards, IBANs, addresses...). Each message
 * carries the known values of "its" customer, as the vault passes them.
 * Pure: bundled into the bench Worker and importable from Node.
 */

import { CHATTER } from "../../src/scan/corpus/chatter.ts";
import { LABELLED } from "../../src/scan/corpus/labelled.ts";
import { type KnownValue, type PiiKind, tokenizeText } from "../../src/scan/index.ts";

export interface ChatMessage {
  text: string;
  known: readonly KnownValue[];
}

export const TARGET_BYTES = 1_000_000;

export function chatMessages(targetBytes = TARGET_BYTES): { messages: ChatMessage[]; bytes: number } {
  const pii = LABELLED.filter((i) => !i.hardNegative && i.expect.length > 0);
  const knowns = pii.map((i) => i.known).filter((k) => k.length > 0);
  const enc = new TextEncoder();
  const messages: ChatMessage[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const m: ChatMessage =
      i % 5 === 0
        ? { text: pii[(i / 5) % pii.length]!.text, known: pii[(i / 5) % pii.length]!.known }
        : { text: CHATTER[i % CHATTER.length]!, known: knowns[i % knowns.length]! };
    messages.push(m);
    bytes += enc.encode(m.text).length;
  }
  return { messages, bytes };
}

/**
 * The baseline: one pass of a classic single email regex over the same
 * messages, i.e. what the cheapest one-kind redactor would do.
 */
export const BASELINE_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function baselinePass(messages: readonly ChatMessage[]): number {
  let hits = 0;
  for (const m of messages) {
    BASELINE_RE.lastIndex = 0;
    while (BASELINE_RE.exec(m.text) !== null) hits++;
  }
  return hits;
}

/**
 * One tokenizing pass, as the vault does per message; tokens come from a
 * plain Map (the TokenTable itself is measured separately). Returns spans.
 */
export function scanPass(messages: readonly ChatMessage[]): number {
  const tokens = new Map<string, string>();
  let spans = 0;
  const tokenFor = (kind: PiiKind, value: string): string => {
    spans++;
    const key = `${kind}:${value}`;
    let t = tokens.get(key);
    if (t === undefined) tokens.set(key, (t = `[${kind}_${tokens.size + 1}]`));
    return t;
  };
  let out = 0;
  for (const m of messages) out += tokenizeText(m.text, m.known, tokenFor).length;
  return out > 0 ? spans : -1;
}
