// The labelled corpus: templates x fake people (deterministic rotation, no
// randomness), hand-written mixed items, and hard negatives.
import type { KnownValue, PiiKind } from "../types.ts";
import { CHATTER } from "./chatter.ts";
import { MIXED } from "./mixed.ts";
import { HARD_NEGATIVES } from "./negatives.ts";
import type { Source } from "./templates.ts";
import { TEMPLATES } from "./templates.ts";
import type { Person } from "./values.ts";
import { CARDS, IBANS, IPV4, IPV6, NOISE, PEOPLE, SSNS } from "./values.ts";

export interface Expected {
  kind: PiiKind;
  value: string;
}

export interface LabelledItem {
  id: string;
  source: Source | "mixed" | "negative";
  text: string;
  known: readonly KnownValue[];
  /** Every span a correct scanner must return (kind + exact substring). */
  expect: readonly Expected[];
  /** No PII at all, only look-alikes: any hit is a false positive. */
  hardNegative: boolean;
}

const ROUNDS = 7; // each template x 7 people/value sets
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;

function knownOf(p: Person): KnownValue[] {
  return [
    { kind: "NAME", value: p.full },
    { kind: "NAME", value: p.first },
    { kind: "NAME", value: p.last },
    { kind: "EMAIL", value: p.email },
    { kind: "PHONE", value: p.phone },
    { kind: "ADDRESS", value: p.address },
  ];
}

/** Fill one template; returns text and the expected spans in text order. */
function fill(text: string, p: Person, q: Person, i: number): { text: string; expect: Expected[] } {
  const expect: Expected[] = [];
  const pii = (kind: PiiKind, value: string) => {
    expect.push({ kind, value });
    return value;
  };
  const out = text.replace(/\{(\w+)\}/g, (_m, slot: string) => {
    switch (slot) {
      case "name":
        return pii("NAME", p.full);
      case "first":
        return pii("NAME", p.first);
      case "last":
        return pii("NAME", p.last);
      case "NAME":
        return pii("NAME", p.full.toUpperCase());
      case "lfirst":
        return pii("NAME", p.first.toLowerCase());
      case "email":
        return pii("EMAIL", p.email);
      case "EMAIL":
        return pii("EMAIL", p.email.toUpperCase());
      case "email2":
        return pii("EMAIL", `backup.${i}@example.net`);
      case "phone":
        return pii("PHONE", pick(p.shown, i));
      case "phone2":
        return pii("PHONE", pick(q.shown, i + 1));
      case "card":
        return pii("CARD", pick(CARDS, i));
      case "iban":
        return pii("IBAN", pick(IBANS, i));
      case "ssn":
        return pii("SSN", pick(SSNS, i));
      case "ip":
        return pii("IP", pick(IPV4, i));
      case "ip6":
        return pii("IP", pick(IPV6, i));
      case "addr":
        return pii("ADDRESS", p.address);
      case "num":
        return String(2 + ((i * 37) % 97));
      default: {
        const noise = (NOISE as Record<string, readonly string[]>)[slot];
        if (!noise) throw new Error(`unknown slot {${slot}}`);
        return pick(noise, i);
      }
    }
  });
  return { text: out, expect };
}

function build(): LabelledItem[] {
  const items: LabelledItem[] = [];
  TEMPLATES.forEach((t, ti) => {
    for (let r = 0; r < ROUNDS; r++) {
      const i = ti * ROUNDS + r;
      // co-prime strides so templates and people/values do not move in lock-step
      const p = pick(PEOPLE, i * 5 + ti);
      const q = pick(PEOPLE, i * 11 + 3);
      const { text, expect } = fill(t.text, p, q, i);
      items.push({
        id: `t${ti}-${r}`,
        source: t.src,
        text,
        known: t.known ? knownOf(p) : [],
        expect,
        hardNegative: false,
      });
    }
  });
  MIXED.forEach(
    (m, i) =>
      void items.push({
        id: `m${i}`,
        source: "mixed",
        text: m.text,
        known: m.known ?? [],
        expect: m.expect.map(([kind, value]) => ({ kind, value })),
        hardNegative: false,
      }),
  );
  HARD_NEGATIVES.forEach(
    (n, i) =>
      void items.push({
        id: `n${i}`,
        source: "negative",
        text: n.text,
        known: n.known ?? [],
        expect: [],
        hardNegative: true,
      }),
  );
  items.push(...generatedNegatives());
  CHATTER.forEach(
    (text, i) =>
      void items.push({
        id: `c${i}`,
        source: "chat",
        text,
        known: [],
        expect: [],
        hardNegative: false,
      }),
  );
  return items;
}

// Noise-only sentences from the same fillers the PII templates use.
const NEG_TEMPLATES = [
  "Order {order} for {amount} was placed on {date} at {time}.",
  "Invoice {invoice} ({amount}) is overdue since {date}.",
  "Tracking {tracking} updated at {time}; customer ref {id}.",
  "Please upgrade to {version} before {date}.",
  "Case {id}: {num} items from {order}, refund {amount}.",
] as const;

function generatedNegatives(): LabelledItem[] {
  const out: LabelledItem[] = [];
  const nobody = PEOPLE[0] as Person;
  NEG_TEMPLATES.forEach((t, ti) => {
    for (let r = 0; r < 6; r++) {
      const { text } = fill(t, nobody, nobody, ti * 6 + r);
      out.push({ id: `g${ti}-${r}`, source: "negative", text, known: [], expect: [], hardNegative: true });
    }
  });
  return out;
}

export const LABELLED: readonly LabelledItem[] = build();
