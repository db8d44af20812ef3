import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DETECTORS } from "../src/scan/detectors.ts";
import type { Span } from "../src/scan/index.ts";
import { findPii } from "../src/scan/index.ts";
import { findKnown } from "../src/scan/known.ts";
import { chatMessages } from "./bench/chat-text.ts";
import { extractScanner } from "./bench/scan-base.ts";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const RUNS = Number(opt("--runs") ?? 15);
const base = opt("--base");
const { messages, bytes } = chatMessages();
const enc = new TextEncoder();
const digits = messages.filter((m) => /\d/.test(m.text));
const plain = messages.filter((m) => !/\d/.test(m.text));
const bytesOf = (ms: typeof messages) => ms.reduce((n, m) => n + enc.encode(m.text).length, 0);
type Find = typeof findPii;

const once = (fn: () => void): number => {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
};
const line = (name: string, ms: number, n: number, b: number) =>
  `${name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${((ms * 1000) / n).toFixed(2).padStart(6)} us/msg  ${(b / 1e3 / ms).toFixed(1).padStart(6)} MB/s`;
const pass = (f: Find, set: typeof messages) => () => {
  for (const m of set) f(m.text, m.known);
};

console.log(
  `${messages.length} messages, ${(bytes / 1e6).toFixed(2)} MB; ${digits.length} with digits; ` +
    `load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}; ${RUNS} runs, min CPU time`,
);
const impls: [string, Find][] = [["this tree", findPii]];
if (base !== undefined) {
  const dir = extractScanner(base);
  const mod = (await import(pathToFileURL(join(dir, "src/scan/index.ts")).href)) as { findPii: Find };
  impls.unshift([`base ${base}`, mod.findPii]);
}
for (const [, f] of impls) for (let w = 0; w < 3; w++) pass(f, messages)();
const sets = [
  ["all", messages],
  ["with digits", digits],
  ["without digits", plain],
] as const;
const best = new Map<string, number>();
for (let r = 0; r < RUNS; r++) {
  for (const [label, set] of sets) {
    for (const [name, f] of impls) {
      const k = `${name}|${label}`;
      best.set(k, Math.min(best.get(k) ?? Infinity, once(pass(f, set))));
    }
  }
}
for (const [label, set] of sets) {
  for (const [name] of impls)
    console.log(line(`${name}: ${label}`, best.get(`${name}|${label}`) ?? 0, set.length, bytesOf(set)));
  if (impls.length === 2) {
    const [a, b] = impls.map(([n]) => best.get(`${n}|${label}`) ?? 0) as [number, number];
    console.log(`  speed-up ${(a / b).toFixed(2)}x`);
  }
}
console.log(
  `load after: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);

if (argv.includes("--parts")) {
  const cpu = (fn: () => void) => Math.min(...Array.from({ length: RUNS }, () => once(fn)));
  const out: Span[] = [];
  for (const [label, set] of [
    ["digits", digits],
    ["plain", plain],
  ] as const) {
    console.log(
      line(
        `  known (${label})`,
        cpu(() => {
          for (const m of set) {
            out.length = 0;
            findKnown(m.text, m.known, out);
          }
        }),
        set.length,
        bytesOf(set),
      ),
    );
    for (const d of DETECTORS) {
      const run = () => {
        for (const m of set) {
          if (d.needs !== "" && !m.text.includes(d.needs)) continue;
          out.length = 0;
          d.find(m.text, out);
        }
      };
      console.log(line(`  ${d.name} (${label})`, cpu(run), set.length, bytesOf(set)));
    }
  }
}
