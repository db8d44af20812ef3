// The name lexicon as sets, built on first use (a Worker that never scans
// free text pays nothing). Data and licences: data.ts, build.ts.
import { COMMON, GIVEN, SURNAMES } from "./data.ts";

export interface Lexicon {
  /** Given names (folded). */
  given: ReadonlySet<string>;
  /** Surnames (folded). */
  surnames: ReadonlySet<string>;
  /** The ~10 000 commonest English words: "will", "grace", "station"... */
  common: ReadonlySet<string>;
}

let lex: Lexicon | null = null;

/** Lower case without diacritics, as the lexicon stores names ("Péter" -> "peter"). */
export const fold = (w: string): string => {
  const l = w.toLowerCase();
  for (let i = 0; i < l.length; i++) {
    if (l.charCodeAt(i) > 0x7f) return l.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }
  return l;
};

export function lexicon(): Lexicon {
  lex ??= {
    given: new Set(GIVEN.split(" ")),
    surnames: new Set(SURNAMES.split(" ")),
    common: new Set(COMMON.split(" ")),
  };
  return lex;
}
