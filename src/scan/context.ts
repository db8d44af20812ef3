// The words right before a candidate name, read backwards by hand (a regex
// anchored at "$" would be tried at every one of the 40 characters before
// it, for every candidate). The words are looked up where they stand, by a
// hash of their characters (see WordTable): no string is made for them.

import { WordTable, wordHash } from "./lexicon/index.ts";

export interface Context {
  /** The flags (see CueBook) of the word right before, lower case (0 at the start of the text). */
  w1: number;
  /** The flags of the two words before, "w2 w1" (only when nothing but spaces separates them). */
  w2: number;
  /** The flags of the three words before. */
  w3: number;
  /**
   * Punctuation between w1 and the run, spaces removed: NO_SEP for none,
   * its character code for one UTF-16 unit (",", ":", "."...), -2 for more.
   */
  sep: number;
  /** Nothing or ".!?:;\"(" and a line break before the run. */
  sentenceStart: boolean;
  /** The run starts a line. */
  lineStart: boolean;
  /** A dash before the run: "thanks - Anna". */
  dash: boolean;
}

/** Context.sep when there is no punctuation. */
export const NO_SEP = -1;

const isWordChar = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  c === 39 ||
  c === 0x2019 ||
  c === 47 ||
  c === 45 ||
  (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x206f));
const isSpace = (c: number) => c === 32 || c === 0xa0 || c === 9;

// Cue words get ids below 1024, so that a phrase of up to three words is one
// small integer: ((id3 * 1024) + id2) * 1024 + id1.
const ID_BITS = 10;

/**
 * Phrase lists as flags: each list is one bit, and a phrase ("my name is")
 * has the bits of the lists that hold it. Built once from the lists.
 */
export class CueBook {
  /** ASCII cue words: their id. */
  private readonly table: WordTable;
  /**
   * Every cue word by its lower case with "’" as "'": their id, for words
   * of the text with non-ASCII characters ("olá", "зовут"; also the Kelvin
   * sign, whose lower case is "k").
   */
  private readonly all: ReadonlyMap<string, number>;
  /** One-word phrases: flags by id. */
  private readonly single: Int32Array;
  /** Phrases of two and three words: flags by their ids. */
  private readonly multi = new Map<number, number>();

  /** `lists[k]` holds the phrases (words separated by one space) of flag 1 << k. */
  constructor(lists: readonly (readonly string[])[]) {
    const ids = new Map<string, number>();
    const id = (w: string) => {
      let n = ids.get(w);
      if (n === undefined) {
        n = ids.size + 1;
        if (n >= 1 << ID_BITS) throw new Error("CueBook: too many cue words");
        ids.set(w, n);
      }
      return n;
    };
    const single = new Map<number, number>();
    lists.forEach((list, k) => {
      for (const p of list) {
        const key = p
          .split(" ")
          .map(id)
          .reduce((a, n) => (a << ID_BITS) | n, 0);
        const m = key < 1 << ID_BITS ? single : this.multi;
        m.set(key, (m.get(key) ?? 0) | (1 << k));
      }
    });
    this.table = new WordTable(ids);
    this.all = ids;
    this.single = new Int32Array(ids.size + 1);
    for (const [n, f] of single) this.single[n] = f;
  }

  /** The id of the word text[start, end) (0: in no phrase). */
  id(text: string, start: number, end: number): number {
    const h = wordHash(text, start, end);
    if (h >= 0) return this.table.get(h, text, start, end);
    // Other characters: the string path, as the phrases are written.
    let w = text.slice(start, end).toLowerCase();
    if (w.includes("\u2019")) w = w.replace(/\u2019/g, "'");
    return this.all.get(w) ?? 0;
  }

  flags1(id: number): number {
    return this.single[id] as number;
  }
  flags(key: number): number {
    return this.multi.get(key) ?? 0;
  }
}

// The result, reused for every candidate (the caller reads it before the next call).
const ctx: Context = { w1: 0, w2: 0, w3: 0, sep: NO_SEP, sentenceStart: false, lineStart: false, dash: false };

export function context(text: string, at: number, book: CueBook): Context {
  let i = at - 1;
  let sep = NO_SEP; // the punctuation, without spaces and line breaks (see Context)
  let lineStart = false;
  let stop = false; // ".!?:;\"“(" or a line break among it
  let dash = false;
  // punctuation and spaces right before the run
  while (i >= 0 && at - i < 12) {
    const c = text.charCodeAt(i);
    if (isWordChar(c) && !(c === 45 && i > 0 && isSpace(text.charCodeAt(i - 1)))) break;
    if (c === 10) {
      lineStart ||= sep === NO_SEP && !stop;
      stop = true;
    } else if (!isSpace(c)) {
      if (sep === NO_SEP) {
        dash = c === 45 || c === 0x2013 || c === 0x2014 || c === 126;
        sep = c;
      } else sep = -2;
      stop ||= c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 34 || c === 0x201c || c === 40;
    }
    i--;
  }
  // Up to three words back, as long as each is a cue word (a phrase holds
  // only cue words: past a word that is none, no phrase can match).
  let words = 0;
  let key = 0;
  ctx.w1 = ctx.w2 = ctx.w3 = 0;
  while (words < 3 && i >= 0) {
    const e = i + 1;
    while (i >= 0 && isWordChar(text.charCodeAt(i))) i--;
    if (e - i - 1 === 0) break;
    words++;
    const id = book.id(text, i + 1, e);
    if (id === 0) break;
    key |= id << (ID_BITS * (words - 1));
    if (words === 1) ctx.w1 = book.flags1(id);
    else if (words === 2) ctx.w2 = book.flags(key);
    else ctx.w3 = book.flags(key);
    // only spaces may separate the words of a cue phrase
    let j = i;
    while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
    if (j === i || (j >= 0 && !isWordChar(text.charCodeAt(j)))) break;
    i = j;
  }
  ctx.sep = sep;
  ctx.sentenceStart = words === 0 || stop;
  ctx.lineStart = lineStart || at === 0;
  ctx.dash = dash;
  return ctx;
}
