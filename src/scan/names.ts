// NAME guesses: person names that are not known values. A run of
// capitalised words is a name when a cue says so ("my name is", "Mr",
// "Hi ...,", "my colleague ...", "... called", a signature line) or, without
// a cue, when the lexicon does (a given name followed by a surname-like word;
// a lone given name in mid-sentence that is not also an ordinary word).
// Lower-case names and scripts without capitals (Han, Arabic, Hebrew,
// Hangul...) need a cue; see cued.ts. Precision comes first: "the Samsung
// Galaxy arrived in Paris on Monday" must come out intact, so ordinary
// words, places, brands, days and months never count as name evidence, and
// a run after "the", "my", "in" or "from" is not a name unless a cue says so.

import type { Context } from "./context.ts";
import { CueBook, context, NO_SEP } from "./context.ts";
import { findCuedUncased } from "./cued.ts";
import type { Lexicon } from "./lexicon/index.ts";
import { fold, lexicon, WordTable, wordHash } from "./lexicon/index.ts";
import { NOT_NAMES, TITLES } from "./lexicon/stop.ts";
import type { Span } from "./types.ts";

// A capitalised word: upper-case first, lower-case last ("Anna", "O'Brien",
// "McDonald", "Jean-Luc", "Łukasz", "Иван"), or an initial "J.".
const CAPW = "\\p{Lu}(?:['\u2019]\\p{Lu})?[\\p{L}\\p{M}\\-]{0,24}[\\p{Ll}\\p{M}]";
const PARTICLE = "(?:van|von|de|der|den|da|di|del|della|dos|das|do|du|le|la|los|las|ter|ten|bin|ibn|al|zu|y|e)";
const S = "[ \u00a0]";
const NEXT = `${S}(?:${PARTICLE}${S}){0,2}(?:${CAPW}|\\p{Lu}\\.(?=${S}\\p{Lu}))`;
// Sticky: tried only at the candidates CAND finds.
const RUN = new RegExp(`${CAPW}(?:${NEXT}){0,4}(?![\\p{L}\\p{M}\\p{N}_@])`, "uy");
// Candidate starts, found in one native regex pass so that the everyday
// capitals of chat ("Thanks for waiting", "I'm sorry") cost no JavaScript:
// a capital that starts a word (not after "@", ".", "'" or "-") and
//  - follows a lower-case word, a digit or ",;:)-" and a space (mid-sentence), or
//  - starts two capitalised words ("Maria Lopez called", "Hi Anna"), or
//  - stands alone on its line (a signature) or before "here", "called"...
const AFTER_WORDS =
  "here|speaking|again|called|phoned|rang|said|says|wrote|asked|wants|emailed|texted|mentioned|confirmed|complained|reported|ordered";
// The lookahead after the capital is CAPW's own ending: where no capitalised
// word can start ("I", "I'll", "ORD-1", "USD"; two candidates in three in
// chat), RUN would fail, so the regex moves on by itself instead of
// returning to JavaScript for each.
// The last two cases read the whole word first, once and without giving any
// of it back ("(?=(X*))\1": a look-ahead is never re-entered): all they
// can match next (".", a space, a comma, "!", a line break, the end) is no
// word character, so a shorter word could not match, and backtracking over
// it letter by letter (as two look-aheads with "X*" did) cost about 10 % of
// this regex's instructions.
const CAND = new RegExp(
  `\\p{Lu}(?<![\\p{L}\\p{M}\\p{N}_@.'\u2019\\-]\\p{Lu})(?=['\u2019]\\p{Lu}|[\\p{L}\\p{M}\\-]{0,24}[\\p{Ll}\\p{M}])(?:` +
    `(?<=[\\p{Ll}\\p{M}\\p{N},;:)\\-\u2013\u2014"\u201c'][ \u00a0]\\p{Lu})` +
    `|(?=(?=([\\p{L}\\p{M}'\u2019\\-]*))\\1(?:` +
    `\\.?${S}(?:${PARTICLE}${S}){0,2}\\p{Lu}` +
    `|[ \\t.,!]*(?:\\n|$)|[ \u00a0,]+(?:${AFTER_WORDS})\\b)))`,
  "gu",
);

