// The held-out corpus: sentences generated from @faker-js/faker (a
// devDependency, never bundled) in 34 locales with a fixed seed, so names,
// streets, towns and phone formats come from a source the scanner's lexicon
// and tuning corpus were not built from. Deterministic: the same faker
// version gives the same corpus. Labels come from the slots filled in.

import type { Faker } from "@faker-js/faker";
import { allFakers } from "@faker-js/faker";
import type { LabelledItem } from "../corpus/labelled.ts";
import type { PiiKind } from "../types.ts";
import { LOCAL_TEMPLATES, NEG_TEMPLATES, PII_TEMPLATES } from "./templates.ts";

export const LOCALES = [
  "en_US",
  "en_GB",
  "en_AU",
  "en_CA",
  "en_IE",
  "en_IN",
  "de",
  "de_AT",
  "de_CH",
  "fr",
  "fr_BE",
  "es",
  "es_MX",
  "it",
  "nl",
  "pl",
  "pt_BR",
  "pt_PT",
  "sv",
  "da",
  "nb_NO",
  "fi",
  "tr",
  "cs_CZ",
  "hu",
  "ro",
  "ru",
  "uk",
  "el",
  "ja",
  "zh_CN",
  "ko",
  "vi",
  "id_ID",
] as const;
const PER_LOCALE = 64;
const NEG_SHARE = 4; // every 4th sentence is a hard negative

// Family name first, and no space in Chinese and Korean.
const FAMILY_FIRST = new Set(["hu", "ja", "zh_CN", "ko", "vi"]);
const NO_SPACE = new Set(["zh_CN", "ko"]);

/** Luhn check digit appended to `body`. */
function withLuhn(body: string): string {
  for (let d = 0; d < 10; d++) {
    const s = body + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let n = s.charCodeAt(s.length - 1 - i) - 48;
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return s;
  }
  return `${body}0`;
}
// Issuer prefix and length: Visa 13/16/19, Mastercard 2- and 5-series, Amex,
// Diners, Discover, JCB 16 and 15 (1800, 2131), Maestro 12-19, UnionPay.
const ISSUERS: readonly [string, number][] = [
  ["4", 16],
  ["4", 16],
  ["4", 13],
  ["4", 19],
  ["51", 16],
  ["55", 16],
  ["2221", 16],
  ["2720", 16],
  ["34", 15],
  ["37", 15],
  ["36", 14],
  ["300", 14],
  ["6011", 16],
  ["65", 16],
  ["3528", 16],
  ["3589", 16],
  ["2131", 15],
  ["1800", 15],
  ["5018", 12],
  ["5020", 12],
  ["6304", 12],
  ["6759", 12],
  ["6761", 12],
  ["5038", 16],
  ["6304", 19],
  ["62", 16],
  ["62", 19],
  ["6762", 13],
];
function card(f: Faker): string {
  const [pre, n] = f.helpers.arrayElement(ISSUERS);
  const d = withLuhn(pre + f.string.numeric(n - pre.length - 1));
  const style = f.number.int(3);
  if (style === 0) return d;
  const sep = style === 1 ? " " : "-";
  if (n === 15 && pre.startsWith("3")) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  return d.match(/.{1,4}/g)?.join(sep) ?? d;
}
function ssn(f: Faker): string {
  const area = f.helpers.arrayElement([f.number.int({ min: 1, max: 665 }), f.number.int({ min: 667, max: 899 })]);
  return `${String(area).padStart(3, "0")}-${String(f.number.int({ min: 1, max: 99 })).padStart(2, "0")}-${String(f.number.int({ min: 1, max: 9999 })).padStart(4, "0")}`;
}
function phone(f: Faker): string {
  const style = f.helpers.arrayElement(["human", "human", "national", "international"] as const);
  return f.phone.number({ style });
}
function iban(f: Faker): string {
  const formatted = f.datatype.boolean();
  const v = f.finance.iban({ formatted });
  return f.number.int(4) === 0 ? v.toLowerCase() : v;
}

