// A fixed scanner workload for valgrind, whose counts do not depend on the
// load of a shared machine: warm-up passes over the bench's chat mix, then a
// call into libuv that callgrind can zero its counters at, then the measured
// passes. Compare instructions (Ir) and simulated L1i misses (I1mr):
//   valgrind --tool=callgrind --cache-sim=yes --smc-check=all-non-file \
//     --zero-before=uv_getrusage --callgrind-out-file=/tmp/cg.out \
//     node_modules/.bin/node scripts/scan-passes.ts [passes] [scan dir]
// ("Collected" in valgrind's output: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw.)
// The scan dir defaults to src/scan; point it at a copy of another commit's
// src/scan (git archive REF src/scan | tar -x -C /tmp/x) to compare.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { findPii as FindPii } from "../src/scan/index.ts";
import { chatMessages } from "./bench/chat-text.ts";

const passes = Number(process.argv[2] ?? 3);
const dir = process.argv[3] ?? join(import.meta.dirname, "../src/scan");
const { findPii } = (await import(pathToFileURL(join(dir, "index.ts")).href)) as { findPii: typeof FindPii };
const { messages } = chatMessages(300_000);
for (let r = 0; r < 5; r++) for (const m of messages) findPii(m.text, m.known);
process.cpuUsage(); // libuv's uv_getrusage: callgrind --zero-before starts counting here
for (let r = 0; r < passes; r++) for (const m of messages) findPii(m.text, m.known);
process.exit(0);
