/**
 * (a) Free-text scanning throughput inside workerd. The scan Worker runs in a
 * Miniflare of its own; each timed request does `rounds` passes over ~1 MB
 * and Node times it, minus the round trip of an empty request. Scan and
 * baseline requests alternate so drift hits both alike.
 */
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { bundleWorker } from "../../tools/local/bundle.ts";
import { agentDirs, compileRegistry } from "../../tools/local/registry.ts";
import { COMPATIBILITY_DATE, ROOT } from "../../tools/local/system.ts";
import { chatMessages, scanPass } from "./chat-text.ts";
import { median } from "./stats.ts";

export const SCAN_TARGET_MBPS = 50;

export interface ScanResult {
  bytes: number;
  messages: number;
  spans: number;
  scanMBps: number;
  baselineMBps: number;
  nodeScanMBps: number;
  /** The same loops timed by the Worker's own clock (coarse in production workerd). */
  innerScanMBps: number;
}

interface Answer {
  bytes: number;
  messages: number;
  found: number;
  innerMs: number;
}

export async function benchScan(): Promise<ScanResult> {
  const registry = await compileRegistry(await agentDirs(join(ROOT, "agents")));
  const bundle = await bundleWorker(join(import.meta.dirname, "scan-worker.ts"), registry);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "bench-scan",
          compatibilityDate: COMPATIBILITY_DATE,
          modules: [{ type: "ESModule", path: bundle.path, contents: bundle.contents }],
        },
      ],
    }),
  );
  try {
    await mf.ready;
    const call = async (mode: string, rounds: number): Promise<{ ms: number; a: Answer }> => {
      const t0 = performance.now();
      const res = await mf.dispatchFetch(`http://bench/?mode=${mode}&rounds=${rounds}`);
      const a = (await res.json()) as Answer;
      return { ms: performance.now() - t0, a };
    };
    // Warm-up: JIT tiers, the known-value regex cache, the isolate's heap.
    for (let i = 0; i < 3; i++) {
      await call("scan", 2);
      await call("regex", 5);
    }
    const rtt = median(await sequence(9, async () => (await call("noop", 1)).ms));
    const SCAN_ROUNDS = 8;
    const REGEX_ROUNDS = 40;
    const scanMs: number[] = [];
    const innerMs: number[] = [];
    const regexMs: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 7; i++) {
      const s = await call("scan", SCAN_ROUNDS);
      scanMs.push(s.ms - rtt);
      innerMs.push(s.a.innerMs);
      last = s.a;
      regexMs.push((await call("regex", REGEX_ROUNDS)).ms - rtt);
    }
    if (!last) throw new Error("no scan answer");
    const mbps = (rounds: number, ms: number) => (last!.bytes * rounds) / 1e3 / ms;
    return {
      bytes: last.bytes,
      messages: last.messages,
      spans: last.found,
      scanMBps: mbps(SCAN_ROUNDS, median(scanMs)),
      baselineMBps: mbps(REGEX_ROUNDS, median(regexMs)),
      nodeScanMBps: nodeReference(),
      innerScanMBps: mbps(SCAN_ROUNDS, median(innerMs)),
    };
  } finally {
    await mf.dispose();
  }
}

/** The same code in this Node process, for reference only (V8 in both). */
function nodeReference(): number {
  const { messages, bytes } = chatMessages();
  for (let i = 0; i < 2; i++) scanPass(messages);
  const runs = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    for (let r = 0; r < 4; r++) scanPass(messages);
    return (bytes * 4) / 1e3 / (performance.now() - t0);
  });
  return median(runs);
}

async function sequence(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}
