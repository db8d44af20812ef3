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

import type { Context, PhraseEnds } from "./context.ts";
import { context } from "./context.ts";
import { findCuedUncased } from "./cued.ts";
import type { Lexicon } from "./lexicon/index.ts";
import { fold, lexicon } from "./lexicon/index.ts";
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
const CAND = new RegExp(
  `\\p{Lu}(?<![\\p{L}\\p{M}\\p{N}_@.'\u2019\\-]\\p{Lu})(?=['\u2019]\\p{Lu}|[\\p{L}\\p{M}\\-]{0,24}[\\p{Ll}\\p{M}])(?:` +
    `(?<=[\\p{Ll}\\p{M}\\p{N},;:)\\-\u2013\u2014"\u201c'][ \u00a0]\\p{Lu})` +
    `|(?=[\\p{L}\\p{M}'\u2019\\-]*\\.?${S}(?:${PARTICLE}${S}){0,2}\\p{Lu})` +
    `|(?=[\\p{L}\\p{M}'\u2019\\-]*(?:[ \\t.,!]*(?:\\n|$)|[ \u00a0,]+(?:${AFTER_WORDS})\\b)))`,
  "gu",
);

// Cues right before a run, as the (lower-case) words before it: w1 is the
// word right before, "w2 w1" the two words, "w3 w2 w1" three; `sep` is the
// punctuation between w1 and the run. Set lookups, no regex: this runs for
// every candidate. See context.ts.
// Strong: whatever capitalised words follow are a name.
const STRONG = set(
  "my name is|name is|my name's|name's|am called|m'appelle|llamo|nombre es|name ist|heiße|heisse|chiamo|" +
    "nome é|chamo|naam is|nazywam się|jmenuji se|adım|зовут|звати",
);
// Medium: the run is a name if its first word could be one (not an ordinary word).
const MEDIUM = set(
  "hi|hello|hey|dear|hiya|morning|bonjour|salut|hola|hallo|ciao|olá|hej|hei|cześć|merhaba|ahoj|thanks|thank you|" +
    "thx|cheers|regards|best|sincerely|yours|bye|i'm|im|i am|this is|it's|its|it is|je suis|ich bin|soy|sono|sou|ik ben|jestem|" +
    "ask|tell|thank|remind|ping|email|message|colleague|coworker|co-worker|wife|husband|partner|son|daughter|mother|father|mom|" +
    "mum|dad|brother|sister|friend|neighbour|neighbor|boss|manager|landlord|landlady|tenant|flatmate|roommate|lawyer|assistant|" +
    "supervisor|technician|courier|nurse|aunt|uncle|cousin|grandma|grandpa|fiancé|fiancée|fiance|girlfriend|boyfriend|spouse|" +
    "nephew|niece|named|called|spoke with|spoke to|speak with|speak to|talk to|talk with|talked to|talked with|ask for|asked for|" +
    "behalf of|c/o|attn|signed by|assigned to|handled by|approved by",
);
// ... and field labels before a colon ("Contact person: ...").
const LABELS = set(
  "name|full name|requester|contact|contact person|person|caller|cardholder|card holder|account holder|" +
    "recipient|sender|from|to|cc|passenger|guest|patient|applicant|employee|customer|client|agent",
);
// Weak: the run may be a name even if no word is in the lexicon, when it has
// two or more words, none of them ordinary ("belongs to Dildâr Demirbaş").
const WEAK = set(
  "by|for|with|and|or|cc|belongs to|deliver to|delivered to|send to|sent to|ship to|forward to|addressed to|" +
    "reply to|give to|hand to|send it to|ship it to|forward it to|forward this to|give it to|hand it to|introduce you to",
);
// Not a name without a strong cue: a place ("in Paris", "from Lyon") or a
// thing ("the Galaxy", "my Mazda").
const PLACE_PREP = set(
  "in|at|to|from|near|via|into|visit|visiting|towards|around|outside|inside|of|en|à|au|nach|aus|bei|im|" +
    "in der|a|da|em|na|no|w|z|ve",
);
const DETERMINER = set(
  "the|a|an|my|your|our|their|his|her|its|this|that|these|those|le|la|les|un|une|el|los|las|der|die|" +
    "das|den|dem|ein|eine|il|lo|gli|una|het|een",
);
const DET_WORDS = new Set([
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
]);
// ... or right after it: "Anna here", "Tom speaking", "Maria called".
const AFTER: ReadonlySet<string> = set(AFTER_WORDS);

