import { describe, expect, it } from "vitest";
import { normaliseValue } from "../contracts/tokens.ts";
import { type KnownValue, PII_KINDS, type PiiKind } from "../scan/index.ts";
import { maskForModel } from "./masking.ts";
import { realValueKinds } from "./real-values.ts";
import { TokenTable } from "./table.ts";

/** The full check, as llmPrepare ran it on every call before: findPii over the joined prompt. */
const fullCheck = (t: TokenTable, texts: readonly string[]) =>
  TokenTable.prototype.realValueKinds.call(t, texts.join("\n"));

/** A table whose full check counts how often the remembered check falls back to it. */
function counted(known: KnownValue[]): { t: TokenTable; asked: () => number } {
  const t = new TokenTable();
  t.known = known;
  let asked = 0;
  t.realValueKinds = (text: string) => {
    asked++;
    return TokenTable.prototype.realValueKinds.call(t, text);
  };
  return { t, asked: () => asked };
}

const SIOBHAN: KnownValue[] = [
  { kind: "NAME", value: "Siobhán O'Connor" },
  { kind: "NAME", value: "Siobhán" },
  { kind: "NAME", value: "O'Connor" },
  { kind: "EMAIL", value: "siobhan.oconnor@example.ie" },
  { kind: "PHONE", value: "+353 87 123 4567" },
  { kind: "ADDRESS", value: "12 Harbour Road, Cork" },
  { kind: "ADDRESS", value: "12 Harbour Road" },
];

/** Each call: the check on the prompt equals the full check, and says what it said. */
function expectSame(t: TokenTable, texts: readonly string[]): string[] {
  const kinds = realValueKinds(t, texts);
  expect(kinds).toEqual(fullCheck(t, texts));
  return kinds;
}

describe("the real-value check of a masked prompt, remembered per string", () => {
  it("refuses a value split across what was checked before and what a call adds", () => {
    const { t } = counted(SIOBHAN);
    const first = ["messages", "role", "user", "content", "Ship it to 12 Harbour"];
    expect(expectSame(t, first)).toEqual([]);
    expect(expectSame(t, [...first, "Road, Cork please"])).toEqual(["ADDRESS"]);
    // The name across two strings, the join's "\n" being whitespace to the name's pattern.
    expect(expectSame(t, [...first, "from Siobhán", "O'Connor"])).toEqual(["NAME"]);
    // A word at the very start and the very end of strings, and a call that adds nothing.
    expect(expectSame(t, ["12", "Harbour", "Road"])).toEqual(["ADDRESS"]);
    expect(expectSame(t, ["12", "Harbour", "Road"])).toEqual(["ADDRESS"]);
  });

  it("searches strings it already holds again for a value the task learns later", () => {
    const { t } = counted(SIOBHAN);
    const texts = ["content", "please ask Kenji Watanabe to pick it up", "Card 4111 1111", "1111 1111 on file"];
    expect(expectSame(t, texts)).toEqual([]);
    t.assign("NAME", "Kenji Watanabe", "agent");
    expect(expectSame(t, texts)).toEqual(["NAME"]);
    // The known list replaced: the new value's words are looked for in every string.
    t.known = [...SIOBHAN, { kind: "CARD", value: "4111 1111 1111 1111" }];
    expect(expectSame(t, [...texts, "card 4111111111111111"])).toEqual(["NAME", "CARD"]);
    t.known = [];
    expect(expectSame(t, [...texts, "card 4111111111111111"])).toEqual(["NAME"]);
  });

  it("answers for the prompt it is given, when a call rewrites earlier history", () => {
    const { t } = counted(SIOBHAN);
    const clean = ["content", "the parcel went to the depot", "content", "thanks"];
    const dirty = ["content", "the parcel went to 12 Harbour Road", "content", "thanks"];
    expect(expectSame(t, clean)).toEqual([]);
    expect(expectSame(t, dirty)).toEqual(["ADDRESS"]);
    expect(expectSame(t, clean)).toEqual([]);
    expect(expectSame(t, dirty.slice(2))).toEqual([]);
  });

  it("reads digits across strings, and asks the full check only when a value could be there", () => {
    const { t, asked } = counted(SIOBHAN);
    const texts = ["role", "user", "content", "Order ord_5001, 49.00 USD, tracking 7788"];
    expect(expectSame(t, texts)).toEqual([]);
    expect(asked()).toBe(0);
    // The phone's last ten digits in a row across three strings: possible, so asked.
    expect(expectSame(t, [...texts, "call +353 871", "23", "4567 later"])).toEqual([]);
    expect(asked()).toBe(1);
    // A word of the name inside another word is enough to ask (only a cost).
    expect(expectSame(t, [...texts, "Siobhánsdottir and O'Connorville"])).toEqual([]);
    expect(asked()).toBe(2);
  });

  it("finds a word whose σ the prompt's neighbours lower-case otherwise", () => {
    // "ΣΩΚΡΆΤΗΣ" alone lower-cases to "σωκράτης"; before "'s", to "σωκράτησ's".
    const { t } = counted([{ kind: "NAME", value: "Σωκράτης" }]);
    expect(expectSame(t, ["content", "ask ΣΩΚΡΆΤΗΣ's brother"])).toEqual(["NAME"]);
  });

  it("asks the full check for a value without a word to look for", () => {
    const { t, asked } = counted([{ kind: "NAME", value: "王" }]);
    expect(expectSame(t, ["nothing here"])).toEqual([]);
    expect(asked()).toBe(1);
  });

  it("gives the full check's answer on generated conversations (raw and masked)", () => {
    const rand = seeded(15);
    let calls = 0;
    let refused = 0;
    let spared = 0;
    for (let seq = 0; seq < 300; seq++) {
      const { t, asked } = counted(pick(rand, PEOPLE));
      for (const [kind, value] of pickSome(rand, GUESSED, 2)) t.assign(kind, value, "agent");
      const masked = rand() < 0.5;
      let texts: string[] = ["messages", "role", "system", "content", pick(rand, FILLER)];
      let carry = "";
      for (let call = 0; call < 6; call++) {
        ({ texts, carry } = nextPrompt(rand, texts, carry));
        const r = rand();
        if (r < 0.15) t.assign(...pick(rand, GUESSED), "agent");
        else if (r < 0.25) t.learn(...pick(rand, GUESSED));
        else if (r < 0.3) t.known = pick(rand, PEOPLE);
        const sent = masked ? maskForModel(texts, t).texts : texts;
        const before = asked();
        const kinds = expectSame(t, sent);
        calls++;
        if (kinds.length) refused++;
        if (asked() === before) spared++;
      }
    }
    // Neither side is empty: the check refused, and spared the full scan, on many calls.
    expect(refused).toBeGreaterThan(calls / 10);
    expect(spared).toBeGreaterThan(calls / 5);
  });
});

