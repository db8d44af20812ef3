// NAME guesses: person names that are not known values. A run of
// capitalised words is a name when a cue says so ("my name is", "Mr",
// "Hi ...,", a signature line) or, without a cue, when the lexicon does
// (a known given name followed by a surname-like word, or a lone given name
// in mid-sentence that is not also an ordinary word). Lower-case names and
// scripts without capitals (Han, Arabic, Hebrew, Hangul...) need a cue.
// Precision comes first: "the Samsung Galaxy arrived in Paris on Monday"
// must come out intact, so ordinary words, places, brands and days never
// count as name evidence on their own.
import type { Span } from "./types.ts";
import { lexicon } from "./lexicon/index.ts";
import type { Lexicon } from "./lexicon/index.ts";
import { NOT_NAMES, TITLES } from "./lexicon/stop.ts";

// A capitalised word: upper-case first, lower-case last ("Anna", "O'Brien",
// "McDonald", "Jean-Luc", "Łukasz", "Иван"), or an initial "J.".
const CAPW = "\\p{Lu}(?:['\u2019]\\p{Lu})?[\\p{L}\\p{M}\\-]{0,24}[\\p{Ll}\\p{M}]";
const PARTICLE = "(?:van|von|de|der|den|da|di|del|della|dos|das|du|le|la|ter|ten|bin|ibn|al|zu|y)";
const NEXT = `[ \u00a0](?:${PARTICLE}[ \u00a0])?(?:${CAPW}|\\p{Lu}\\.(?=[ \u00a0]\\p{Lu}))`;
const RUN = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_@.'\u2019\\-])${CAPW}(?:${NEXT}){0,4}(?![\\p{L}\\p{M}\\p{N}_@])`, "gu");

// Cues right before a run (checked on the 40 characters before it).
// Strong: whatever capitalised words follow are a name.
const STRONG = /(?:\bmy name is|\bmy name's|\bname is|\bi am called|\bje m'appelle|\bme llamo|\bmi nombre es|\bmein name ist|\bich hei(?:ß|ss)e|\bmi chiamo|\bmeu nome é|\bme chamo|\bmijn naam is|\bnazywam się|\bjmenuji se|\bbenim adım|меня зовут|мене звати)\s*:?\s*$/iu;
const TITLE = /(?:^|[^\p{L}])(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sra|Srta|Sig|Dott|Mevr|Dhr|Pan|Pani)\.?[ \u00a0]$/u;
// Medium: the run is a name if its first word could be one.
const MEDIUM = new RegExp("(?:\\b(?:hi|hello|hey|dear|hiya|morning|bonjour|salut|hola|hallo|ciao|olá|hej|hei|cześć|merhaba|ahoj|" +
  "thanks|thank you|thx|cheers|regards|best|sincerely|yours|bye|i'm|i\u2019m|im|i am|this is|it's|it\u2019s|its|it is|" +
  "je suis|ich bin|soy|sono|sou|ik ben|jestem|" +
  "colleague|co-?worker|wife|husband|partner|son|daughter|mother|father|mom|mum|dad|brother|sister|friend|neighbou?r|boss|manager|" +
  "landlord|landlady|tenant|flatmate|roommate|lawyer|assistant|supervisor|technician|courier|nurse|aunt|uncle|cousin|" +
  "grandma|grandpa|fianc[ée]e?|girlfriend|boyfriend|spouse|nephew|niece|named|called|spoke (?:with|to)|speak (?:with|to)|" +
  "talk(?:ed)? (?:with|to)|ask(?:ed)? for|on behalf of|c/o|attn|signed by|assigned to|handled by|approved by)[,!]?|" +
  "\\b(?:name|full name|requester|contact|caller|cardholder|card holder|account holder|recipient|sender|from|to|cc|" +
  "passenger|guest|patient|applicant|employee|customer|client|agent):)\\s*$", "iu");