// What follows a name, read by hand in text[from, to) (the 14 characters
// after it: the end of that slice counts as the end of the text, as it did
// for the regexes these replace). Each regex exec costs ~0.3 µs before it
// reads a character; these loops cost a few ns.
/** `^[ \u00a0,]+(?:here|called|…)\b` ("i" flag, not unicode: ASCII case folding). */
function afterWord(text: string, from: number, to: number): boolean {
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
  return AFTER.has(text.slice(w, p).toLowerCase());
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

// The ends of the phrases looked up as w2 and w3 (see context.ts).
const PHRASE_ENDS: PhraseEnds = (() => {
  const two = new Set<string>();
  const three = new Set<string>();
  for (const list of [STRONG, MEDIUM, LABELS, WEAK, PLACE_PREP]) {
    for (const p of list) {
      const w = p.split(" ");
      if (w.length >= 2) two.add(w[w.length - 1] as string);
      if (w.length >= 3) three.add(w.slice(-2).join(" "));
    }
  }
  return { two, three };
})();

function set(words: string): ReadonlySet<string> {
  return new Set(words.split("|"));
}
/** One of the last one, two or three words before the run is in `s`. */
const has = (s: ReadonlySet<string>, c: Context) => s.has(c.w1) || s.has(c.w2) || s.has(c.w3);

interface Word {
  start: number;
  end: number;
  w: string;
  f: string;
  init: boolean;
}

/** Append NAME guesses in `text` to `out`, in text order. */
export function findNames(text: string, out: Span[]): void {
  const lex = lexicon();
  const from = out.length; // straight into `out`: no array per message
  // test() rather than exec(): no match arrays to allocate and collect.
  CAND.lastIndex = 0;
  while (CAND.test(text)) {
    const i = CAND.lastIndex - (isLowSurrogate(text.charCodeAt(CAND.lastIndex - 1)) ? 2 : 1);
    if (noCapitalisedWord(text, i) || ordinaryAlone(text, i, lex)) continue;
    RUN.lastIndex = i;
    if (!RUN.test(text)) continue;
    const runEnd = RUN.lastIndex;
    const keep = decide(text, splitRun(text, i, runEnd), lex);
    if (keep) out.push({ start: keep.start, end: keep.end, kind: "NAME", value: text.slice(keep.start, keep.end) });
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
function ordinaryAlone(text: string, i: number, lex: Lexicon): boolean {
  let j = i + 1;
  for (let c = text.charCodeAt(j); (c >= 97 && c <= 122) || (c >= 65 && c <= 90); c = text.charCodeAt(++j));
  const c = text.charCodeAt(j);
  if (c >= 0xc0 || c === 39 || c === 0x2019 || c === 45) return false; // non-ASCII or compound: the slow path decides
  if (c === 32 || c === 0xa0) {
    const d = text.charCodeAt(j + 1);
    if (
      (d >= 65 && d <= 90) ||
      d >= 0xc0 ||
      (d >= 97 && d <= 122 && PARTICLES.has(text.slice(j + 1, text.indexOf(" ", j + 1))))
    )
      return false;
  }
  const w = text.slice(i, j).toLowerCase();
  return lex.common.has(w) || NOT_NAMES.has(w);
}
const PARTICLES = new Set(PARTICLE.slice(3, -1).split("|"));
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const LOWER_START = /^\p{Ll}/u;

/** The words of the run text[from, to), split on spaces; lower-case particles are skipped. */
function splitRun(text: string, from: number, to: number): Word[] {
  const out: Word[] = [];
  let s = from;
  for (let k = from; k <= to; k++) {
    const c = k < to ? text.charCodeAt(k) : 32;
    if (c !== 32 && c !== 0xa0) continue;
    if (k > s) {
      const w = text.slice(s, k);
      const c0 = w.charCodeAt(0);
      const particle = (c0 >= 97 && c0 <= 122) || (c0 >= 0xc0 && LOWER_START.test(w));
      if (!particle) {
        let lw = w.toLowerCase();
        if (lw.includes("\u2019")) lw = lw.replace(/\u2019/g, "'");
        out.push({ start: s, end: k, w: lw, f: fold(lw), init: w.endsWith(".") });
      }
    }
    s = k + 1;
  }
  return out;
}

const span = (ws: Word[]) => ({ start: (ws[0] as Word).start, end: (ws[ws.length - 1] as Word).end });

// Lexicon tests on a word of the run (module functions, not closures made
// afresh for every candidate).
let lx: Lexicon = { given: new Set(), surnames: new Set(), common: new Set() };
const isGiven = (w: Word) => lx.given.has(w.f);
const isSurname = (w: Word) => lx.surnames.has(w.f);
const isName = (w: Word) => isGiven(w) || isSurname(w);
const notName = (w: Word) => NOT_NAMES.has(w.w);
const ordinary = (w: Word) => lx.common.has(w.w) || notName(w);
/** The run's last word (of the first k) stays: a surname after a given name that is not an ordinary word. */
function keepLast(words: Word[], k: number): boolean {
  const w = words[k - 1] as Word;
  const prev = words[k - 2];
  return !w.init && !notName(w) && isSurname(w) && prev !== undefined && isGiven(prev) && !ordinary(prev);
}

function decide(text: string, words: Word[], lex: Lexicon): { start: number; end: number } | null {
  lx = lex;
  // Trailing ordinary words ("Anna Thanks") and initials are not the name,
  // but a surname that is also a word stays after a given name ("Joanne White").
  let end = words.length;
  while (end > 0 && ((words[end - 1] as Word).init || ordinary(words[end - 1] as Word)) && !keepLast(words, end)) end--;
  // Leading ordinary words ("Hi", "Dear", "Ask", "Mr") are context, except a
  // given name that is also a word before a surname ("Grace Hopper").
  let i = 0;
  while (
    i < end - 1 &&
    ordinary(words[i] as Word) &&
    !(
      isGiven(words[i] as Word) &&
      !notName(words[i] as Word) &&
      DET_WORDS.has((words[i] as Word).w) === false &&
      !ordinary(words[i + 1] as Word)
    )
  )
    i++;
  const core = words.slice(i, end);
  const head = core[0];
  if (!head) return null;
  const lead = words.slice(0, i);
  const c = context(text, head.start, PHRASE_ENDS);
  // what follows the name itself (a trimmed "Thanks" after it counts)
  const tailAt = (core[core.length - 1] as Word).end;
  const afterEnd = Math.min(text.length, tailAt + 14);
  if ((has(STRONG, c) && (c.sep === "" || c.sep === ":")) || (TITLES.has(c.w1) && (c.sep === "" || c.sep === "."))) {
    return notName(head) && !isGiven(head) ? null : span(core);
  }
  // "São Paulo", "My Mazda", "the Galaxy": a place head, brand or determiner spoils the run.
  if (
    lead.some((w) => (notName(w) && !TITLES.has(w.w)) || DET_WORDS.has(w.w)) ||
    (c.sep === "" && DETERMINER.has(c.w1))
  )
    return null;
  const multi = core.length >= 2 && isGiven(head) && !notName(core[core.length - 1] as Word);
  if (!multi && core.some((w) => notName(w) || w.init)) return null;
  const cued =
    (has(MEDIUM, c) && (c.sep === "" || c.sep === "," || c.sep === "!")) ||
    (c.sep === ":" && has(LABELS, c)) ||
    (c.dash && atEnd(text, tailAt, afterEnd)) ||
    afterWord(text, tailAt, afterEnd) ||
    (c.lineStart && lineEnds(text, tailAt, afterEnd));
  if (cued && (isName(head) || !ordinary(head))) return span(core);
  const weak = c.sep === "" && has(WEAK, c);
  if (!weak && c.sep === "" && (PLACE_PREP.has(c.w1) || PLACE_PREP.has(c.w2))) return null;
  const rest = core.slice(1);
  if (core.length >= 2) {
    if (rest.some(ordinary) && !keepLast(words, end)) return null;
    const last = core[core.length - 1] as Word;
    // No cue: "Trenton Zieme" (a given name first). After "by", "for", "and"...
    // also "Kaelyn Marvin" and two unknown words ("Dildâr Demirbaş").
    if (isGiven(head)) return span(core);
    if (weak && !ordinary(head)) return span(core);
    return (isSurname(last) || isGiven(last)) && isName(head) && !ordinary(head) ? span(core) : null;
  }
  // A lone given name mid-sentence: "please ask Aaliyah to call".
  if (!isGiven(head) || ordinary(head) || (i === 0 && c.sentenceStart)) return null;
  return span(core);
}
