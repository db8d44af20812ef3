// The words right before a candidate name, read backwards by hand (a regex
// anchored at "$" would be tried at every one of the 40 characters before
// it, for every candidate).
export interface Context {
  /** The word right before, lower case ("" at the start of the text). */
  w1: string;
  /** The two words before, "w2 w1" (only when nothing but spaces separates them). */
  w2: string;
  /** The three words before. */
  w3: string;
  /** Punctuation between w1 and the run, spaces removed: "", ",", ":", "."... */
  sep: string;
  /** Nothing or ".!?:;\"(" and a line break before the run. */
  sentenceStart: boolean;
  /** The run starts a line. */
  lineStart: boolean;
  /** A dash before the run: "thanks - Anna". */
  dash: boolean;
}

const isWordChar = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  c === 39 ||
  c === 0x2019 ||
  c === 47 ||
  c === 45 ||
  (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x206f));
const isSpace = (c: number) => c === 32 || c === 0xa0 || c === 9;

/**
 * The cue phrases the caller looks w2 and w3 up in, by their ends: `two`
 * holds the last word of every phrase of two or three words, `three` the
 * last two words of every phrase of three. w2 and w3 are built only when
 * such a phrase could match (most words before a name end none), and are ""
 * otherwise, which no phrase list holds.
 */
export interface PhraseEnds {
  two: ReadonlySet<string>;
  three: ReadonlySet<string>;
}

export function context(text: string, at: number, ends: PhraseEnds): Context {
  let i = at - 1;
  let lead = ""; // the punctuation, without spaces and line breaks
  let lineStart = false;
  let stop = false; // ".!?:;\"“(" or a line break among it
  let dash = false;
  // punctuation and spaces right before the run
  while (i >= 0 && at - i < 12) {
    const c = text.charCodeAt(i);
    if (isWordChar(c) && !(c === 45 && i > 0 && isSpace(text.charCodeAt(i - 1)))) break;
    if (c === 10) {
      lineStart ||= lead === "" && !stop;
      stop = true;
    } else if (!isSpace(c)) {
      if (lead === "") dash = c === 45 || c === 0x2013 || c === 0x2014 || c === 126;
      lead = text[i] + lead;
      stop ||= c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 34 || c === 0x201c || c === 40;
    }
    i--;
  }
  const words: string[] = [];
  let gapOk = true;
  while (words.length < 3 && i >= 0) {
    const e = i + 1;
    while (i >= 0 && isWordChar(text.charCodeAt(i))) i--;
    if (e - i - 1 === 0) break;
    const w = text.slice(i + 1, e).toLowerCase();
    words.push(w.includes("\u2019") ? w.replace(/\u2019/g, "'") : w);
    // only spaces may separate the words of a cue phrase
    let j = i;
    while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
    if (j === i || (j >= 0 && !isWordChar(text.charCodeAt(j)))) {
      gapOk = false;
    }
    i = j;
    if (!gapOk) break;
  }
  const [a = "", b, c] = words;
  const w2 = b === undefined || !ends.two.has(a) ? "" : `${b} ${a}`;
  return {
    w1: a,
    w2,
    w3: w2 === "" || c === undefined || !ends.three.has(w2) ? "" : `${c} ${w2}`,
    sep: lead,
    sentenceStart: a === "" || stop,
    lineStart: lineStart || at === 0,
    dash,
  };
}
