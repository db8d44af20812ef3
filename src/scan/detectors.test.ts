import { describe, expect, it } from "vitest";
import type { Detector } from "./detectors.ts";
import { DETECTORS, ROWS, rowDetector } from "./detectors.ts";
import type { Span } from "./types.ts";

// detector name -> [texts whose hits must be exactly `hits`] ; negatives have no hits
const POS: Record<string, [text: string, hits: string[]][]> = {
  email: [
    ["write to ann.lee@example.com please", ["ann.lee@example.com"]],
    ["<Bob_O+tag@mail.example.org>.", ["Bob_O+tag@mail.example.org"]],
    ["two: a@example.test, b-c@sub.example.net.", ["a@example.test", "b-c@sub.example.net"]],
  ],
  "phone-intl": [
    ["E.164 +447700900123 ok", ["+447700900123"]],
    ["UK +44 20 7946 0958.", ["+44 20 7946 0958"]],
    ["ID (+62) 845 9164 1461, HU +36 30/995-8320", ["(+62) 845 9164 1461", "+36 30/995-8320"]],
    ["US +1 (415) 555-0132", ["+1 (415) 555-0132"]],
    ["DE +49 30 901820, FR +33 1 42 68 53 00", ["+49 30 901820", "+33 1 42 68 53 00"]],
    ["with trunk +44 (0)20 7946 0958", ["+44 (0)20 7946 0958"]],
    ["IN +91 98765 43210 / BR +55 11 91234-5678", ["+91 98765 43210", "+55 11 91234-5678"]],
  ],
  "phone-paren": [
    ["(415) 555-0132", ["(415) 555-0132"]],
    ["office (020) 7946 0958", ["(020) 7946 0958"]],
    ["SP (11) 91234-5678", ["(11) 91234-5678"]],
    ["no space (736)807-9727x123", ["(736)807-9727x123"]],
    ["AU (07) 9661 9454, NL (0937) 786732", ["(07) 9661 9454", "(0937) 786732"]],
    ["RU (911)893-68-80 or 8 (901) 804-95-63", ["(911)893-68-80", "8 (901) 804-95-63"]],
  ],
  "phone-nanp": [
    ["415-555-0132 or 415.555.0132", ["415-555-0132", "415.555.0132"]],
    ["toll free 1-800-555-0199", ["1-800-555-0199"]],
    ["spaced 212 555 0147", ["212 555 0147"]],
    ["001-415-555-0132x1234 or 395.263.5839 x6096", ["001-415-555-0132x1234", "395.263.5839 x6096"]],
    ["desk 415-555-0132 ext. 42", ["415-555-0132 ext. 42"]],
  ],
  "phone-00": [
    ["CH 0041 79 710 96 86", ["0041 79 710 96 86"]],
    ["HU 0036205751324.", ["0036205751324"]],
  ],
  "phone-trunk-mixed": [
    ["SE 079-371 16 99 or 0359-406 17", ["079-371 16 99", "0359-406 17"]],
    ["JP 05334-1-8500", ["05334-1-8500"]],
  ],
  "phone-short": [
    ["DK 46 88 00 18, PL 18-189-36-88", ["46 88 00 18", "18-189-36-88"]],
    ["ring 555-1234 or 1234 5678", ["555-1234", "1234 5678"]],
    ["RU 804-95-63, ES 989 368 800", ["804-95-63", "989 368 800"]],
  ],
  "phone-trunk": [
    ["mobile 07700 900123", ["07700 900123"]],
    ["020 7946 0958 and 01 42 68 53 00", ["020 7946 0958", "01 42 68 53 00"]],
    ["Tokyo 03-1234-5678", ["03-1234-5678"]],
    ["call me on 030 901820", ["030 901820"]],
    ["AU 0491 570 156", ["0491 570 156"]],
  ],
  "phone-cued": [
    ["call me on 07700900123", ["07700900123"]],
    ["my cell is 4155550132", ["4155550132"]],
    ["phone: 555-0132", ["555-0132"]],
  ],
  card: [
    ["card 4111 1111 1111 1111 exp 12/29", ["4111 1111 1111 1111"]],
    ["4111-1111-1111-1111", ["4111-1111-1111-1111"]],
    ["5555555555554444", ["5555555555554444"]],
    ["amex 3782 822463 10005", ["3782 822463 10005"]],
    ["visa13 4222222222222", ["4222222222222"]],
    ["4111 1111 1111 1111 2026", ["4111 1111 1111 1111"]],
    ["maestro 6304 0000 0000", ["6304 0000 0000"]],
    ["jcb15 180000000000002", ["180000000000002"]],
  ],
  iban: [
    ["GB82 WEST 1234 5698 7654 32", ["GB82 WEST 1234 5698 7654 32"]],
    ["to DE89370400440532013000.", ["DE89370400440532013000"]],
    ["FR14 2004 1010 0505 0001 3M02 606 TODAY", ["FR14 2004 1010 0505 0001 3M02 606"]],
    ["NO93 8601 1117 947", ["NO93 8601 1117 947"]],
    ["lower case gb82west12345698765432 too", ["gb82west12345698765432"]],
  ],
  ssn: [
    ["SSN 123-45-6789.", ["123-45-6789"]],
    ["ssn:078-05-1120", ["078-05-1120"]],
  ],
  "ssn-cued": [
    ["my SSN is 123456789.", ["123456789"]],
    ["Social security number: 078 05 1120", ["078 05 1120"]],
    ["ssn# 123.45.6789 thanks", ["123.45.6789"]],
  ],
  ipv4: [
    ["from 192.0.2.44 and 203.0.113.255.", ["192.0.2.44", "203.0.113.255"]],
    ["bare 1.2.3.4 is an IP", ["1.2.3.4"]],
  ],
  ipv6: [
    ["2001:0db8:0000:0000:0000:ff00:0042:8329", ["2001:0db8:0000:0000:0000:ff00:0042:8329"]],
    ["host 2001:db8::1.", ["2001:db8::1"]],
    ["[fe80::1ff:fe23:4567:890a]:443", ["fe80::1ff:fe23:4567:890a"]],
    ["mapped ::ffff:192.0.2.1", ["::ffff:192.0.2.1"]],
  ],
};

