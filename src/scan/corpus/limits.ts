// Known limitations, labelled with what an ideal scanner would return. These
// are NOT in the asserted figures: scan-eval reports them separately so the
// gaps stay visible (see docs/scanner.md, "What is not detected").
import type { KnownValue } from "../types.ts";
import type { MixedItem } from "./mixed.ts";

const k = (kind: KnownValue["kind"], value: string): KnownValue => ({ kind, value });

export const LIMITS: readonly (MixedItem & { why: string })[] = [
  { why: "names are never guessed", text: "My colleague Tom Baker will call you tomorrow.", expect: [["NAME", "Tom Baker"]] },
  { why: "names are never guessed", text: "Please ship it to my sister, Ines Duarte.", known: [k("NAME", "Marco Duarte")], expect: [["NAME", "Ines Duarte"]] },
  { why: "obfuscated email", text: "email me at ann dot lee at example dot com", expect: [["EMAIL", "ann dot lee at example dot com"]] },
  { why: "national number without trunk 0 or +", text: "Mi número es 912 345 678.", expect: [["PHONE", "912 345 678"]] },
  { why: "Russian trunk 8", text: "ring 8 (495) 123-45-67 in Moscow", expect: [["PHONE", "8 (495) 123-45-67"]] },
  { why: "7-digit local number", text: "my number is 5550132", expect: [["PHONE", "5550132"]] },
  { why: "9-digit national number without a cue", text: "Büro Berlin: 030 901820", expect: [["PHONE", "030 901820"]] },
  { why: "bare digits, cue after the number", text: "4155550132 is my cell", expect: [["PHONE", "4155550132"]] },
  { why: "greedy grouping swallows a following number", text: "Call +44 20 7946 0958 2 times", expect: [["PHONE", "+44 20 7946 0958"]] },
  { why: "SSN written with spaces", text: "SSN 123 45 6789", expect: [["SSN", "123 45 6789"]] },
  { why: "lower-case IBAN", text: "iban gb82west12345698765432", expect: [["IBAN", "gb82west12345698765432"]] },
  { why: "transliterated known name", text: "Ольга Иванова called twice", known: [k("NAME", "Olga Ivanova")], expect: [["NAME", "Ольга Иванова"]] },
  { why: "known name without its diacritics", text: "Zoe Muller asked for a refund", known: [k("NAME", "Zoë Müller")], expect: [["NAME", "Zoe Muller"]] },
  { why: "abbreviated known address", text: "Deliver to 221B Example St please", known: [k("ADDRESS", "221B Example Street")], expect: [["ADDRESS", "221B Example St"]] },
  { why: "known name that is a common word", text: "I will call back in May.", known: [k("NAME", "Will"), k("NAME", "May")], expect: [] },
  { why: "bare dotted quad used as a version", text: "Upgrading from 1.2.3.4 to 1.2.4.0 fixed it", expect: [] },
  { why: "Luhn-valid 16-digit number that is not a card", text: "Loyalty no. 4000 0000 0000 0002", expect: [] },
  { why: "SSN-shaped part number", text: "Replacement part 123-45-6789 is in stock", expect: [] },
];
