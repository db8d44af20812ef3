// ADDRESS guesses: a house number next to a street word, in the orders used
// across Europe and the Americas: "12 Main Street", "546 Voie des Saussaies",
// "Moselstr. 1", "Via Roma 12", "Kyrkgatan 46", "ul. Kwiatowa 5",
// "вулиця Зелена, 54", "2丁目4番4号". The span grows over an apartment or unit
// ("Apt. 565", "Zimmer 659", "кв. 615") and a postcode with its town
// (", 28064 Falsås", ", SA4 5DF Swansea", ", Springfield, IL 62704").
// A town alone, or a number without a street word, is not an address.
import type { Span } from "./types.ts";

const L = "\\p{L}\\p{M}";
// Street words as regex fragments; the first letter may be either case
// (the regex has no "i" flag, so "\\p{Lu}" still means a capital).
const alt = (words: string) => `(?:${words.trim().split(/\s+/).map((w) => {
  const c = w[0] ?? "";
  const u = c.toUpperCase();
  return u === c ? w : `[${c}${u}]${w.slice(1)}`;
}).join("|")})`;
// A word of a street name: capitalised, a number word ("5th"), or Cyrillic/Greek/Arabic.
const NW = `(?:\\p{Lu}[${L}'\u2019.\\-]{0,30}|\\d{1,3}(?:st|nd|rd|th|e|er|\\.)|[\\p{sc=Cyrillic}\\p{sc=Greek}\\p{sc=Arabic}]{2,30}\\.?)`;
const PART = "(?:(?:de|del|de la|des|du|di|da|dei|della|dos|das|do|la|le|les|of|the|y|van|von|der|den|am|an|im|auf|lui|\\d{1,3})(?![\\p{L}\\p{N}])|d')";
// Street words that come before the name (and, in English and French, may follow the number).
const PREFIX = alt(
  "rue avenue av avda avenida boulevard bd blvd bulevardul bulevar calle carrer carretera carr camino paseo " +
  "pasaje plaza pla[çc]a pra[çc]a prolongaci[óo]n subida cerrada calzada callej[óo]n privada ronda traves[ií]a " +
  "via viale piazza piazzale corso strada largo vicolo contrada borgo rua travessa alameda rodovia estrada " +
  "marginal ul ulica al aleja aleea os osiedle pl plac bulw bulwar calea strada sokak sk caddesi cad cd jalan jl " +
  "gg gang jr kpg place chemin all[ée]e impasse quai route voie cours square ул улица пр просп проспект пер " +
  "переулок пл площадь ал аллея ш шоссе наб набережная бульвар вулиця вул провулок пров площа λεωφ λεωφόρος οδός " +
  "شارع طريق ");
// Street types that follow the name. English ones only after a number
// ("12 Main Street"): before one they are too often products ("Season Pass 2").
const SUFFIX_EN = alt(
  "street st avenue ave road rd lane ln drive dr court ct boulevard blvd way place pl terrace close crescent " +
  "square sq junction route loop run fields? point plaza park parkway pkwy highway hwy trail trl circle cir alley " +
  "row walk mews grove hill gardens? green heights lodge manor meadows? mill mount orchard pass path pike port " +
  "ridge river spring springs station summit trace track turnpike union valley view village vista wells? wharf " +
  "yard causeway common corner cove creek crossing dale estate expressway falls? ferry forge fork freeway glen " +
  "harbou?r haven hollow island key knoll lake landing light lock mall motorway oval overpass plains? prairie " +
  "ranch rapids? rest shoals? shore skyway stravenue stream throughway tunnel underpass viaduct ville embankment " +
  "parade broadway");
// ... and in Nordic, Hungarian, Turkish, Slavic, Dutch and German usage, in either order.
const SUFFIX_XX = alt(
  "gate gata gatan vej vei veien gade katu tie kuja polku kaari utca út útja körút köz tér körtér " +
  "rakpart sétány sokak sokağı caddesi bulvarı yolu площадь улица проспект переулок шоссе вулиця провулок площа " +
  "aleea straat laan weg plein gracht kade dijk allee gasse platz straße strasse str");
// Compound street names: "Hauptstraße", "Moselstr.", "Kerkstraat", "Kyrkgatan", "Clematisvej", "Henrikkuja".
const COMPOUND = `\\p{Lu}[${L}\\-]{1,40}` + alt(
  "straße strasse str\\. weg platz allee gasse ring damm ufer steig pfad chaussee markt straat laan plein gracht kade " +
  "dijk singel park hof gatan gata vägen väg gränd torg vej gade vænget alle vei veien veg vegen katu tie kuja polku " +
  "kaari väylä rinne ranta utca ulice cesta");