// ... or right after it: "Anna here", "Tom speaking".
const MEDIUM_AFTER = /^[ \u00a0,]+(?:here|speaking|again)\b/i;
// A signature: "- Anna" at the end, or a name alone on the last lines.
const DASH_END = /[ \u00a0][-\u2013\u2014~][ \u00a0]?$/;
// A place right before a lone name: "in Paris", "to Florence".
const PLACE_PREP = /\b(?:in|at|to|from|near|via|into|visit|visiting|towards|around|outside|inside|of)[ \u00a0]$/i;
const SENTENCE_START = /(?:^|[.!?:;"“(\n])\s*$/;

interface Word { start: number; end: number; w: string; init: boolean }

/** Append NAME guesses in `text` to `out`, in text order. */
export function findNames(text: string, out: Span[]): void {
  const lex = lexicon();
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const words = splitRun(m[0], m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    const keep = decide(text, words, after, lex);
    if (keep) out.push({ start: keep.start, end: keep.end, kind: "NAME", value: text.slice(keep.start, keep.end) });
  }
  findCuedUncased(text, out, lex);
}

function splitRun(run: string, at: number): Word[] {
  const out: Word[] = [];
  const re = /\S+/gu;
  for (let m = re.exec(run); m !== null; m = re.exec(run)) {
    const w = m[0];
    if (/^\p{Ll}/u.test(w)) continue; // a particle: kept inside the span, not judged
    out.push({ start: at + m.index, end: at + m.index + w.length, w: w.toLowerCase().replace(/\u2019/g, "'"), init: w.endsWith(".") });
  }
  return out;
}

const span = (ws: Word[]) => ({ start: (ws[0] as Word).start, end: (ws[ws.length - 1] as Word).end });

function decide(text: string, words: Word[], after: string, lex: Lexicon): { start: number; end: number } | null {
  const { given, surnames, common } = lex;
  const isGiven = (w: Word) => given.has(w.w);
  const isName = (w: Word) => given.has(w.w) || surnames.has(w.w);
  const notName = (w: Word) => NOT_NAMES.has(w.w);
  const ordinary = (w: Word) => common.has(w.w) || notName(w);
  // Trailing ordinary words ("Anna Thanks") and initials are not the name.
  let end = words.length;
  while (end > 0 && ((words[end - 1] as Word).init || ordinary(words[end - 1] as Word))) end--;
  // Leading ordinary words ("Hi", "Dear", "Ask", "Mr") are context, except a
  // given name that is also a word before a surname ("Grace Hopper").
  let i = 0;
  while (i < end - 1 && ordinary(words[i] as Word) &&
    !(isGiven(words[i] as Word) && !notName(words[i] as Word) && !ordinary(words[i + 1] as Word))) i++;
  // "São Paulo", "Samsung Galaxy Anna"?: a place head or brand before the name spoils the run.
  if (words.slice(0, i).some((w) => NOT_NAMES.has(w.w) && !TITLES.has(w.w))) return null;
  const core = words.slice(i, end);
  const head = core[0];
  if (!head) return null;
  const before = text.slice(Math.max(0, head.start - 40), head.start);
  const tail = end === words.length ? after : " ";
  if (STRONG.test(before) || TITLE.test(before)) return notName(head) ? null : span(core);
  if (core.some((w) => notName(w) || w.init)) return null;
  if (MEDIUM.test(before) || DASH_END.test(before) || MEDIUM_AFTER.test(tail) || signatureLine(before, tail)) {
    if (isName(head) || !ordinary(head)) return span(core);
  }
  if (core.length >= 2) {
    // No cue: "Trenton Zieme", "Kaelyn Marvin": a lexicon name at either
    // end and no ordinary word after the first.
    const last = core[core.length - 1] as Word;
    if (core.slice(1).some(ordinary)) return null;
    return isGiven(head) || (surnames.has(last.w) && !ordinary(head)) || (isGiven(last) && isName(head)) ? span(core) : null;
  }
  // A lone given name mid-sentence: "please ask Aaliyah to call".
  if (!isGiven(head) || ordinary(head) || (i === 0 && SENTENCE_START.test(before)) || PLACE_PREP.test(before)) return null;
  return span(core);
}

/** The run stands alone on the last line(s), after a line break. */
function signatureLine(before: string, after: string): boolean {
  return /\n[ \t]*$/.test(before) && /^[ \t.,!]*(?:\n|$)/.test(after);
}

// Lower-case or uncased names after a cue: "my name is anna", "its tomas
// again", "My name is 王伟", "اسمي عوضية العلاني".
const UNCASED = "[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}\\p{sc=Arabic}\\p{sc=Hebrew}\\p{sc=Thai}\\p{sc=Devanagari}]";
const CUED = new RegExp(
  "(?:(?<![\\p{L}])(?i:my name is|my name's|name is|i'm|i\u2019m|im|i am|it's|its|this is|hi|hello|dear|thanks|mr\\.?|ms\\.?|mrs\\.?|dr\\.?)[,:]?[ \u00a0]+|" +
  "我叫|我是|私は|제 이름은|저는|اسمي |أنا |שמי |אני )" +
  `((?:${UNCASED}+)(?:[ \u00a0]${UNCASED}+){0,2}|\\p{Ll}{2,20}(?:[ \u00a0]\\p{Ll}{2,20})?)(?![\\p{L}\\p{M}])`, "gu");

function findCuedUncased(text: string, out: Span[], lex: Lexicon): void {
  CUED.lastIndex = 0;
  for (let m = CUED.exec(text); m !== null; m = CUED.exec(text)) {
    const name = m[1] ?? "";
    const start = m.index + m[0].length - name.length;
    if (/^\p{Ll}/u.test(name)) {
      // Lower case: only a given name that is not an ordinary word, plus a surname after it.
      const [a = "", b] = name.split(/[ \u00a0]/);
      if (!lex.given.has(a) || lex.common.has(a) || NOT_NAMES.has(a)) {
        CUED.lastIndex = start; // the word may itself be a cue: "hi its anna"
        continue;
      }
      const both = b !== undefined && lex.surnames.has(b) && !lex.common.has(b);
      const value = both ? name : a;
      out.push({ start, end: start + value.length, kind: "NAME", value });
    } else {
      // Han/Kana/Hangul run on together: a name is at most 4 characters there.
      const value = /^[\p{sc=Han}\p{sc=Hangul}]+$/u.test(name) && name.length > 4 ? name.slice(0, 4) : name;
      out.push({ start, end: start + value.length, kind: "NAME", value });
    }
  }
}
