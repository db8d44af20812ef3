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
    if (l.charCodeAt(i) > 0x7f) return l.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }
  return l;
};

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

/**
 * Hash of text[start, end) as the lexicon spells it: ASCII lower case, with
 * "’" read as "'". -1 when the word has any other non-ASCII character: its
 * lower case and fold() are not simple per-character maps there (the Kelvin
 * sign lower-cases to "k", "İ" to two characters), so the caller falls back
 * to the string path.
 */
export function wordHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let k = start; k < end; k++) {
    let c = text.charCodeAt(k);
    if (c >= 0x80) {
      if (c !== 0x2019) return -1;
      c = 39;
    } else if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h & 0x3fffffff; // a small integer: no heap number
}

/**
 * ASCII words mapped to small integers (bit flags), in an open-addressing
 * table built once: get() compares character codes against the stored word,
 * so a lookup makes no string. Words with other characters are left out;
 * they are looked up by the string path (see wordHash).
 */
export class WordTable {
  private readonly mask: number;
  /** Per slot: the key's index + 1 (0: empty), its hash, its value. */
  private readonly slot: Int32Array;
  private readonly hash: Int32Array;
  private readonly value: Int32Array;
  /** The keys' characters, one after another. */
  private readonly chars: Uint8Array;
  private readonly at: Int32Array;

  constructor(entries: ReadonlyMap<string, number>) {
    // Only words a lookup can find: ASCII, lower case, "'" rather than "’".
    const keys = [...entries.keys()].filter(
      (w) => wordHash(w, 0, w.length) >= 0 && !w.includes("\u2019") && w === w.toLowerCase(),
    );
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.slot = new Int32Array(size);
    this.hash = new Int32Array(size);
    this.value = new Int32Array(size);
    this.at = new Int32Array(keys.length + 1);
    let n = 0;
    for (const k of keys) n += k.length;
    this.chars = new Uint8Array(n);
    let p = 0;
    keys.forEach((k, i) => {
      this.at[i] = p;
      for (let j = 0; j < k.length; j++) this.chars[p++] = k.charCodeAt(j);
      const h = wordHash(k, 0, k.length);
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