const NEG: Record<string, string[]> = {
  email: ["@username hi", "user@localhost", "icon@2x.png", "lodash@4.17.21", "a@b", "name@.example.com"],
  "phone-intl": ["+5% growth", "+30 days", "+1 415", "+1234567890123456789"],
  "phone-paren": ["(1) item", "(2026) report", "(12) 34"],
  "phone-nanp": ["2026-11-23", "123-456-7890", "order 415-555-0132", "v415.555.0132"],
  "phone-trunk": ["02134-1234", "01.12.2026", "INV-2026-0042", "0042 1234 5678", "order 0123 456 789", "030 901820"],
  "phone-00": ["order 0041 79 710 96 86", "0042 12", "00 12 34", "1000123456789"],
  "phone-trunk-mixed": ["000-12-3456", "2026-11-23", "ref 079-371 16 99", "0123-45"],
  "phone-short": [
    "7339-147 Caniço",
    "2026-11-23",
    "23.11.2026",
    "2019-2025",
    "1234.5678",
    "000-12-3456",
    "order 555-1234",
    "EUR 1 234 567",
    "12 345 678 EUR",
    "v2.3.1",
    "10 30",
    "14:30:00",
  ],
  "phone-cued": [
    "order 4155550132",
    "ORD-100234",
    "#1002345678",
    "555-0132",
    "1234567890 units",
    "call about order 4155550132",
  ],
  card: [
    "4111 1111 1111 1112",
    "1234 5678 9012 3456",
    "1Z999AA10123456784",
    "order 4111111111111111",
    "IMEI 356938035643809",
    "$4,111,111,111,111,111",
    "4111 1111 1111",
    "9400100000000000000000",
    "4111 1111 1111 6304 0000 0004",
    "180000000000001",
    "1800 0000 0000 0002 0",
  ],
  iban: [
    "GB82 WEST 1234 5698 7654 33",
    "XX82 WEST 1234 5698 7654 32",
    "ISO 27001",
    "GB82WEST",
    "GB82 WES T123 4569 8765 432",
  ],
  ssn: [
    "000-12-3456",
    "666-12-3456",
    "900-12-3456",
    "123-00-4567",
    "123-45-0000",
    "2026-11-23",
    "123-45-67890",
    "A123-45-6789",
  ],
  "ssn-cued": [
    "order 123456789",
    "call me on 123456789",
    "SSN 900123456",
    "SSN 123 45 67890",
    "SSN 000 12 3456",
    "SSN 123 45-6789",
  ],
  ipv4: [
    "v1.2.3.4",
    "version 1.2.3.4",
    "build 10.0.0.1",
    "256.1.1.1",
    "1.2.3",
    "10.0.0.300",
    "192.168.001.010",
    "1.2.3.4.5",
    "v2.3.1",
  ],
  ipv6: [
    "14:30",
    "12:30:45",
    "std::vector",
    "a::b",
    "00:1A:2B:3C:4D:5E",
    "::1",
    "dead:beef::cafe",
    "1:2:3:4:5:6:7:8:9",
  ],
};

// Every row on its own, plus the two hand-written scanners.
const byName = new Map<string, Detector>(ROWS.map((r) => [r.name, rowDetector(r)]));
for (const d of DETECTORS) if (d.name === "email" || d.name === "ipv6") byName.set(d.name, d);
const run = (name: string, text: string, d = byName.get(name)): Span[] => {
  const out: Span[] = [];
  d?.find(text, out);
  return out;
};
/** What findPii runs: all runtime detectors, prefilters applied. */
const runAll = (text: string): Span[] => {
  const out: Span[] = [];
  for (const d of DETECTORS) if (d.needs === "" || text.includes(d.needs)) d.find(text, out);
  return out;
};

describe("detectors", () => {
  it("every row has positive and negative cases", () => {
    for (const name of byName.keys()) {
      expect(POS[name]?.length, name).toBeGreaterThan(1);
      expect(NEG[name]?.length, name).toBeGreaterThan(2);
    }
  });

  it("the combined digit pass lets a later row take a position the first one rejected", () => {
    // phone-trunk matches "012-3456" first but rejects 7 digits; phone-cued accepts it.
    expect(runAll("call me on 012-3456").map((s) => [s.kind, s.value])).toEqual([["PHONE", "012-3456"]]);
    // Without a cue the short-number row takes it (7 digits in groups); after an identifier cue nothing does.
    expect(runAll("see 012-3456").map((s) => [s.kind, s.value])).toEqual([["PHONE", "012-3456"]]);
    expect(runAll("order 012-3456")).toEqual([]);
  });

  for (const [name, cases] of Object.entries(POS)) {
    describe(name, () => {
      it.each(cases)("finds %j", (text, hits) => {
        const spans = run(name, text);
        expect(spans.map((s) => s.value)).toEqual(hits);
        for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.value);
      });
      it.each(cases)("runtime detectors (combined pass, prefilters) also find %j", (text, hits) => {
        const all = runAll(text).map((s) => s.value);
        for (const h of hits) expect(all).toContain(h);
      });
      it.each(NEG[name] ?? [])("ignores %j", (text) => {
        expect(run(name, text).map((s) => s.value)).toEqual([]);
      });
    });
  }
});
