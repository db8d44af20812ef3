// The name lexicon as sets, built on first use (a Worker that never scans
// free text pays nothing). Data and licences: data.ts, build.ts.
import { COMMON, GIVEN, SURNAMES } from "./data.ts";

export interface Lexicon {
  /** Given names (folded). */
  given: ReadonlySet<string>;
  /** Surnames (folded). */
  surnames: ReadonlySet<string>;
  /** The ~10 000 commonest English words: "will", "grace", "station"... */
  common: ReadonlySet<string>;
}

let lex: Lexicon | null = null;

/** Lower case without diacritics, as the lexicon stores names ("Péter" -> "peter"). */
export const fold = (w: string): string => {
  const l = w.toLowerCase();
  for (let i = 0; i < l.length; i++) {
    if (l.charCodeAt(i) > 0x7f) return foldLatin(l, i);
  }
  return l;
};
/** fold() by the book: two normalisations and a regex, ~10 000 instructions a word. */
const foldSlow = (l: string): string => l.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");

// Below U+0250 (ASCII and the Latin blocks: "é", "ş", "ı", "ø"), fold() of a
// word is the concatenation of its characters' folds: lower case maps them
// one by one (its only context rules are Greek final sigma and other
// locales), so does NFD (its reordering moves only marks, which go), none
// of them is a mark itself, and NFC composes none of the Latin letters left
// (it composes a letter with a following mark, or Hangul jamo). So a table
// of the characters' folds, made by foldSlow itself, gives the same result.
const LATIN_END = 0x250;
let latinFolds: Int32Array | null = null;
/** Per code unit below LATIN_END: its fold when that is one code unit, else -1. */
function latinFold(): Int32Array {
  if (latinFolds) return latinFolds;
  latinFolds = new Int32Array(LATIN_END);
  for (let c = 0; c < LATIN_END; c++) {
    const f = foldSlow(String.fromCharCode(c).toLowerCase());
    latinFolds[c] = f.length === 1 ? f.charCodeAt(0) : -1;
  }
  return latinFolds;
}
/** fold() of `l` (lower case, ASCII before `from`): by the table, or by the book outside it. */
function foldLatin(l: string, from: number): string {
  const t = latinFold();
  let out = l.slice(0, from);
  for (let i = from; i < l.length; i++) {
    const c = l.charCodeAt(i);
    const f = c < LATIN_END ? (t[c] as number) : -1;
    if (f < 0) return foldSlow(l);
    out += String.fromCharCode(f);
  }
  return out;
}

export function lexicon(): Lexicon {
  lex ??= {
    given: new Set(GIVEN.split(" ")),
    surnames: new Set(SURNAMES.split(" ")),
    common: new Set(COMMON.split(" ")),
  };
  return lex;
}

// Looking a word of the text up without making a string of it. Set.has with
// a freshly sliced string costs ~600-700 instructions (V8 puts the string in
// its string table first), and every candidate name takes several; hashing
// the word's character codes where it stands costs a few per character.

// The hash: FNV-1a over the UTF-16 units of the word as the lexicon spells it.
const H0 = 0x811c9dc5 | 0;
const step = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
const small = (h: number) => h & 0x3fffffff; // a small integer: no heap number

/**
 * Hash of text[start, end) as the lexicon spells it: ASCII lower case, with
 * "’" read as "'". -1 when the word has any other non-ASCII character: its
 * lower case and fold() are not simple per-character maps everywhere (the
 * Kelvin sign lower-cases to "k", "İ" to two characters): the caller falls
 * back to the string path. (Looking Latin words up here too, by per-character
 * lower-case and fold tables, measured no faster than that path.)
 */
export function wordHash(text: string, start: number, end: number): number {
  let h = H0;
  for (let k = start; k < end; k++) {
    let c = text.charCodeAt(k);
    if (c >= 0x80) {
      if (c !== 0x2019) return -1;
      c = 39;
    } else if (c >= 65 && c <= 90) c += 32;
    h = step(h, c);
  }
  return small(h);
}

/**
 * Words mapped to small integers (bit flags), in an open-addressing table
 * built once: a lookup compares character codes against the stored word, so
 * it makes no string.
 */
export class WordTable {
  private readonly mask: number;
  /** Per slot: the key's index + 1 (0: empty), its hash, its value. */
  private readonly slot: Int32Array;
  private readonly hash: Int32Array;
  private readonly value: Int32Array;
  /** The keys' UTF-16 units, one after another. */
  private readonly chars: Uint16Array;
  private readonly at: Int32Array;

  constructor(entries: ReadonlyMap<string, number>) {
    const keys = [...entries.keys()];
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.slot = new Int32Array(size);
    this.hash = new Int32Array(size);
    this.value = new Int32Array(size);
    this.at = new Int32Array(keys.length + 1);
    let n = 0;
    for (const k of keys) n += k.length;
    this.chars = new Uint16Array(n);
    let p = 0;
    keys.forEach((k, i) => {
      this.at[i] = p;
      // The key as stored: a lookup finds it only if the word's mapped units are these.
      let h = H0;
      for (let j = 0; j < k.length; j++) {
        const c = k.charCodeAt(j);
        this.chars[p++] = c;
        h = step(h, c);
      }
      h = small(h);
      let s = h & this.mask;
      while (this.slot[s] !== 0) s = (s + 1) & this.mask;
      this.slot[s] = i + 1;
      this.hash[s] = h;
      this.value[s] = entries.get(k) as number;
    });
    this.at[keys.length] = p;
  }

  /** The value of text[start, end), whose wordHash is `h` (>= 0); 0 if absent. */
  get(h: number, text: string, start: number, end: number): number {
    const len = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const key = this.slot[s] as number;
      if (key === 0) return 0;
      if (this.hash[s] !== h) continue;
      const a = this.at[key - 1] as number;
      if ((this.at[key] as number) - a !== len) continue;
      let j = 0;
      for (; j < len; j++) {
        let c = text.charCodeAt(start + j);
        if (c === 0x2019) c = 39;
        else if (c >= 65 && c <= 90) c += 32;
        if (c !== this.chars[a + j]) break;
      }
      if (j === len) return this.value[s] as number;
    }
  }
}
