// Differential check for speed work on the scanner: findPii of this tree
// against findPii of git commit REF (src/scan extracted to a temporary
// folder) on the golden cases and on many texts mutated from them (spliced
// halves of two texts, words dropped or doubled, case flipped, digits and
// punctuation changed, line breaks and no-break spaces inserted). The golden
// test holds only the corpus texts themselves; this reaches the inputs
// around them, where a prefilter that is not exact would show.
//   npx node scripts/scan-diff.ts [--base main] [--n 200000] [--seed 1]
// Exits 1 on the first differences (printed as kinds and offsets, no values).

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { goldenItems } from "../src/scan/golden/cases.ts";
import type { KnownValue, Span } from "../src/scan/index.ts";
import { findPii } from "../src/scan/index.ts";
import { extractScanner } from "./bench/scan-base.ts";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const base = opt("--base") ?? "main";
const N = Number(opt("--n") ?? 200_000);
let seed = Number(opt("--seed") ?? 1) >>> 0;
const rnd = (n: number): number => {
  seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
  seed ^= seed >>> 12;
  return (seed >>> 0) % n;
};

const dir = extractScanner(base);
const old = (await import(pathToFileURL(join(dir, "src/scan/index.ts")).href)) as { findPii: typeof findPii };

const cases = goldenItems().flatMap((i) => i.cases);
const show = (s: Span[]) => s.map((x) => `${x.start}-${x.end}-${x.kind}`).join(",");
const PUNCT = [" ", ",", ".", "-", "\n", "\u00a0", ":", "(", ")", "/", "+", "@", "'", "#", "x", "  "];
function mutate(text: string, other: string): string {
  switch (rnd(8)) {
    case 0:
      return text.slice(0, rnd(text.length + 1)) + other.slice(rnd(other.length + 1));
    case 1: {
      const w = text.split(" ");
      w.splice(rnd(w.length), 1);
      return w.join(" ");
    }
    case 2: {
      const w = text.split(" ");
      const i = rnd(w.length);
      w.splice(i, 0, w[i] ?? "");
      return w.join(" ");
    }
    case 3: {
      const i = rnd(text.length + 1);
      const j = i + rnd(12);
      const part = text.slice(i, j);
      return text.slice(0, i) + (rnd(2) ? part.toUpperCase() : part.toLowerCase()) + text.slice(j);
    }
    case 4:
      return text.replace(/\d/g, (d) => (rnd(6) === 0 ? String(rnd(10)) : d));
    case 5: {
      const i = rnd(text.length + 1);
      return text.slice(0, i) + (PUNCT[rnd(PUNCT.length)] ?? " ") + text.slice(i);
    }
    case 6: {
      const i = rnd(text.length);
      return text.slice(0, i) + text.slice(i + 1);
    }
    default:
      return `${other.slice(0, rnd(other.length + 1))} ${text}`;
  }
}

let diffs = 0;
const check = (id: string, text: string, known: readonly KnownValue[]) => {
  const a = show(old.findPii(text, known));
  const b = show(findPii(text, known));
  if (a !== b && diffs++ < 20) console.log(`${id} (${text.length} chars): base ${a} | tree ${b}`);
};
for (const c of cases) check(c.id, c.text, c.known);
for (let n = 0; n < N; n++) {
  const c = cases[rnd(cases.length)] as (typeof cases)[number];
  const o = cases[rnd(cases.length)] as (typeof cases)[number];
  let text = mutate(c.text, o.text);
  if (rnd(2)) text = mutate(text, o.text);
  check(`${c.id}~${n}`, text, rnd(3) === 0 ? [] : c.known);
}
console.log(`${cases.length} golden cases and ${N} mutated texts against ${base}: ${diffs} differences`);
process.exit(diffs === 0 ? 0 : 1);
