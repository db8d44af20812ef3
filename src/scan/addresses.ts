// ADDRESS guesses: a house number next to a street word, in the orders used
// across Europe, the Americas and Asia: "12 Main Street", "546 Voie des
// Saussaies", "Moselstr. 1", "Via Roma 12", "Kyrkgatan 46", "ul. Kwiatowa 5",
// "вулиця Зелена, 54", "2丁目4番4号", "孟路42号". The span grows over an
// apartment or unit ("Apt. 565", "Zimmer 659", "кв. 615", "4.em 58 ajtó")
// and a postcode with its town (", 28064 Falsås", ", SA4 5DF Swansea",
// ", Springfield, IL 62704"). A street name without a street word
// ("Niederblecher 786") counts only right after an address cue ("I live at",
// "address:", "wohne in der"): "Windows 11" and "Pixel 8" must stay intact.
// A town alone, or a number without a street, is not an address.

import { COMPOUND_ENDINGS, PREFIX_WORDS, SUFFIX_EN_WORDS, SUFFIX_XX_WORDS, UNIT_WORDS } from "./lexicon/streets.ts";
import type { Span } from "./types.ts";

const L = "\\p{L}\\p{M}";
// `body` repeated: the capture group (unread) keeps V8 from unrolling the
// repeat into copies of the body ("{0,3}" is three copies otherwise, each
// with its own copy of what follows), which made the compiled code several
// times larger for the same matches.
const rep = (body: string, q: string) => `(?:(${body}))${q}`;
const SP = "[ \\u00a0]";
// Words as regex fragments; the first letter may be either case (the regex
// has no "i" flag, so that "\p{Lu}" still means a capital). `plural` adds "s?".
// The words go into a trie ("st(?:r(?:eet|…)|…)"), not a flat alternation:
// V8 compiles a flat alternation of 150 words, and the pattern after it, into
// far more machine code, and that code's size is what the scanner's time goes
// to (instruction-cache misses). At most one word of a list can match at a
// position (each must end where the letters end), so the order does not matter.
const alt = (words: string, plural = false) => `(?:${trie(words)}${plural ? "s?" : ""})(?![${L}])`;

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}
function trie(words: string): string {
  const root: Trie = { end: false, next: new Map() };
  for (const raw of words.trim().split(/\s+/)) {
    const c = raw[0] ?? "";
    const u = c.toUpperCase();
    const first = u === c || c === "[" ? null : `[${c}${u}]`;
    for (const w of variants(raw)) {
      let n = root;
      [...w].forEach((ch, i) => {
        const key = i === 0 && first !== null ? first : ch.replace(/[.\\]/g, "\\$&");
        let m = n.next.get(key);
        if (m === undefined) n.next.set(key, (m = { end: false, next: new Map() }));
        n = m;
      });
      n.end = true;
    }
  }
  const emit = (n: Trie): string => {
    const parts = [...n.next].map(([k, m]) => k + emit(m));
    if (parts.length === 0) return "";
    if (n.end) parts.push("");
    return parts.length === 1 ? (parts[0] ?? "") : `(?:${parts.join("|")})`;
  };
  return emit(root);
}
/** "all[ée]e" -> "allée", "allee"; "harbou?r" -> "harbour", "harbor"; "str\\." -> "str.". */
function variants(w: string): string[] {
  const cls = /\[([^\]]+)\]/.exec(w);
  if (cls)
    return [...(cls[1] ?? "")].flatMap((ch) =>
      variants(w.slice(0, cls.index) + ch + w.slice(cls.index + cls[0].length)),
    );
  const opt = /(.)\?/u.exec(w);
  if (opt)
    return [
      ...variants(w.slice(0, opt.index) + w.slice(opt.index + 2)),
      ...variants(w.slice(0, opt.index) + (opt[1] ?? "") + w.slice(opt.index + 2)),
    ];
  return [w.replace(/\\/g, "")];
}