/** The premises the check rests on, over every code point, in the runtime the test runs in. */
describe("case mapping and normal forms, as the check assumes them", () => {
  it("normalises phones, cards and SSNs to digits, IBANs to upper case, the other kinds to lower case", () => {
    expect(PII_KINDS.map((k) => [k, normaliseValue(k, " Ab \n Ç-12 ")])).toEqual([
      ["NAME", "ab ç-12"],
      ["EMAIL", "ab ç-12"],
      ["PHONE", "12"],
      ["CARD", "12"],
      ["ADDRESS", "ab ç-12"],
      ["IBAN", "ABÇ-12"],
      ["SSN", "12"],
      ["IP", "ab ç-12"],
    ]);
  });

  it("lower-cases each code point alone, but for Σ", () => {
    const odd: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0x3a3) continue;
      const c = String.fromCodePoint(cp);
      const l = c.toLowerCase();
      if (`A${c}`.toLowerCase() !== `a${l}` || `${c}A`.toLowerCase() !== `${l}a`) odd.push(cp.toString(16));
    }
    expect(odd).toEqual([]);
  });

  it("upper-cases no code point into an ASCII digit, and every digit into itself", () => {
    const odd: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const digit = cp >= 0x30 && cp <= 0x39;
      if (digit ? c.toUpperCase() !== c : /[0-9]/.test(c.toUpperCase())) odd.push(cp.toString(16));
    }
    expect(odd).toEqual([]);
  });
});

// ---- Generated conversations ----

