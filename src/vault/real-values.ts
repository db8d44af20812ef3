import { normaliseValue } from "../contracts/tokens.ts";
import type { TokenTable } from "./table.ts";

/**
 * The real-value check of a masked model prompt (Vault.llmPrepare), without
 * scanning the whole prompt on every call.
 *
 * The full check (TokenTable.realValueKinds) runs findPii over the joined
 * strings and refuses a span whose normal form (normaliseValue) is that of a
 * real value the task holds. findPii cannot be run on only the text a call
 * adds: a name matches across any run of whitespace ("Siobhán\nO'Connor"),
 * and its guesses read words and cues before a match without a fixed bound.
 * So the full check stays what decides, and is asked only when a real value
 * could be there at all. That question is local and remembered per string:
 *
 * - a span of a text kind (NAME, EMAIL, ADDRESS, IP) whose normal form is
 *   the value's holds, lower-cased, every word of that normal form.
 *   toLowerCase maps each code point alone (only σ/ς look at their
 *   neighbours, so words are cut there), so each word is in the lower-cased
 *   string it sits in: a word has no whitespace, and the prompt's strings
 *   are joined by "\n";
 * - a span of a digit kind (PHONE, CARD, SSN, IBAN) holds the normal form's
 *   ASCII digits in a row once everything else is dropped (normaliseValue
 *   keeps the digits, the last ten for phones; toUpperCase makes and drops
 *   none), so they are in the digits of the whole prompt, read across strings.
 *
 * A value with no word of two characters or more always asks the full
 * check. If no value of the task can be there, the full check would have
 * found none either: the answer is the same on every input, only cheaper.
 * Each string is searched once per word (remembered per table in this
 * isolate; a miss searches again), so a call costs what it adds, and a
 * rewritten history costs what new strings cost. Only the digits are read
 * across strings on every call (a short string, already extracted).
 */
export function realValueKinds(table: TokenTable, texts: readonly string[]): string[] {
  const memo = memoFor(table);
  const need = needles(table, memo);
  if (need !== null && !anyPossible(texts, need, memo)) return [];
  return table.realValueKinds(texts.join("\n"));
}

/** What a real value must leave in a prompt: words that must all be there, or a row of digits. */
interface Needles {
  /** Per text value: the indices (in the memo's word list) of the words that must all be present. */
  words: number[][];
  /** Per digit value: the digits that must appear in a row. */
  digits: string[];
}

interface StringFacts {
  /** The ASCII digits of the string, in order. */
  digits: string;
  /** How many of the memo's words were looked for in it, and which of those it holds. */
  searched: number;
  holds: number[];
}

interface Memo {
  /** Every word looked for so far, in the order first asked: a string's `searched` counts into it. */
  words: string[];
  wordIndex: Map<string, number>;
  strings: Map<string, StringFacts>;
  chars: number;
}

// Bounds on the memory (a miss only costs a search again): strings, their characters, words.
const MAX_STRINGS = 2048;
const MAX_CHARS = 1_000_000;
const MAX_WORDS = 512;
const memos = new WeakMap<TokenTable, Memo>();

function memoFor(table: TokenTable): Memo {
  let memo = memos.get(table);
  if (!memo || memo.words.length > MAX_WORDS || memo.strings.size > MAX_STRINGS || memo.chars > MAX_CHARS) {
    memo = { words: [], wordIndex: new Map(), strings: new Map(), chars: 0 };
    memos.set(table, memo);
  }
  return memo;
}

// The kinds as normaliseValue (src/contracts/tokens.ts) treats them: digits kept, or lower case.
const DIGIT_KINDS: ReadonlySet<string> = new Set(["PHONE", "CARD", "SSN", "IBAN"]);
const TEXT_KINDS: ReadonlySet<string> = new Set(["NAME", "EMAIL", "ADDRESS", "IP"]);

/** The needles of every real value the full check looks for, or null if one has none. */
function needles(table: TokenTable, memo: Memo): Needles | null {
  const out: Needles = { words: [], digits: [] };
  const seen = new Set<string>();
  for (const v of [...table.byToken.values(), ...table.known]) {
    const norm = normaliseValue(v.kind, v.value);
    const key = `${v.kind}:${norm}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (DIGIT_KINDS.has(v.kind)) {
      const digits = norm.replace(/\D/g, "");
      if (digits === "") return null;
      out.digits.push(digits);
    } else if (TEXT_KINDS.has(v.kind)) {
      const words = wordsOf(norm);
      if (words.length === 0) return null;
      out.words.push(words.map((w) => wordIndexOf(memo, w)));
    } else {
      return null; // a kind this file does not know: the full check decides
    }
  }
  return out;
}

/**
 * The words of a normal form (lower case, one space between words), cut at
 * σ and ς (the one letter whose lower case depends on its neighbours), of
 * two characters or more: each must show in the lower-cased prompt.
 */
function wordsOf(norm: string): string[] {
  return norm.split(/[ \u03c2\u03c3]+/).filter((w) => w.length >= 2);
}

function wordIndexOf(memo: Memo, word: string): number {
  let i = memo.wordIndex.get(word);
  if (i === undefined) {
    i = memo.words.length;
    memo.words.push(word);
    memo.wordIndex.set(word, i);
  }
  return i;
}

/** Could a real value be in these strings? Each string is searched only for words it was not searched for yet. */
function anyPossible(texts: readonly string[], need: Needles, memo: Memo): boolean {
  const present = new Uint8Array(memo.words.length);
  let digits = "";
  for (const text of texts) {
    const facts = factsOf(memo, text);
    for (const i of facts.holds) present[i] = 1;
    digits += facts.digits;
  }
  if (need.words.some((words) => words.every((i) => present[i] === 1))) return true;
  return need.digits.some((d) => digits.includes(d));
}

function factsOf(memo: Memo, text: string): StringFacts {
  let facts = memo.strings.get(text);
  if (!facts) {
    facts = { digits: text.replace(/\D+/g, ""), searched: 0, holds: [] };
    memo.strings.set(text, facts);
    memo.chars += text.length;
  }
  if (facts.searched < memo.words.length) {
    const lower = text.toLowerCase();
    for (let i = facts.searched; i < memo.words.length; i++) {
      if (lower.includes(memo.words[i] as string)) facts.holds.push(i);
    }
    facts.searched = memo.words.length;
  }
  return facts;
}
