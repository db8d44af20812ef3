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
import type { Span } from "./types.ts";
import { COMPOUND_ENDINGS, PREFIX_WORDS, SUFFIX_EN_WORDS, SUFFIX_XX_WORDS, UNIT_WORDS } from "./lexicon/streets.ts";

const L = "\\p{L}\\p{M}";
const SP = "[ \\u00a0]";
// Words as regex fragments; the first letter may be either case (the regex
// has no "i" flag, so that "\p{Lu}" still means a capital). `plural` adds "s?".
const alt = (words: string, plural = false) => `(?:${words.trim().split(/\s+/).map((w) => {
  const c = w[0] ?? "";
  const u = c.toUpperCase();
  return (u === c ? w : `[${c}${u}]${w.slice(1)}`) + (plural ? "s?" : "");
}).join("|")})(?![${L}])`;

// A word of a street name: capitalised, a number word ("5th"), or in a script
// without capitals in the usual sense (Cyrillic, Greek and Arabic street names
// are often written in lower case or abbreviated).
const NW = `(?:\\p{Lu}[${L}'\u2019.\\-]{0,30}|\\d{1,3}(?:st|nd|rd|th|e|er)(?![${L}])|[\\p{sc=Cyrillic}\\p{sc=Greek}\\p{sc=Arabic}]{2,30}\\.?)`;
const PART = `(?:(?:de|del|de la|des|du|di|da|dei|della|dos|das|do|la|le|les|of|the|y|van|von|der|den|am|an|im|auf|lui|e)(?![${L}])|d['\u2019])`;
const PREFIX = alt(PREFIX_WORDS);
const SUFFIX_EN = alt(SUFFIX_EN_WORDS, true);
const SUFFIX_XX = alt(SUFFIX_XX_WORDS);
const COMPOUND = `\\p{Lu}[${L}\\-]{1,40}${alt(COMPOUND_ENDINGS)}`;
const NUM = `(?:\\d{1,5}(?:[A-Za-z](?![${L}]))?(?:[/\\-]\\d{1,4}[A-Za-z]?)?|s/n\\.?)`;
const UNIT = `(?:,?${SP}${alt(UNIT_WORDS)}\\.?${SP}?#?(?:\\d[0-9A-Za-z]{0,4}|[A-Z])(?![${L}\\p{N}])` +
  `|,?${SP}\\d{1,3}[º°ª.]?${SP}?(?:${alt("izda dcha bajo étage etage hoog tv th mf e er ème og eg dg ug OG EG DG UG stock em emelet")}\\.?)(?:${SP}\\d{1,3}${SP}?ajtó|${SP}(?:achter|voor))?` +
  `|${SP}(?:bis|ter|achter|voor|bajo|[Bb]ajo|[Ii]zda|[Dd]cha)\\.?(?![${L}])|${SP}(?:II|III|IV|I(?=${SP}*(?:[,.;)]|$)))(?![${L}])|${SP}[A-Z](?:${SP}\\d{1,3})?(?![${L}\\p{N}])` +
  `|${SP}?[\\p{sc=Han}]{0,4}\\d{1,5}号室|${SP}公寓${SP}?\\d{1,5}|${SP}?\\d{1,5}호|${SP}아파트${SP}?\\d{1,5}동){0,3}`;
const TOWN = `(?:\\p{Lu}[${L}'\u2019.\\-]{1,30}(?:${SP}(?:${PART}${SP})?(?:\\p{Lu}[${L}'\u2019.\\-]{1,30}|\\(\\p{Lu}[${L}]{1,30}\\))){0,3}` +
  `|[\\p{sc=Han}\\p{sc=Hangul}]{1,10})`;
const POSTCODE = `(?:\\d{5}(?:-\\d{3,4})?|\\d{4}(?:-\\d{3}|${SP}?[A-Z]{2}(?![${L}]))?|\\d{3}${SP}\\d{2,3}|\\d{2}-\\d{3}|\\d{3}-\\d{3,4}|\\d{6}` +
  `|[A-Z]{1,2}\\d[A-Z\\d]?${SP}[A-Z\\d]{3,4})`;
const PLACE = `(?:,?${SP}${POSTCODE}${SP}${TOWN}` +
  `|,${SP}${TOWN},?${SP}[A-Z]{2}${SP}(?:\\d{5}(?:-\\d{4})?|[A-Z]\\d[A-Z]${SP}?\\d[A-Z]\\d))?`;