const NUM = "\\d{1,5}(?:[ ]?[A-Za-z](?![\\p{L}]))?(?:[/\\-]\\d{1,4}[A-Za-z]?)?";
const UNIT_WORD = alt(
  "apt apartment suite ste unit flat floor fl room rm no nr zimmer whg wohnung appartamento interno int piso " +
  "puerta esc escalera bloc bl sc et ap apto lgh leil m kv кв bus dpto depto quadra casa lote apartamento " +
  "étage etg hoog tv th mf izda dcha דירה");
const UNIT = `(?:,?[ \u00a0]${UNIT_WORD}(?![\\p{L}])\\.?[ \u00a0]?#?(?:\\d[0-9A-Za-z]{0,4}|[A-Z])(?![\\p{L}\\p{N}])|` +
  `,?[ \u00a0]\\d{1,3}[º°ª]?[ \u00a0]?${alt("izda dcha étage hoog tv th mf e er ème")}\\.?|[ \u00a0][A-Z](?![\\p{L}\\p{N}])){0,3}`;
const TOWN = `\\p{Lu}[${L}'\u2019.\\-]{1,30}(?:[ \u00a0](?:${PART}[ \u00a0])?(?:\\p{Lu}[${L}'\u2019.\\-]{1,30}|\\(\\p{Lu}[${L}]{1,30}\\))){0,3}`;
const POSTCODE = "(?:\\d{5}(?:-\\d{3,4})?|\\d{4}(?:[ \u00a0]?[A-Z]{2}(?![\\p{L}]))?|\\d{3}[ \u00a0]\\d{2,3}|\\d{2}-\\d{3}|\\d{3}-\\d{4}|\\d{6}|" +
  "[A-Z]{1,2}\\d[A-Z\\d]?[ \u00a0]\\d[A-Z]{2}|[A-Z]\\d[A-Z][ \u00a0]?\\d[A-Z]\\d)";
const PLACE = `(?:,?[ \u00a0]${POSTCODE}[ \u00a0]${TOWN}|,[ \u00a0]${TOWN},?[ \u00a0][A-Z]{2}[ \u00a0]\\d{5}(?:-\\d{4})?)?`;

const STREET_NAME = `(?:${NW}|${PART})(?:[ \u00a0](?:${NW}|${PART})){0,4}`;
const FORMS = [
  // number first: "12 Main Street", "546 Voie des Saussaies", "43546 Rodovia Maria Helena"
  `${NUM},?[ \u00a0](?:${PREFIX}\\.?[ \u00a0]${STREET_NAME}|(?:${NW}[ \u00a0]){1,4}(?:${SUFFIX_EN}|${SUFFIX_XX})\\.?(?![${L}])(?:[ \u00a0](?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)(?![${L}]))?)`,
  // street word first: "Via Roma 12", "ul. Kwiatowa 5", "Fatih Sokak 5", "вулиця Зелена, 54"
  `(?:(?:${NW}[ \u00a0])?${PREFIX}\\.?[ \u00a0]${STREET_NAME}|(?:${NW}[ \u00a0]){1,3}${SUFFIX_XX}\\.?|${COMPOUND}|(?:${NW}[ \u00a0]){1,2}${COMPOUND}),?[ \u00a0](?:${alt("no nr n[º°] bloc bl")}\\.?[ \u00a0]?)?${NUM}`,
  // Japanese and Chinese block addresses: "2丁目4番4号", "杜侬728号"
  "\\d{1,2}丁目\\d{1,3}番(?:地)?\\d{1,3}号?|[\\p{sc=Han}]{1,6}\\d{1,5}号",
];
const ADDRESS = new RegExp(`(?<![${L}\\p{N}@/.\\-])(?:${FORMS.join("|")})${UNIT}${PLACE}(?![\\p{N}])`, "gu");

// Whatever the regex took, a number that is really a quantity or a time
// ("2 Galaxy Road bikes"? no: "at 10 Park Lane" yes) is checked by the
// street word alone; one more guard: a span must contain a digit and a letter.
export function findAddresses(text: string, out: Span[]): void {
  if (!/\d/.test(text)) return;
  ADDRESS.lastIndex = 0;
  for (let m = ADDRESS.exec(text); m !== null; m = ADDRESS.exec(text)) {
    let value = m[0].replace(/[ \u00a0,.]+$/u, (t) => (t.startsWith(".") && /\b(?:st|rd|ave|dr|ln|blvd|str|pl|ct|apt)\.$/i.test(m?.[0] ?? "") ? "." : ""));
    if (!/\p{L}/u.test(value)) continue;
    value = value.replace(/[ \u00a0,]+$/u, "");
    out.push({ start: m.index, end: m.index + value.length, kind: "ADDRESS", value });
  }
}
