// Names right after a cue that have no capitals to go by: lower-case chat
// ("my name is anna", "hi its tomas again") and scripts without case
// ("My name is 王伟", "اسمي عوضية العلاني", "저는 김민준").

import type { Lexicon } from "./lexicon/index.ts";
import { fold } from "./lexicon/index.ts";
import { NOT_NAMES } from "./lexicon/stop.ts";
import type { Span } from "./types.ts";

const UNCASED =
  "[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}\\p{sc=Arabic}\\p{sc=Hebrew}\\p{sc=Thai}\\p{sc=Devanagari}]";
// The cue is case-insensitive, the name after it is not (a "(?i:)" group).
// A part of a word every Latin cue has ("name", "called", "again", "here", "speaking"),
// in any case, as the cues are case-insensitive ("MY NAME IS anna"), or a character of
// an uncased script (one native scan; String#includes is slower).
const HINT = /ame|alled|gain|here|peaking|[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0e7f\u3040-\u9fff\uac00-\ud7af]/i;
const LOWER = "\\p{Ll}[\\p{Ll}\\p{M}]{1,19}";
const NAMES_UNCASED = `(?:${UNCASED}+)(?:[ \u00a0]${UNCASED}+){0,2}`;
export const CUED = new RegExp(
  // "my name is anna", "My name is 王伟": a lower-case or uncased name after a strong cue
  `\\b(?i:my name is|my name's|name is|i am called)[,:]?[ \u00a0]+(${NAMES_UNCASED}|${LOWER}(?:[ \u00a0]${LOWER})?)(?![\\p{L}\\p{M}])` +
    // "hi its karson again", "this is deneval here"
    `|\\b(?i:i'm|i\u2019m|im|it's|it\u2019s|its|this is)[ \u00a0]+(${LOWER})(?=[ \u00a0,]+(?i:again|here|speaking)\\b)` +
    // an uncased name after a weaker cue or a cue in its own language
    `|(?:\\b(?i:i'm|i\u2019m|im|i am|it's|it\u2019s|its|this is|hi|hello|hey|dear|thanks|mr\\.?|ms\\.?|mrs\\.?|dr\\.?)[,:]?[ \u00a0]+|` +
    `我叫|我是|私は|제 이름은|저는|اسمي |أنا |שמי |אני )(${NAMES_UNCASED})`,
  "gu",
);

/** Append cued lower-case and uncased names to `out` (not sorted). */
export function findCuedUncased(text: string, out: Span[], lex: Lexicon): void {
  // Cheap native prefilters: most messages have none of the cues' tell-tale parts.
  if (!HINT.test(text)) return;
  CUED.lastIndex = 0;
  for (let m = CUED.exec(text); m !== null; m = CUED.exec(text)) {
    const name = m[1] ?? m[2] ?? m[3] ?? "";
    const start = m.index + m[0].length - name.length;
    if (/^\p{Ll}/u.test(name)) {
      // Lower case after "my name is": a given name that is not an ordinary word (plus a
      // surname after it), or any word that is not ordinary. After "its": any non-ordinary word.
      const [a = "", b] = name.split(/[ \u00a0]/);
      if (lex.common.has(a) || NOT_NAMES.has(a)) continue;
      const known = lex.given.has(fold(a));
      const both = m[1] !== undefined && known && b !== undefined && lex.surnames.has(fold(b)) && !lex.common.has(b);
      const value = both ? name : a;
      out.push({ start, end: start + value.length, kind: "NAME", value });
    } else {
      // Han/Kana/Hangul run on together: a name is at most 4 characters there.
      const value = /^[\p{sc=Han}\p{sc=Hangul}]+$/u.test(name) && name.length > 4 ? name.slice(0, 4) : name;
      out.push({ start, end: start + value.length, kind: "NAME", value });
    }
  }
}
