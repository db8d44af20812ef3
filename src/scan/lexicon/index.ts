// The name lexicon as sets, built on first use (a Worker that never scans
// free text pays nothing). Data and licences: data.ts, build.ts.
import { COMMON, GIVEN, SURNAMES } from "./data.ts";

export interface Lexicon {
  /** Given names (lower case). */
  given: ReadonlySet<string>;
  /** Surnames (lower case). */
  surnames: ReadonlySet<string>;
  /** The ~10 000 commonest English words: "will", "grace", "station"... */
  common: ReadonlySet<string>;
}

let lex: Lexicon | null = null;

export function lexicon(): Lexicon {
  lex ??= {
    given: new Set(GIVEN.split(" ")),
    surnames: new Set(SURNAMES.split(" ")),
    common: new Set(COMMON.split(" ")),
  };
  return lex;
}
