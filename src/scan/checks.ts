// Validators and context cues used by the detectors. Kept apart from the
// regexes so each check is cheap, pure and unit-testable.

/** Luhn mod-10 over a string of ASCII digits. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (dbl) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

// IBAN lengths per country (SWIFT IBAN registry). A country not listed is
// rejected: mod-97 alone lets ~1% of random "AB12..." strings through.
const IBAN_LEN: ReadonlyMap<string, number> = new Map(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 " +
    "DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 " +
    "GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 " +
    "LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 " +
    "PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 " +
    "TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30 " +
    // national IBANs outside the SWIFT registry (Iran, West and Central Africa...)
    "AO25 BF28 BJ28 CF27 CG27 CI28 CM27 CV25 DZ26 GA27 GQ27 GW25 HN28 IR26 KM27 MA28 MG27 ML28 MZ25 NE28 SN28 TD27 TG28"
  )
    .split(" ")
    .map((e) => [e.slice(0, 2), Number(e.slice(2))] as const),
);

/** Length of the IBAN at the start of regex candidate `m`, or 0. */
export function acceptIban(raw: string): number {
  const m = raw.toUpperCase(); // "gb82 west ..." is as good as printed
  const want = IBAN_LEN.get(m.slice(0, 2));
  if (want === undefined) return 0;
  // Walk the candidate until `want` alphanumerics are consumed; a trailing
  // word swallowed by the regex ("... 32 TODAY") is cut off at a space.
  let n = 0;
  let i = 0;
  for (; i < m.length && n < want; i++) if (m.charCodeAt(i) !== 32) n++;
  if (n < want || (i < m.length && m.charCodeAt(i) !== 32)) return 0;
  const head = m.slice(0, i);
  const compact = head.replace(/ /g, "");
  // Spaced form must be the printed one: groups of four after the first.
  if (head.includes(" ") && !/^[A-Z0-9]{4}(?: [A-Z0-9]{4})*(?: [A-Z0-9]{1,3})?$/.test(head)) return 0;
  return ibanMod97(compact) ? i : 0;
}

/** ISO 13616 mod-97 check on a compact upper-case IBAN. */
export function ibanMod97(compact: string): boolean {
  const s = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

const HEX4 = /^[0-9A-Fa-f]{1,4}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** Full or "::"-compressed IPv6, optionally with a dotted IPv4 tail. */
export function isIpv6(s: string): boolean {
  // Cheap rejects first: times like "14:30:00" reach here all the time.
  if (!s.includes("::")) {
    let colons = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 58) colons++;
    if (colons !== 7 && !(colons === 6 && s.includes("."))) return false;
  }
  if (!/\d/.test(s)) return false; // "a::b", "dead:beef" are words, not addresses
  let budget = 8;
  let head = s;
  if (s.includes(".")) {
    const cut = s.lastIndexOf(":");
    if (!isIpv4(s.slice(cut + 1))) return false;
    budget = 6;
    head = s.endsWith("::", cut + 1) ? s.slice(0, cut + 1) : s.slice(0, cut);
  }
  const halves = head.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string | undefined) => (h ? h.split(":") : []);
  const all = halves.flatMap(groups);
  if (!all.every((g) => HEX4.test(g))) return false;
  if (halves.length === 1) return all.length === budget;
  // Compressed: "::" stands for at least one zero group; demand two real
  // groups so "::1"-style fragments and C++ "a::b" stay out.
  return all.length < budget && all.length + (budget === 6 ? 2 : 0) >= 2;
}

// Words that, right before a number, say it is an identifier, not PII.
const ID_CUE =
  /\b(?:order|invoice|inv|tracking|track|sku|ean|upc|gtin|isbn|imei|serial|s\/n|ref|reference|ticket|case|po|item|part|model|batch|lot|barcode|parcel|shipment|confirmation|booking)\b\s*(?:no\.?|num(?:ber)?|id|code|#)?\s*(?:is|was)?\s*[:#]?\s*$/i;

// Words that make an otherwise ambiguous digit run (no separators, no "+")
// read as a phone number.
const PHONE_CUE =
  /\b(?:phone|tel|telephone|call|calling|mobile|cell|cellphone|whatsapp|sms|text|ring|fax|landline|reach|handy|telefon|t\u00e9l|ph|number|office|contact|mob|tlf|num(?:e|é|\u00e9)ro|n\u00famero|numer|nummer|t\u00e9l\u00e9phone|tel(?:\u00e9|e)fono|telem\u00f3vel|joindre|puhelin|телефон)(?![\p{L}])[^\n\d]{0,30}$/iu;

// "SSN", "social security number", "SSN #", "ssn is" right before a number:
// nine digits there are the SSN, whatever their grouping.
const SSN_CUE =
  /\b(?:ssn|social security(?: number| no\.?| #)?|soc\.? sec\.?(?: no\.?)?)\s*(?:#|no\.?|num(?:ber)?)?\s*(?:is|was)?\s*[:#=]?\s*$/i;

const VERSION_CUE = /\b(?:v|ver|version|build|release|firmware|fw|rev|revision)\.?\s*$/i;

const before = (text: string, start: number, n: number) => text.slice(Math.max(0, start - n), start);

export function idCueBefore(text: string, start: number): boolean {
  return ID_CUE.test(before(text, start, 40));
}

export function phoneCueBefore(text: string, start: number): boolean {
  return PHONE_CUE.test(before(text, start, 40));
}

export function ssnCueBefore(text: string, start: number): boolean {
  return SSN_CUE.test(before(text, start, 40));
}

export function versionCueBefore(text: string, start: number): boolean {
  return VERSION_CUE.test(before(text, start, 20));
}

/** ASCII digits of s, everything else dropped. */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, "");
}