// A word of a street name: capitalised, a number word ("5th"), or in a script
// without capitals in the usual sense (Cyrillic, Greek and Arabic street names
// are often written in lower case or abbreviated).
// Each word ends where the letters end ("(?![...])"): without it, a failed
// match backtracks through every shorter length of every word (~30^4 paths).
const NW = `(?:\\p{Lu}[${L}'\u2019.\\-]{0,30}(?![${L}'\u2019.\\-])|\\d{1,3}(?:st|nd|rd|th|e|er)(?![${L}])|[\\p{sc=Cyrillic}\\p{sc=Greek}\\p{sc=Arabic}]{2,30}(?![${L}])\\.?)`;
const PART = `(?:(?:de|del|de la|des|du|di|da|dei|della|dos|das|do|la|le|les|of|the|y|van|von|der|den|am|an|im|auf|lui|e)(?![${L}])|d['\u2019])`;
const PREFIX = alt(PREFIX_WORDS);
const SUFFIX_EN = alt(SUFFIX_EN_WORDS, true);
const SUFFIX_XX = alt(SUFFIX_XX_WORDS);
// The whole word first, then a look back at its ending: trying ~60 endings at
// each of 40 lengths of every capitalised word was the detector's main cost.
const COMPOUND = `\\p{Lu}[${L}\\-]{1,40}(?![${L}\\-])(?<=${alt(COMPOUND_ENDINGS.replace("str\\.", "str"))})\\.?`;
const NUM = `(?:\\d{1,5}(?:[A-Za-z](?![${L}]))?(?:[/\\-]\\d{1,4}[A-Za-z]?)?|s/n\\.?)`;
const UNIT =
  `(?:,?${SP}${alt(UNIT_WORDS)}\\.?${SP}?#?(?:\\d[0-9A-Za-z]{0,4}|[A-Z])(?![${L}\\p{N}])` +
  `|,?${SP}\\d{1,3}[º°ª.]?${SP}?(?:${alt("izda dcha bajo étage etage hoog tv th mf e er ème og eg dg ug OG EG DG UG stock em emelet")}\\.?)(?:${SP}\\d{1,3}${SP}?ajtó|${SP}(?:achter|voor))?` +
  `|${SP}(?:bis|ter|achter|voor|bajo|[Bb]ajo|[Ii]zda|[Dd]cha)\\.?(?![${L}])|${SP}(?:II|III|IV|I(?=${SP}*(?:[,.;)]|$)))(?![${L}])|${SP}[A-Z](?:${SP}\\d{1,3})?(?![${L}\\p{N}])` +
  `|${SP}?[\\p{sc=Han}]{0,4}\\d{1,5}号室|${SP}公寓${SP}?\\d{1,5}|${SP}?\\d{1,5}호|${SP}아파트${SP}?\\d{1,5}동)`;
const TOWN =
  `(?:\\p{Lu}[${L}'\u2019.\\-]{1,30}(?![${L}'\u2019.\\-])${rep(`${SP}(?:${PART}${SP})?(?:\\p{Lu}[${L}'\u2019.\\-]{1,30}(?![${L}'\u2019.\\-])|\\(\\p{Lu}[${L}]{1,30}\\))`, "{0,3}")}` +
  `|[\\p{sc=Han}\\p{sc=Hangul}]{1,10})`;
const POSTCODE =
  `(?:\\d{5}(?:-\\d{3,4})?|\\d{4}(?:-\\d{3}|${SP}?[A-Z]{2}(?![${L}]))?|\\d{3}${SP}\\d{2,3}|\\d{2}-\\d{3}|\\d{3}-\\d{3,4}|\\d{6}` +
  `|[A-Z]{1,2}\\d[A-Z\\d]?${SP}[A-Z\\d]{3,4})`;
const PLACE =
  `(?:,?${SP}${POSTCODE}${SP}${TOWN}` +
  `|,${SP}${TOWN},?${SP}[A-Z]{2}${SP}(?:\\d{5}(?:-\\d{4})?|[A-Z]\\d[A-Z]${SP}?\\d[A-Z]\\d))?`;