// Cues right before a run, as the (lower-case) words before it: w1 is the
// word right before, "w2 w1" the two words, "w3 w2 w1" three; `sep` is the
// punctuation between w1 and the run. Table lookups, no regex and no
// string: this runs for every candidate. See context.ts. Each list is a
// flag of the CueBook below.
// Strong: whatever capitalised words follow are a name.
const STRONG = list(
  "my name is|name is|my name's|name's|am called|m'appelle|llamo|nombre es|name ist|heiße|heisse|chiamo|" +
    "nome é|chamo|naam is|nazywam się|jmenuji se|adım|зовут|звати",
);
// Medium: the run is a name if its first word could be one (not an ordinary word).
const MEDIUM = list(
  "hi|hello|hey|dear|hiya|morning|bonjour|salut|hola|hallo|ciao|olá|hej|hei|cześć|merhaba|ahoj|thanks|thank you|" +
    "thx|cheers|regards|best|sincerely|yours|bye|i'm|im|i am|this is|it's|its|it is|je suis|ich bin|soy|sono|sou|ik ben|jestem|" +
    "ask|tell|thank|remind|ping|email|message|colleague|coworker|co-worker|wife|husband|partner|son|daughter|mother|father|mom|" +
    "mum|dad|brother|sister|friend|neighbour|neighbor|boss|manager|landlord|landlady|tenant|flatmate|roommate|lawyer|assistant|" +
    "supervisor|technician|courier|nurse|aunt|uncle|cousin|grandma|grandpa|fiancé|fiancée|fiance|girlfriend|boyfriend|spouse|" +
    "nephew|niece|named|called|spoke with|spoke to|speak with|speak to|talk to|talk with|talked to|talked with|ask for|asked for|" +
    "behalf of|c/o|attn|signed by|assigned to|handled by|approved by",
);
// ... and field labels before a colon ("Contact person: ...").
const LABELS = list(
  "name|full name|requester|contact|contact person|person|caller|cardholder|card holder|account holder|" +
    "recipient|sender|from|to|cc|passenger|guest|patient|applicant|employee|customer|client|agent",
);
// Weak: the run may be a name even if no word is in the lexicon, when it has
// two or more words, none of them ordinary ("belongs to Dildâr Demirbaş").
const WEAK = list(
  "by|for|with|and|or|cc|belongs to|deliver to|delivered to|send to|sent to|ship to|forward to|addressed to|" +
    "reply to|give to|hand to|send it to|ship it to|forward it to|forward this to|give it to|hand it to|introduce you to",
);
// Not a name without a strong cue: a place ("in Paris", "from Lyon") or a
// thing ("the Galaxy", "my Mazda").
const PLACE_PREP = list(
  "in|at|to|from|near|via|into|visit|visiting|towards|around|outside|inside|of|en|à|au|nach|aus|bei|im|" +
    "in der|a|da|em|na|no|w|z|ve",
);
const DETERMINER = list(
  "the|a|an|my|your|our|their|his|her|its|this|that|these|those|le|la|les|un|une|el|los|las|der|die|" +
    "das|den|dem|ein|eine|il|lo|gli|una|het|een",
);
// The cue lists as flags of the words before a run (Context.w1, w2, w3).
const C_STRONG = 1;
const C_MEDIUM = 2;
const C_LABEL = 4;
const C_WEAK = 8;
const C_PLACE = 16;
const C_DET = 32;
const C_TITLE = 64;
const BOOK = new CueBook([STRONG, MEDIUM, LABELS, WEAK, PLACE_PREP, DETERMINER, [...TITLES]]);

const DET_WORDS = [
  "the",
  "my",
  "your",
  "our",
  "their",
  "his",
  "her",
  "its",
  "this",
  "that",
  "these",
  "those",
  "a",
  "an",
];
// ... or right after it: "Anna here", "Tom speaking", "Maria called".
const AFTER = list(AFTER_WORDS);
const PARTICLES = list(PARTICLE.slice(3, -1));

// What a word of the text is, as flags: one table lookup answers every
// lexicon test on it (see wordFlags).
const GIVEN = 1;
const SURNAME = 2;
const COMMON = 4;
const NOT_NAME = 8;
const TITLE = 16;
const DET_WORD = 32;
const IS_PARTICLE = 64;
const IS_AFTER = 128;
const NAME = GIVEN | SURNAME;
const ORDINARY = COMMON | NOT_NAME;