interface Person {
  first: string;
  last: string;
  full: string;
  title: string;
}
function person(f: Faker, loc: string): Person {
  const sex = f.helpers.arrayElement(["female", "male"] as const);
  const first = f.person.firstName(sex);
  const last = f.person.lastName(sex);
  const sp = NO_SPACE.has(loc) ? "" : " ";
  const full = FAMILY_FIRST.has(loc) ? `${last}${sp}${first}` : `${first}${sp}${last}`;
  let title: string;
  try {
    title = f.person.prefix(sex);
  } catch {
    title = sex === "female" ? "Ms" : "Mr"; // the locale has no titles
  }
  return { first, last, full, title };
}
function address(f: Faker, loc: string, withTown: boolean): string {
  const street = f.location.streetAddress(f.number.int(3) === 0);
  if (!withTown) return street;
  if (loc === "en_US" || loc === "en_CA")
    return `${street}, ${f.location.city()}, ${f.location.state({ abbreviated: true })} ${f.location.zipCode()}`;
  return `${street}, ${f.location.zipCode()} ${f.location.city()}`;
}

function fill(f: Faker, loc: string, template: string, id: string): LabelledItem {
  const p = person(f, loc);
  const expect: { kind: PiiKind; value: string }[] = [];
  const pii = (kind: PiiKind, value: string) => {
    expect.push({ kind, value });
    return value;
  };
  const text = template.replace(/\{(\w+)\}/g, (_m, slot: string) => {
    switch (slot) {
      case "name":
        return pii("NAME", p.full);
      case "first":
        return pii("NAME", p.first);
      case "last":
        return pii("NAME", p.last);
      case "lfirst":
        return pii("NAME", p.first.toLowerCase());
      case "title":
        return p.title;
      case "name2":
        return pii("NAME", person(f, loc).full);
      case "email":
        return pii("EMAIL", f.internet.exampleEmail({ firstName: p.first, lastName: p.last }));
      case "phone":
      case "phone2":
        return pii("PHONE", phone(f));
      case "card":
        return pii("CARD", card(f));
      case "iban":
        return pii("IBAN", iban(f));
      case "ssn":
        return pii("SSN", ssn(f));
      case "ip":
        return pii("IP", f.internet.ipv4());
      case "ip6":
        return pii("IP", f.internet.ipv6());
      case "street":
        return pii("ADDRESS", address(f, loc, false));
      case "address":
        return pii("ADDRESS", address(f, loc, true));
      // not PII: must stay intact
      case "city":
        return f.location.city();
      case "country":
        return f.location.country();
      case "company":
        return f.company.name();
      case "product":
        return f.commerce.productName();
      case "vehicle":
        return f.vehicle.vehicle();
      case "department":
        return f.commerce.department();
      case "weekday":
        return f.date.weekday();
      case "month":
        return f.date.month();
      case "order":
        return `#${f.string.numeric(6)}`;
      case "amount":
        return `${f.finance.amount({ min: 5, max: 900 })} ${f.finance.currencyCode()}`;
      case "time":
        return `${f.number.int({ min: 8, max: 19 })}:${f.helpers.arrayElement(["00", "15", "30", "45"])}`;
      case "date":
        return f.date.between({ from: "2025-01-01", to: "2026-12-31" }).toISOString().slice(0, 10);
      case "n":
        return String(f.number.int({ min: 2, max: 30 }));
      case "version":
        return `${f.number.int(9)}.${f.number.int(20)}.${f.number.int(9)}`;
      default:
        throw new Error(`unknown slot {${slot}}`);
    }
  });
  return { id, source: "chat", text, known: [], expect, hardNegative: expect.length === 0 };
}

/** The held-out corpus: LOCALES.length x PER_LOCALE sentences, seeded per locale. */
export function heldOut(): LabelledItem[] {
  const items: LabelledItem[] = [];
  LOCALES.forEach((loc, li) => {
    const f = allFakers[loc];
    f.seed(16_000 + li);
    const local = LOCAL_TEMPLATES[loc.slice(0, 2)] ?? [];
    for (let i = 0; i < PER_LOCALE; i++) {
      const pool = i % NEG_SHARE === 3 ? NEG_TEMPLATES : local.length > 0 && i % 8 === 1 ? local : PII_TEMPLATES;
      items.push(fill(f, loc, f.helpers.arrayElement(pool), `${loc}-${i}`));
    }
  });
  return items;
}