// A street name's words, but not a unit word followed by its number ("Apt. 889").
const NOT_UNIT = `(?!${alt(UNIT_WORDS)}\\.?${SP}?\\d)`;
const STREET_NAME = `(?:${NW}|${PART})(?:${SP}${NOT_UNIT}(?:${NW}|${PART})){0,4}`;
const LEAD = `(?:(?:van(?:${SP}de[nr]?)?|de|den|ter|'t)${SP})`;
const HOUSE = `,?${SP}(?:${alt("no nr n[º°] bloc bl")}\\.?${SP}?)?${NUM}`;
const FORMS = [
  // number first: "12 Main Street", "546 Voie des Saussaies", "43546 Rodovia Maria Helena", "608 수죽대로"
  `${NUM},?${SP}(?:${PREFIX}\\.?${SP}${STREET_NAME}|${rep(`${NW}${SP}`, "{1,4}")}(?:${SUFFIX_EN}|${SUFFIX_XX})\\.?` +
    `(?:${SP}(?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)(?![${L}]))?|[\\p{sc=Hangul}\\d]{1,12}(?:길|로|대로)(?![\\p{sc=Hangul}]))`,
  // street word first: "Via Roma 12", "ul. Kwiatowa 5", "Fatih Sokak 5", "вулиця Зелена, 54", "van den Broeklaan 364a"
  `(?:(?:${NW}${SP})?${PREFIX}\\.?${SP}${STREET_NAME}|${rep(`${NW}${SP}`, "{1,3}")}${SUFFIX_XX}\\.?|${LEAD}?${rep(`${NW}${SP}`, "{0,2}")}${COMPOUND})${HOUSE}`,
  // Japanese and Chinese block addresses: "2丁目4番4号", "杜侬728号"
  "\\d{1,2}丁目\\d{1,3}番(?:地)?\\d{1,3}号?|[\\p{sc=Han}]{1,6}\\d{1,5}号(?!室)",
];
// The unit, postcode and town after a street: a sticky regex of its own, run
// after a hit (one regex with everything is too slow for V8 to run well).
const TAIL = new RegExp(`${rep(UNIT, "{0,3}")}${PLACE}(?![\\p{N}])`, "uy");
// Forms that start with the number or a Han street: one global regex.
const NUMBER_FIRST = new RegExp(`(?<![${L}\\p{N}@/.\\-])(?:${FORMS[0]}|${FORMS[2]})`, "gu");
// Street word first: a big alternation that, tried at every letter, cost
// ~5 us per message. It runs once, from the 7th word before a house number,
// only when one of those words is a street word. (Each exec of a regex this
// big has a fixed setup cost of ~0.4 us, so one exec beats one per word.)
const STREET_FIRST = new RegExp(`(?<![${L}\\p{N}@/.\\-])(?:${FORMS[1]})`, "gu");
const STREET_WORDS: ReadonlySet<string> = new Set(expand(`${PREFIX_WORDS} ${SUFFIX_XX_WORDS}`));
// Endings of 2 to 9 letters, grouped by their last two letters: one slice and
// a few endsWith per word instead of eight slices and Set lookups.
const ENDINGS = expand(COMPOUND_ENDINGS.replace("str\\.", "str"));
const ENDINGS_BY_TAIL: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const e of ENDINGS) {
    if (e.length < 2 || e.length > 9) continue;
    const k = e.slice(-2);
    m.set(k, [...(m.get(k) ?? []), e]);
  }
  return m;
})();
/** "hauptstraße", "kerkstraat", "kyrkgatan": a word ending in a street word (Set lookups, no regex). */
function compoundEnd(word: string): boolean {
  if (word.length < 3) return false;
  const list = ENDINGS_BY_TAIL.get(word.slice(-2));
  if (list === undefined) return false;
  for (const e of list) if (e.length < word.length && word.endsWith(e)) return true;
  return false;
}

// After an address cue, any street name with a house number will do.
const CUE =
  /(?:(?<![\p{L}])(?:address(?:\s+is)?|live at|lives at|living at|moved to|ship(?:ped)?(?: it)? to|deliver(?:ed)?(?: it)? to|send(?: it)? to|wohne in(?: der| dem)?|wohne am|wohne im|adresse(?: est)?|direcci[óo]n(?: es)?|vivo en|indirizzo(?: è)?|abito in|adres|woon (?:op|aan)|endere[çc]o(?: é)?|moro na|mieszkam przy|adresa|c[íi]m)\s*:?[ \u00a0]+)/gu; // run on the lower-cased text: an "i" flag with "u" is slow in V8
