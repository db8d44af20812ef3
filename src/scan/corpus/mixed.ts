// Hand-written items mixing real PII with look-alike noise, odd formatting
// and several countries' phone styles. `expect` lists every span to redact.
import type { KnownValue, PiiKind } from "../types.ts";

type E = [PiiKind, string];
export interface MixedItem {
  text: string;
  known?: readonly KnownValue[];
  expect: E[];
}

const kwame: KnownValue[] = [
  { kind: "NAME", value: "Kwame Mensah" },
  { kind: "NAME", value: "Kwame" },
  { kind: "NAME", value: "Mensah" },
  { kind: "PHONE", value: "+233 24 123 4567" },
  { kind: "EMAIL", value: "kwame.mensah@example.com" },
];
const aisha: KnownValue[] = [
  { kind: "NAME", value: "Aisha Bello-Okafor" },
  { kind: "NAME", value: "Aisha" },
  { kind: "NAME", value: "Bello-Okafor" },
  { kind: "ADDRESS", value: "5 Sample Mews, Testbury TE1 2ST" },
];

export const MIXED: readonly MixedItem[] = [
  {
    text: "Refund $1,234.56 to card 4111 1111 1111 1111 for order ORD-100234 please.",
    expect: [["CARD", "4111 1111 1111 1111"]],
  },
  {
    text: "Order #100234: customer phone +1 (415) 555-0132, delivered 2026-11-23 14:30.",
    expect: [["PHONE", "+1 (415) 555-0132"]],
  },
  {
    text: "UK mobile +447700900123 / landline 020 7946 0958 / fax (020) 7946 0959",
    expect: [
      ["PHONE", "+447700900123"],
      ["PHONE", "020 7946 0958"],
      ["PHONE", "(020) 7946 0959"],
    ],
  },
  {
    text: "Berlin office +49 30 901820, Paris +33 1 42 68 53 00, Tokyo +81 3-1234-5678.",
    expect: [
      ["PHONE", "+49 30 901820"],
      ["PHONE", "+33 1 42 68 53 00"],
      ["PHONE", "+81 3-1234-5678"],
    ],
  },
  { text: "call me on 030 901820 after 6", expect: [["PHONE", "030 901820"]] },
  { text: "my mobile is 07700900123, not the office one", expect: [["PHONE", "07700900123"]] },
  { text: "text me at 4155550147 when it ships (order 4417)", expect: [["PHONE", "4155550147"]] },
  { text: "Toll-free 1-800-555-0199 is closed on 25/12.", expect: [["PHONE", "1-800-555-0199"]] },
  {
    text: "Sydney: 0491 570 156 or (02) 5550 1234; Nairobi: 0712 345 678",
    expect: [
      ["PHONE", "0491 570 156"],
      ["PHONE", "(02) 5550 1234"],
      ["PHONE", "0712 345 678"],
    ],
  },
  {
    text: "IBAN DE89370400440532013000, BIC COBADEFFXXX, amount EUR 49.90",
    expect: [["IBAN", "DE89370400440532013000"]],
  },
  {
    text: "Wrong IBAN GB82 WEST 1234 5698 7654 33? The right one is GB82 WEST 1234 5698 7654 32.",
    expect: [["IBAN", "GB82 WEST 1234 5698 7654 32"]],
  },
  { text: "SSN 219-09-9999 vs invoice INV-2026-0042 vs date 2026-11-23", expect: [["SSN", "219-09-9999"]] },
  {
    text: "Blocked 203.0.113.9 (v2.3.1 client) and 2001:db8::dead:beef at 14:30:00",
    expect: [
      ["IP", "203.0.113.9"],
      ["IP", "2001:db8::dead:beef"],
    ],
  },
  {
    text: "Email KWAME.MENSAH@EXAMPLE.COM bounced, try kwame.m@example.net",
    known: kwame,
    expect: [
      ["EMAIL", "KWAME.MENSAH@EXAMPLE.COM"],
      ["EMAIL", "kwame.m@example.net"],
    ],
  },
  {
    text: "Kwame rang from 024 123 4567 (that's +233 24 123 4567 intl) about ORD-551902.",
    known: kwame,
    expect: [
      ["NAME", "Kwame"],
      ["PHONE", "024 123 4567"],
      ["PHONE", "+233 24 123 4567"],
    ],
  },
  {
    text: "Mr MENSAH says 0241234567 is his only number.",
    known: kwame,
    expect: [
      ["NAME", "MENSAH"],
      ["PHONE", "0241234567"],
    ],
  },
  {
    text: "Aisha Bello-Okafor moved to 5 Sample Mews,\nTestbury TE1 2ST last month.",
    known: aisha,
    expect: [
      ["NAME", "Aisha Bello-Okafor"],
      ["ADDRESS", "5 Sample Mews,\nTestbury TE1 2ST"],
    ],
  },
  {
    text: "Ms Bello-Okafor (Aisha) confirmed; the Bello family account is separate.",
    known: aisha,
    expect: [
      ["NAME", "Bello-Okafor"],
      ["NAME", "Aisha"],
    ],
  },
  {
    text: "Cards on file: 5555-5555-5555-4444 and 3782 822463 10005; 4111 1111 1111 is incomplete.",
    expect: [
      ["CARD", "5555-5555-5555-4444"],
      ["CARD", "3782 822463 10005"],
    ],
  },
  {
    text: "mailto:ops+alerts@example.test, cc finance@sub.example.org.",
    expect: [
      ["EMAIL", "ops+alerts@example.test"],
      ["EMAIL", "finance@sub.example.org"],
    ],
  },
  {
    text: "From: <billing@example.com> Sent: 23/11/2026 09:15 Re: INV-2025-1187",
    expect: [["EMAIL", "billing@example.com"]],
  },
  {
    text: "Customer 4417 says card 6011-1111-1111-1117 was used at 192.0.2.44.",
    expect: [
      ["CARD", "6011-1111-1111-1117"],
      ["IP", "192.0.2.44"],
    ],
  },
  {
    text: "Seoul 010-1234-5678, São Paulo (11) 91234-5678, Mexico +52 55 1234 5678",
    expect: [
      ["PHONE", "010-1234-5678"],
      ["PHONE", "(11) 91234-5678"],
      ["PHONE", "+52 55 1234 5678"],
    ],
  },
  {
    text: "Lagos 0803 123 4567, Istanbul 0212 555 0123, Manila 0917 123 4567",
    expect: [
      ["PHONE", "0803 123 4567"],
      ["PHONE", "0212 555 0123"],
      ["PHONE", "0917 123 4567"],
    ],
  },
  {
    text: "Old number 415.555.0132, new one 415-555-0182; order qty 12.",
    expect: [
      ["PHONE", "415.555.0132"],
      ["PHONE", "415-555-0182"],
    ],
  },
  { text: "Payout to NL91ABNA0417164300 for $700; ref cas_1002.", expect: [["IBAN", "NL91ABNA0417164300"]] },
  {
    text: "Server 10.0.0.12 talks to ::ffff:192.0.2.128 via build 10.0.19045.3693",
    expect: [
      ["IP", "10.0.0.12"],
      ["IP", "::ffff:192.0.2.128"],
    ],
  },
  {
    text: "Chargeback: 4242-4242-4242-4242 / ssn 078-05-1120 / ip 198.51.100.7",
    expect: [
      ["CARD", "4242-4242-4242-4242"],
      ["SSN", "078-05-1120"],
      ["IP", "198.51.100.7"],
    ],
  },
  { text: "whatsapp +44 7700 900456 pls", expect: [["PHONE", "+44 7700 900456"]] },
  { text: "phone: 555-0132 (ext 12)", expect: [["PHONE", "555-0132"]] },
  { text: "Amex 371449635398431 expires 08/29, CVC on file.", expect: [["CARD", "371449635398431"]] },
  {
    text: "New ticket from Ann: 'Annual fee charged twice', reply to ann.lee@example.com",
    known: [{ kind: "NAME", value: "Ann" }],
    expect: [
      ["NAME", "Ann"],
      ["EMAIL", "ann.lee@example.com"],
    ],
  },
];