/** The lexicon and the word lists above as one WordTable, built on first use with the lexicon. */
let words: WordTable | null = null;
function wordTable(lex: Lexicon): WordTable {
  if (words) return words;
  const flags = new Map<string, number>();
  const add = (ws: Iterable<string>, f: number) => {
    for (const w of ws) flags.set(w, (flags.get(w) ?? 0) | f);
  };
  add(lex.given, GIVEN);
  add(lex.surnames, SURNAME);
  add(lex.common, COMMON);
  add(NOT_NAMES, NOT_NAME);
  add(TITLES, TITLE);
  add(DET_WORDS, DET_WORD);
  add(PARTICLES, IS_PARTICLE);
  add(AFTER, IS_AFTER);
  words = new WordTable(flags);
  return words;
}
const DET_SET: ReadonlySet<string> = new Set(DET_WORDS);

/**
 * The flags of text[start, end) as a word of a run: lower case with "’" as
 * "'" (`w`), folded for the name lists (`f`). By the table for ASCII words;
 * the Sets, with the strings made, for the others (a lookup of Latin words
 * by the table measured no faster: see wordHash).
 */
function wordFlags(text: string, start: number, end: number, lex: Lexicon, table: WordTable): number {
  const h = wordHash(text, start, end);
  if (h >= 0) return table.get(h, text, start, end);
  let w = text.slice(start, end).toLowerCase();
  if (w.includes("\u2019")) w = w.replace(/\u2019/g, "'");
  const f = fold(w);
  return (
    (lex.given.has(f) ? GIVEN : 0) |
    (lex.surnames.has(f) ? SURNAME : 0) |
    (lex.common.has(w) ? COMMON : 0) |
    (NOT_NAMES.has(w) ? NOT_NAME : 0) |
    (TITLES.has(w) ? TITLE : 0) |
    (DET_SET.has(w) ? DET_WORD : 0)
  );
}

// What follows a name, read by hand in text[from, to) (the 14 characters
// after it: the end of that slice counts as the end of the text, as it did
// for the regexes these replace). Each regex exec costs ~0.3 µs before it
// reads a character; these loops cost a few ns.
/** `^[ \u00a0,]+(?:here|called|…)\b` ("i" flag, not unicode: ASCII case folding). */
function afterWord(text: string, from: number, to: number, table: WordTable): boolean {
  let p = from;
  while (p < to && isSpaceComma(text.charCodeAt(p))) p++;
  if (p === from) return false;
  const w = p;
  while (p < to && isAsciiLetter(text.charCodeAt(p))) p++;
  if (p === w) return false;
  if (p < to) {
    const c = text.charCodeAt(p);
    if ((c >= 48 && c <= 57) || c === 95) return false; // no word boundary: "here1", "here_"
  }
  // ASCII letters only: wordHash is their lower case
  return (table.get(wordHash(text, w, p), text, w, p) & IS_AFTER) !== 0;
}
/** `^[\s.!]*$` */
function atEnd(text: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c !== 46 && c !== 33 && !isJsSpace(c)) return false;
  }
  return true;
}
/** `^[ \t.,!]*(?:\n|$)` */
function lineEnds(text: string, from: number, to: number): boolean {
  let p = from;
  for (; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 9 && c !== 46 && c !== 44 && c !== 33) break;
  }
  return p === to || text.charCodeAt(p) === 10;
}
const isSpaceComma = (c: number) => c === 32 || c === 0xa0 || c === 44;
const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** JavaScript's `\s`. */
const isJsSpace = (c: number) =>
  (c >= 9 && c <= 13) ||
  c === 32 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

function list(words: string): string[] {
  return words.split("|");
}
/** One of the last one, two or three words before the run is in the list of flag `f`. */
const has = (f: number, c: Context) => ((c.w1 | c.w2 | c.w3) & f) !== 0;

/** A word of the run: where it is, its flags (GIVEN...), whether it is an initial ("J."). */
interface Word {
  start: number;
  end: number;
  flags: number;
  init: boolean;
}

/** Append NAME guesses in `text` to `out`, in text order. */
export function findNames(text: string, out: Span[]): void {
  const lex = lexicon();
  const table = wordTable(lex);
  const from = out.length; // straight into `out`: no array per message
  // test() rather than exec(): no match arrays to allocate and collect.
  CAND.lastIndex = 0;
  while (CAND.test(text)) {
    const i = CAND.lastIndex - (isLowSurrogate(text.charCodeAt(CAND.lastIndex - 1)) ? 2 : 1);
    if (noCapitalisedWord(text, i) || ordinaryAlone(text, i, lex, table)) continue;
    RUN.lastIndex = i;
    if (!RUN.test(text)) continue;
    const runEnd = RUN.lastIndex;
    if (decide(text, splitRun(text, i, runEnd, lex, table), table)) {
      const start = (run[kept.from] as Word).start;
      const end = (run[kept.to - 1] as Word).end;
      out.push({ start, end, kind: "NAME", value: text.slice(start, end) });
    }
    CAND.lastIndex = runEnd;
  }
  findCuedUncased(text, out, lex);
  if (out.length - from > 1) {
    const mine = out.splice(from).sort((a, b) => a.start - b.start);
    for (const s of mine) out.push(s);
  }
}

