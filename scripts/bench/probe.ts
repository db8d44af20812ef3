/**
 * Unit costs inside workerd (see probe-worker.ts): milliseconds per
 * operation, from Node's clock around one request of n operations minus an
 * empty request, median of 5. Used to explain the SiloOS/bare ratio.
 */
import type { Miniflare } from "miniflare";
import { median } from "./stats.ts";

export const PROBES = {
  "d1-audit": { n: 40, label: "D1 audit-row insert" },
  "d1-read": { n: 40, label: "D1 point read (customer)" },
  "do-rpc": { n: 60, label: "Durable Object RPC (storage get)" },
  verify: { n: 150, label: "verify a key pair (2 x Ed25519 JWT)" },
  mint: { n: 150, label: "mint a key pair (2 x Ed25519 JWT)" },
  compile: { n: 40, label: "tokenize a message, new known values (compile)" },
  prompt: { n: 100, label: "scan a 4 KB prompt, compiled known values" },
} as const;
export type ProbeName = keyof typeof PROBES;

export async function probeCosts(mf: Miniflare): Promise<Record<ProbeName, number>> {
  const worker = await mf.getWorker("bench-probe");
  const call = async (op: string, n: number) => {
    const t0 = performance.now();
    await (await worker.fetch(`http://probe/?op=${op}&n=${n}`)).arrayBuffer();
    return performance.now() - t0;
  };
  const names = Object.keys(PROBES) as ProbeName[];
  for (const op of names) await call(op, 10); // warm-up (and key setup)
  const rtts: number[] = [];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<ProbeName, number[]>;
  for (let r = 0; r < 5; r++) {
    rtts.push(await call("noop", 1));
    for (const op of names) samples[op].push(await call(op, PROBES[op].n));
  }
  const rtt = median(rtts);
  return Object.fromEntries(names.map((op) => [op, Math.max(0, median(samples[op]) - rtt) / PROBES[op].n])) as Record<
    ProbeName,
    number
  >;
}

export interface VaultFill {
  fillMs: number;
  tokens: number;
  keys: number;
}

/** A real Vault in workerd filled with `n` values in one tokenizeRecord call. */
export async function fillRealVault(mf: Miniflare, n: number): Promise<VaultFill> {
  const worker = await mf.getWorker("bench-probe");
  const res = await worker.fetch(`http://probe/?op=vault-fill&n=${n}`);
  if (!res.ok) throw new Error(`vault fill failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as VaultFill;
}