type Rand = () => number;
function seeded(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const pickSome = <T>(rand: Rand, xs: readonly T[], n: number): T[] => Array.from({ length: n }, () => pick(rand, xs));

const person = (name: string, email: string, phone: string, address: string): KnownValue[] => [
  { kind: "NAME", value: name },
  ...name.split(" ").map((value) => ({ kind: "NAME" as const, value })),
  { kind: "EMAIL", value: email },
  { kind: "PHONE", value: phone },
  { kind: "ADDRESS", value: address },
  { kind: "ADDRESS", value: address.split(",")[0] as string },
];
const PEOPLE: KnownValue[][] = [
  SIOBHAN,
  person(
    "Maria Alvarez",
    "maria.alvarez@example.com",
    "+1 415 555 0132",
    "742 Evergreen Terrace, Springfield, OR 97403",
  ),
  person("Ana Souza", "ana@example.com.br", "+55 11 91234 5678", "Rua Augusta 500, São Paulo"),
  person("İlkay Yılmaz", "ilkay@example.com.tr", "0532 123 45 67", "Bağdat Caddesi 12, İstanbul"),
  person("Σοφία Παπαδοπούλου", "sofia@example.gr", "+30 21 0123 4567", "Οδός Αθηνάς 10, Αθήνα"),
  [
    { kind: "NAME", value: "王伟" },
    { kind: "IBAN", value: "GB82 WEST 1234 5698 7654 32" },
    { kind: "SSN", value: "123-45-6789" },
    { kind: "IP", value: "203.0.113.7" },
    { kind: "CARD", value: "4111 1111 1111 1111" },
  ],
];
const GUESSED: Array<[PiiKind, string]> = [
  ["NAME", "Kenji Watanabe"],
  ["NAME", "Grace Hopper"],
  ["EMAIL", "k.w@example.org"],
  ["PHONE", "020 7946 0958"],
  ["CARD", "5555 5555 5555 4444"],
  ["IBAN", "DE89 3704 0044 0532 0130 00"],
  ["ADDRESS", "221B Baker Street"],
  ["NAME", "Σωκράτης"],
];
const FILLER = [
  "You handle one customer's refund request; use tokens such as [NAME_1] as they are.",
  "Customer: [NAME_XA1B2C3N1], this is [NAME_1] ([EMAIL_1]). Order ord_5001, 50 USD.",
  "Thanks for waiting, the Samsung Galaxy arrived in Paris on Monday.",
  '{"orderId":"ord_5002","amount":24900,"status":"delivered","at":1761004800000}',
  "ΟΔΟΣ ΑΘΗΝΑΣ is closed; ask ΣΩΚΡΑΤΗΣ.",
  "My name is 王伟 and I called from 203.0.113.70 yesterday.",
  "tracking 1Z999AA10123456784, ref 4111-1111",
];

/** A real value as an agent might write it: any case, its spaces widened or broken, or cut in two. */
function spelled(rand: Rand, v: string): string[] {
  let s = pick(rand, [v, v.toUpperCase(), v.toLowerCase(), v]);
  if (rand() < 0.3) s = s.replace(/ /g, pick(rand, ["  ", "\n", "\u00a0", " "]));
  if (rand() < 0.1) s = s.replace(/\d/g, (d) => `${d} `).trim();
  if (rand() < 0.4 && s.length > 2) {
    const spaces = [...s.matchAll(/ /g)].map((m) => m.index);
    const at = spaces.length && rand() < 0.7 ? (pick(rand, spaces) as number) : 1 + Math.floor(rand() * (s.length - 1));
    return [s.slice(0, at), s.slice(at).trimStart()];
  }
  return [s];
}

const ALL_VALUES = [...PEOPLE.flat(), ...GUESSED.map(([kind, value]) => ({ kind, value }))].map((k) => k.value);

/**
 * The next call's prompt: usually the history plus a message, sometimes a
 * history rewritten. A value cut in two lands in two strings of one message,
 * or across calls: its first part ends this call, `carry` starts the next.
 */
function nextPrompt(rand: Rand, prev: string[], carry: string): { texts: string[]; carry: string } {
  const texts = [...prev];
  const r = rand();
  if (r < 0.15 && texts.length > 5) texts.splice(4 + Math.floor(rand() * (texts.length - 4)), 1);
  else if (r < 0.3 && texts.length > 5) texts[4 + Math.floor(rand() * (texts.length - 4))] = pick(rand, FILLER);
  const role = pick(rand, ["user", "assistant", "tool"]);
  const parts = rand() < 0.5 ? spelled(rand, pick(rand, ALL_VALUES)) : [];
  const before = pick(rand, ["", "Ship it to ", "from ", "Hi ", "call ", pick(rand, FILLER)]);
  const after = pick(rand, ["", " please", ", thanks", " 42", `\n${pick(rand, FILLER)}`]);
  const head = carry === "" ? [] : [carry];
  if (parts.length === 2 && rand() < 0.5) {
    return {
      texts: [...texts, "role", role, "content", ...head, `${before}${parts[0]}`],
      carry: `${parts[1]}${after}`,
    };
  }
  const body =
    parts.length === 2
      ? [`${before}${parts[0]}`, `${parts[1]}${after}`]
      : [`${before}${parts[0] ?? pick(rand, FILLER)}${after}`];
  return { texts: [...texts, "role", role, "content", ...head, ...body], carry: "" };
}