/**
 * Fast path: RUN cannot match at `i`, as no capitalised word starts there: a
 * capital not followed by a lower-case letter among its letters ("I", "I'll",
 * "ORD-1", "USD"). Two candidates in three in chat. ASCII only; for anything
 * else RUN decides.
 */
function noCapitalisedWord(text: string, i: number): boolean {
  let j = i + 1;
  let c = text.charCodeAt(j);
  if (c === 39 || c === 0x2019) {
    // "O'Brien" (or a non-ASCII letter after the apostrophe) may be one
    const d = text.charCodeAt(j + 1);
    return d < 0x80 && !(d >= 65 && d <= 90);
  }
  for (;;) {
    if ((c >= 97 && c <= 122) || c >= 0x80) return false;
    if (!((c >= 65 && c <= 90) || c === 45)) return true; // the letters (and "-") end without a lower-case one
    c = text.charCodeAt(++j);
  }
}

/**
 * Fast path: an ordinary word ("Monday", "Thanks") not followed by another
 * capitalised word is no name, whatever the cue. Saves the regex and the
 * context for most candidates.
 */
function ordinaryAlone(text: string, i: number, lex: Lexicon, table: WordTable): boolean {
  let j = i + 1;
  for (let c = text.charCodeAt(j); (c >= 97 && c <= 122) || (c >= 65 && c <= 90); c = text.charCodeAt(++j));
  const c = text.charCodeAt(j);
  if (c >= 0xc0 || c === 39 || c === 0x2019 || c === 45) return false; // non-ASCII or compound: the slow path decides
  if ((c === 32 || c === 0xa0) && wordFollows(text, j + 1, table)) return false;
  // text[i] may be a non-ASCII capital: wordHash is then -1, and the string path decides
  const h = wordHash(text, i, j);
  if (h >= 0) return (table.get(h, text, i, j) & ORDINARY) !== 0;
  const w = text.slice(i, j).toLowerCase();
  return lex.common.has(w) || NOT_NAMES.has(w);
}
/**
 * After the space at k - 1: a capital, a non-ASCII character, or a particle
 * ("de", "van") as written up to the next " " (to the text's last character
 * but one when there is none, as the slice this replaces did).
 */
function wordFollows(text: string, k: number, table: WordTable): boolean {
  const d = text.charCodeAt(k);
  if ((d >= 65 && d <= 90) || d >= 0xc0) return true;
  if (!(d >= 97 && d <= 122)) return false;
  let e = text.indexOf(" ", k);
  if (e < 0) e = text.length - 1;
  if (e - k < 1 || e - k > 5) return false; // the particles have 1 to 5 letters
  // The particles are lower case: a word with a capital is none, whatever its lower case.
  for (let p = k; p < e; p++) {
    const c = text.charCodeAt(p);
    if (!(c >= 97 && c <= 122)) return false;
  }
  return (table.get(wordHash(text, k, e), text, k, e) & IS_PARTICLE) !== 0;
}
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const LOWER_START = /^\p{Ll}/u;

// The words of the current run, reused from one candidate to the next (RUN
// has at most five capitalised words or initials).
const run: Word[] = [];
// The words decide() keeps: run[from, to).
const kept = { from: 0, to: 0 };

/** Split the run text[from, to) on spaces into `run`, skipping lower-case particles; returns the count. */
function splitRun(text: string, from: number, to: number, lex: Lexicon, table: WordTable): number {
  let n = 0;
  let s = from;
  for (let k = from; k <= to; k++) {
    const c = k < to ? text.charCodeAt(k) : 32;
    if (c !== 32 && c !== 0xa0) continue;
    if (k > s) {
      const c0 = text.charCodeAt(s);
      const particle = (c0 >= 97 && c0 <= 122) || (c0 >= 0xc0 && LOWER_START.test(text.slice(s, k)));
      if (!particle) {
        let w = run[n];
        if (w === undefined) {
          w = { start: 0, end: 0, flags: 0, init: false };
          run.push(w);
        }
        w.start = s;
        w.end = k;
        w.flags = wordFlags(text, s, k, lex, table);
        w.init = text.charCodeAt(k - 1) === 46; // "J."
        n++;
      }
    }
    s = k + 1;
  }
  return n;
}