// ... but not a postcode, a box or a product after the cue ("ship to ZIP 94107").
const NOT_STREET = `(?!${alt("zip ZIP PLZ CP PO plz cp postcode box po order ticket room gate terminal platform page flight version windows iphone pixel galaxy")})`;
const CUED = new RegExp(
  `${NOT_STREET}(?:${LEAD}?${rep(`${NW}${SP}`, "{0,2}")}${NW}${SP}(?:${alt("no nr n[º°]")}\\.?${SP}?)?${NUM}|${NUM}${SP}${rep(`${NW}${SP}`, "{0,2}")}${NW})`,
  "uy",
);

/** Append ADDRESS guesses in `text` to `out`, in text order. */
export function findAddresses(text: string, out: Span[]): void {
  DIGIT.lastIndex = 0;
  if (!DIGIT.test(text)) return;
  const firstDigit = DIGIT.lastIndex - 1;
  const found: Span[] = [];
  NUMBER_FIRST.lastIndex = 0;
  for (let m = NUMBER_FIRST.exec(text); m !== null; m = NUMBER_FIRST.exec(text)) {
    NUMBER_FIRST.lastIndex = withTail(found, text, m.index, m[0]);
  }
  const numberFirst = found.length === 0 ? NONE : found.slice(); // sorted: for the binary searches below
  streetFirst(text, found, numberFirst, firstDigit);
  if (!CUE_HINT.test(text)) {
    if (found.length > 1) found.sort((x, y) => x.start - y.start);
    out.push(...found);
    return;
  }
  const lower = text.toLowerCase();
  let cueFloor = streetEnd;
  CUE.lastIndex = 0;
  for (let c = lower.length === text.length ? CUE.exec(lower) : null; c !== null; c = CUE.exec(lower)) {
    const at = c.index + c[0].length;
    if (at < cueFloor || covered(numberFirst, at)) continue;
    CUED.lastIndex = at;
    const m = CUED.exec(text);
    if (m) cueFloor = withTail(found, text, at, m[0]);
  }
  if (found.length > 1) found.sort((x, y) => x.start - y.start);
  out.push(...found);
}
const DIGIT = /\d/g; // global: lastIndex tells where the first digit is
const NONE: readonly Span[] = [];
// A case-sensitive literal test before the case-insensitive CUE scan (which costs ~1 us a message).
// ("ddress" and "dresse" are left out: each contains "dres", so the test is the same.)
const CUE_HINT =
  /dres|DDRESS|ive at|ived at|oved to|hip|eliver|end |ohne|irecci|ivo en|ndirizzo|bito in|oon |ndere|oro na|ieszkam|c[íi]m/;

const isDigitC = (c: number) => c >= 48 && c <= 57;
const isWordC = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  c === 46 ||
  c === 45 ||
  c === 39 ||
  c === 0x2019 ||
  (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x206f));

/** "Via Roma 12": at each number with a street word among the 6 words before it, try STREET_FIRST at those words. */
let streetEnd = 0; // where the last street-first address ended (set by streetFirst)

/** Some span of the start-sorted, disjoint list covers position `at` (binary search). */
function covered(list: readonly Span[], at: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid] as Span;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return true;
  }
  return false;
}

// The last three letters (lower case) of every street word and ending of
// three letters or more, and the words of one or two: most words before a
// number ("order", "total", "June") fail this integer test, which spares
// them the slice, toLowerCase and Set lookups. (The last two letters alone
// let one word in three through.)
const lowerAscii = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
const tail3 = (a: number, b: number, c: number) => (a << 16) | (b << 8) | c;
/** Every code unit below 128 (built once at load). */
const isAscii = (w: string): boolean => {
  for (let i = 0; i < w.length; i++) if (w.charCodeAt(i) > 127) return false;
  return true;
};
const TAILS: ReadonlySet<number> = new Set(
  [...STREET_WORDS, ...ENDINGS]
    .filter((w) => w.length >= 3 && isAscii(w.slice(-3)))
    .map((w) => tail3(w.charCodeAt(w.length - 3), w.charCodeAt(w.length - 2), w.charCodeAt(w.length - 1))),
);
// Street words of one or two ASCII letters ("ul", "pl", "bd"), as integers.
const SHORT: ReadonlySet<number> = new Set(
  [...STREET_WORDS]
    .filter((w) => w.length <= 2 && isAscii(w))
    .map((w) => (w.charCodeAt(0) << 8) | (w.length === 2 ? w.charCodeAt(1) : 0)),
);
/** False only when text[from, to) lower-cased is surely neither a street word nor ends in one. */
function mayBeStreet(text: string, from: number, to: number): boolean {
  const n = to - from;
  if (n === 0) return false;
  if (n < 3) {
    // "is", "on", "at", "to": most words right before a number are short
    const a = text.charCodeAt(from);
    const b = n === 2 ? text.charCodeAt(from + 1) : 0;
    if (a > 0x7f || b > 0x7f) return true;
    return SHORT.has((lowerAscii(a) << 8) | lowerAscii(b));
  }
  const a = text.charCodeAt(to - 3);
  const b = text.charCodeAt(to - 2);
  const c = text.charCodeAt(to - 1);
  // Non-ASCII letters may lower-case to more than one character: decide the slow way.
  if (a > 0x7f || b > 0x7f || c > 0x7f) return true;
  return TAILS.has(tail3(lowerAscii(a), lowerAscii(b), lowerAscii(c)));
}

