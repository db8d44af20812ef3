// Known limitations, labelled with what an ideal scanner would return. These
// are NOT in the asserted figures: scan-eval reports them separately so the
// gaps stay visible (see docs/scanner.md, "What is not detected").
import type { KnownValue } from "../types.ts";
import type { MixedItem } from "./mixed.ts";

const k = (kind: KnownValue["kind"], value: string): KnownValue => ({ kind, value });

export const LIMITS: readonly (MixedItem & { why: string })[] = [
  {
    why: "lone name at the start of a sentence",
    text: "Maria will call you back tomorrow.",
    expect: [["NAME", "Maria"]],
  },
  { why: "lower-case name after a greeting", text: "hi anna, the parcel is here", expect: [["NAME", "anna"]] },
  { why: "company named after people", text: "Mason, Parker and Douglas shipped it on time.", expect: [] },
  {
    why: "street without a street word, no cue",
    text: "Kornmarken 32B is the right door",
    expect: [["ADDRESS", "Kornmarken 32B"]],
  },
  {
    why: "obfuscated email",
    text: "email me at ann dot lee at example dot com",
    expect: [["EMAIL", "ann dot lee at example dot com"]],
  },
  { why: "9-digit national number without a cue", text: "Büro Berlin: 030 901820", expect: [["PHONE", "030 901820"]] },
  { why: "bare digits, cue after the number", text: "4155550132 is my cell", expect: [["PHONE", "4155550132"]] },
  {
    why: "greedy grouping swallows a following number",
    text: "Call +44 20 7946 0958 2 times",
    expect: [["PHONE", "+44 20 7946 0958"]],
  },
  {
    why: "SSN written with spaces, no SSN cue",
    text: "It is 123 45 6789 on the form",
    expect: [["SSN", "123 45 6789"]],
  },
  {
    why: "transliterated known name",
    text: "Ольга Иванова called twice",
    known: [k("NAME", "Olga Ivanova")],
    expect: [["NAME", "Ольга Иванова"]],
  },
  {
    why: "known name without its diacritics",
    text: "Zoe Muller asked for a refund",
    known: [k("NAME", "Zoë Müller")],
    expect: [["NAME", "Zoe Muller"]],
  },
  {
    why: "known name that is a common word",
    text: "I will call back in May.",
    known: [k("NAME", "Will"), k("NAME", "May")],
    expect: [],
  },
  { why: "bare dotted quad used as a version", text: "Upgrading from 1.2.3.4 to 1.2.4.0 fixed it", expect: [] },
  { why: "Luhn-valid 16-digit number that is not a card", text: "Loyalty no. 4000 0000 0000 0002", expect: [] },
  { why: "SSN-shaped part number", text: "Replacement part 123-45-6789 is in stock", expect: [] },
];