// Lexicon tests on a word of the run.
const isGiven = (w: Word) => (w.flags & GIVEN) !== 0;
const isSurname = (w: Word) => (w.flags & SURNAME) !== 0;
const isName = (w: Word) => (w.flags & NAME) !== 0;
const notName = (w: Word) => (w.flags & NOT_NAME) !== 0;
const ordinary = (w: Word) => (w.flags & ORDINARY) !== 0;
/** The run's last word (of the first k) stays: a surname after a given name that is not an ordinary word. */
function keepLast(k: number): boolean {
  const w = run[k - 1] as Word;
  const prev = k >= 2 ? (run[k - 2] as Word) : undefined;
  return !w.init && !notName(w) && isSurname(w) && prev !== undefined && isGiven(prev) && !ordinary(prev);
}

/** Whether the run's first n words hold a name; if so, sets `kept` to its words. */
function decide(text: string, n: number, table: WordTable): boolean {
  // Trailing ordinary words ("Anna Thanks") and initials are not the name,
  // but a surname that is also a word stays after a given name ("Joanne White").
  let end = n;
  while (end > 0 && ((run[end - 1] as Word).init || ordinary(run[end - 1] as Word)) && !keepLast(end)) end--;
  // Leading ordinary words ("Hi", "Dear", "Ask", "Mr") are context, except a
  // given name that is also a word before a surname ("Grace Hopper").
  let i = 0;
  while (
    i < end - 1 &&
    ordinary(run[i] as Word) &&
    !(
      isGiven(run[i] as Word) &&
      !notName(run[i] as Word) &&
      ((run[i] as Word).flags & DET_WORD) === 0 &&
      !ordinary(run[i + 1] as Word)
    )
  )
    i++;
  // The name is run[i, end) (the core), after the lead run[0, i).
  if (i >= end) return false;
  kept.from = i;
  kept.to = end;
  const head = run[i] as Word;
  const last = run[end - 1] as Word;
  const c = context(text, head.start, BOOK);
  const noSep = c.sep === NO_SEP;
  // what follows the name itself (a trimmed "Thanks" after it counts)
  const tailAt = last.end;
  const afterEnd = Math.min(text.length, tailAt + 14);
  if ((has(C_STRONG, c) && (noSep || c.sep === 58)) || ((c.w1 & C_TITLE) !== 0 && (noSep || c.sep === 46))) {
    return !(notName(head) && !isGiven(head));
  }
  // "São Paulo", "My Mazda", "the Galaxy": a place head, brand or determiner spoils the run.
  for (let k = 0; k < i; k++) {
    const f = (run[k] as Word).flags;
    if (((f & NOT_NAME) !== 0 && (f & TITLE) === 0) || (f & DET_WORD) !== 0) return false;
  }
  if (noSep && (c.w1 & C_DET) !== 0) return false;
  const multi = end - i >= 2 && isGiven(head) && !notName(last);
  if (!multi) {
    for (let k = i; k < end; k++) if (notName(run[k] as Word) || (run[k] as Word).init) return false;
  }
  const cued =
    (has(C_MEDIUM, c) && (noSep || c.sep === 44 || c.sep === 33)) || // "" "," "!"
    (c.sep === 58 && has(C_LABEL, c)) || // ":"
    (c.dash && atEnd(text, tailAt, afterEnd)) ||
    afterWord(text, tailAt, afterEnd, table) ||
    (c.lineStart && lineEnds(text, tailAt, afterEnd));
  if (cued && (isName(head) || !ordinary(head))) return true;
  const weak = noSep && has(C_WEAK, c);
  if (!weak && noSep && ((c.w1 | c.w2) & C_PLACE) !== 0) return false;
  if (end - i >= 2) {
    for (let k = i + 1; k < end; k++) if (ordinary(run[k] as Word) && !keepLast(end)) return false;
    // No cue: "Trenton Zieme" (a given name first). After "by", "for", "and"...
    // also "Kaelyn Marvin" and two unknown words ("Dildâr Demirbaş").
    if (isGiven(head)) return true;
    if (weak && !ordinary(head)) return true;
    return (isSurname(last) || isGiven(last)) && isName(head) && !ordinary(head);
  }
  // A lone given name mid-sentence: "please ask Aaliyah to call".
  return !(!isGiven(head) || ordinary(head) || (i === 0 && c.sentenceStart));
}