function streetFirst(text: string, found: Span[], numberFirst: readonly Span[], from: number): void {
  streetEnd = 0;
  // Each character read once (no number starts before the first digit).
  let prevDigit = false;
  for (let k = from; k < text.length; k++) {
    const digit = isDigitC(text.charCodeAt(k));
    if (!digit || prevDigit) {
      prevDigit = digit;
      continue;
    }
    prevDigit = true;
    if (k < streetEnd || covered(numberFirst, k)) continue;
    let first = -1;
    let street = false;
    let i = k - 1;
    for (let w = 0; w < 7 && i >= 0; w++) {
      while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 0xa0 || text.charCodeAt(i) === 44)) i--;
      const e = i + 1;
      while (i >= 0 && isWordC(text.charCodeAt(i))) i--;
      if (e === i + 1) break;
      first = i + 1;
      if (street) continue; // only the start of the 7th word is still wanted
      const end = text.charCodeAt(e - 1) === 46 ? e - 1 : e; // "Moselstr." -> "moselstr"
      if (!mayBeStreet(text, i + 1, end)) continue;
      const word = text.slice(i + 1, end).toLowerCase();
      if (STREET_WORDS.has(word) || compoundEnd(word)) street = true;
    }
    if (!street) continue;
    STREET_FIRST.lastIndex = first;
    const m = STREET_FIRST.exec(text);
    if (m && m.index <= k && m.index + m[0].length > k) {
      streetEnd = withTail(found, text, m.index, m[0]);
      k = streetEnd - 1;
      prevDigit = isDigitC(text.charCodeAt(k));
    }
  }
}

/** Expand "[xy]" classes of the word lists into plain words: "all[ée]e" -> "allée", "allee". */
function expand(words: string): string[] {
  const out: string[] = [];
  const one = (w: string): void => {
    const m = /\[([^\]]+)\]/.exec(w);
    if (!m) {
      out.push(w.replace(/\\/g, ""));
      return;
    }
    for (const ch of m[1] ?? "") one(w.slice(0, m.index) + ch + w.slice(m.index + m[0].length));
  };
  for (const w of words.trim().split(/\s+/)) one(w.toLowerCase());
  return out;
}

/** Push the street found at `start` grown by its tail; returns where the tail ends. */
function withTail(found: Span[], text: string, start: number, street: string): number {
  TAIL.lastIndex = start + street.length;
  const tail = TAIL.exec(text)?.[0] ?? "";
  push(found, start, street + tail);
  return start + street.length + tail.length;
}

function push(out: Span[], start: number, raw: string): void {
  // A trailing comma, space or sentence dot is not part of the address; an
  // abbreviation's dot ("St.", "Izda.", "s/n.") is.
  let value = raw.replace(/[ \u00a0,]+$/u, "");
  if (value.endsWith(".") && !/(?:^|[^\p{L}])(?:st|rd|ave|dr|ln|blvd|str|pl|ct|apt|izda|dcha|s\/n)\.$/iu.test(value))
    value = value.slice(0, -1);
  if (!/\p{L}/u.test(value) || !/\d/.test(value)) return;
  out.push({ start, end: start + value.length, kind: "ADDRESS", value });
}