// A street name's words, but not a unit word followed by its number ("Apt. 889").
const NOT_UNIT = `(?!${alt(UNIT_WORDS)}\\.?${SP}?\\d)`;
const STREET_NAME = `(?:${NW}|${PART})(?:${SP}${NOT_UNIT}(?:${NW}|${PART})){0,4}`;
const LEAD = `(?:(?:van(?:${SP}de[nr]?)?|de|den|ter|'t)${SP})`;
const HOUSE = `,?${SP}(?:${alt("no nr n[º°] bloc bl")}\\.?${SP}?)?${NUM}`;
const FORMS = [
  // number first: "12 Main Street", "546 Voie des Saussaies", "43546 Rodovia Maria Helena", "608 수죽대로"
  `${NUM},?${SP}(?:${PREFIX}\\.?${SP}${STREET_NAME}|(?:${NW}${SP}){1,4}(?:${SUFFIX_EN}|${SUFFIX_XX})\\.?` +
    `(?:${SP}(?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)(?![${L}]))?|[\\p{sc=Hangul}\\d]{1,12}(?:길|로|대로)(?![\\p{sc=Hangul}]))`,
  // street word first: "Via Roma 12", "ul. Kwiatowa 5", "Fatih Sokak 5", "вулиця Зелена, 54", "van den Broeklaan 364a"
  `(?:(?:${NW}${SP})?${PREFIX}\\.?${SP}${STREET_NAME}|(?:${NW}${SP}){1,3}${SUFFIX_XX}\\.?|${LEAD}?(?:${NW}${SP}){0,2}${COMPOUND})${HOUSE}`,
  // Japanese and Chinese block addresses: "2丁目4番4号", "杜侬728号"
  "\\d{1,2}丁目\\d{1,3}番(?:地)?\\d{1,3}号?|[\\p{sc=Han}]{1,6}\\d{1,5}号(?!室)",
];
const TAIL = `${UNIT}${PLACE}(?![\\p{N}])`;
const ADDRESS = new RegExp(`(?<![${L}\\p{N}@/.\\-])(?:${FORMS.join("|")})${TAIL}`, "gu");

// After an address cue, any street name with a house number will do.
const CUE = /(?:\b(?:address(?:\s+is)?|live at|lives at|living at|moved to|ship(?:ped)?(?: it)? to|deliver(?:ed)?(?: it)? to|send(?: it)? to|wohne in(?: der| dem)?|wohne am|wohne im|adresse(?: est)?|direcci[óo]n(?: es)?|vivo en|indirizzo(?: è)?|abito in|adres|woon (?:op|aan)|endere[çc]o(?: é)?|moro na|mieszkam przy|adresa|c[íi]m)\s*:?[ \u00a0]+)/giu;
// ... but not a postcode, a box or a product after the cue ("ship to ZIP 94107").
const NOT_STREET = `(?!${alt("zip ZIP PLZ CP PO plz cp postcode box po order ticket room gate terminal platform page flight version windows iphone pixel galaxy")})`;
const CUED = new RegExp(`${NOT_STREET}(?:${LEAD}?(?:${NW}${SP}){0,2}${NW}${SP}(?:${alt("no nr n[º°]")}\\.?${SP}?)?${NUM}|${NUM}${SP}(?:${NW}${SP}){0,2}${NW})${TAIL}`, "uy");

// A cheap first test: the street words, unit-free, as literals (no Unicode
// classes, no lookarounds). Most messages with numbers have none of them,
// and skip the expensive regexes.
const HINT = new RegExp(`(?:${PREFIX}|${SUFFIX_XX}|${alt(COMPOUND_ENDINGS.replace(/\\\\\./g, ""))}|` +
  `${SUFFIX_EN_WORDS.split(" ").map((w) => w[0]?.toUpperCase() + w.slice(1)).join("|")}|` +
  "address|live|lives|living|moved|ship|deliver|send|wohne|adress|direcci|vivo|indirizzo|abito|woon|endere|moro|mieszkam|cím|丁目|号|길|로)");
const DIGIT = /\d/;

/** Append ADDRESS guesses in `text` to `out`, in text order. */
export function findAddresses(text: string, out: Span[]): void {
  if (!DIGIT.test(text) || !HINT.test(text)) return;
  const found: Span[] = [];
  ADDRESS.lastIndex = 0;
  for (let m = ADDRESS.exec(text); m !== null; m = ADDRESS.exec(text)) push(found, m.index, m[0]);
  CUE.lastIndex = 0;
  for (let c = CUE.exec(text); c !== null; c = CUE.exec(text)) {
    const at = c.index + c[0].length;
    if (found.some((f) => f.start <= at && at < f.end)) continue;
    CUED.lastIndex = at;
    const m = CUED.exec(text);
    if (m) push(found, at, m[0]);
  }
  found.sort((a, b) => a.start - b.start);
  out.push(...found);
}

function push(out: Span[], start: number, raw: string): void {
  // A trailing comma, space or sentence dot is not part of the address; an
  // abbreviation's dot ("St.", "Izda.", "s/n.") is.
  let value = raw.replace(/[ \u00a0,]+$/u, "");
  if (value.endsWith(".") && !/(?:^|[^\p{L}])(?:st|rd|ave|dr|ln|blvd|str|pl|ct|apt|izda|dcha|s\/n)\.$/iu.test(value)) value = value.slice(0, -1);
  if (!/\p{L}/u.test(value) || !/\d/.test(value)) return;
  out.push({ start, end: start + value.length, kind: "ADDRESS", value });
}
