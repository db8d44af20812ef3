/**
 * (c) The vault's memory for a task holding 1 000 tokens: the in-memory
 * TokenTable measured by heap deltas after gc() (median of several
 * repetitions; gc is exposed at run time if node lacks --expose-gc), and the persisted size as the Vault stores it (one
 * `t:<token>` key per entry; key + JSON value bytes). The baseline is the
 * raw UTF-8 size of the 1 000 values themselves.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { TokenTable } from "../../src/vault/table.ts";
import { TOKENS, valueFor } from "./people.ts";
import { median } from "./stats.ts";

export { TOKENS };

export interface VaultMemory {
  tokens: number;
  /** Heap held by the table right after the last assign (pending writes not yet drained). */
  peakBytes: number;
  /** Heap held once the pending writes are drained, as between two calls. */
  residentBytes: number;
  persistedBytes: number;
  rawValueBytes: number;
  gcAvailable: boolean;
}

export function benchVaultMemory(reps = 7): VaultMemory {
  const gc = gcFunction();
  const peak: number[] = [];
  const resident: number[] = [];
  let persisted = 0;
  let raw = 0;
  for (let r = 0; r < reps + 1; r++) {
    collect(gc);
    const before = process.memoryUsage().heapUsed;
    // Values are built here, so the heap delta includes them, as it does
    // in the vault, where they arrive with the records being tokenized.
    let table: TokenTable | undefined = new TokenTable();
    for (let i = 0; i < TOKENS; i++) {
      const { kind, value } = valueFor(i);
      table.assign(kind, value);
    }
    collect(gc);
    const atPeak = process.memoryUsage().heapUsed - before;
    const drained = table.drain();
    if (r === 0) {
      persisted = Object.entries(drained).reduce(
        (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(JSON.stringify(v)),
        0,
      );
      raw = Object.values(drained).reduce((n, v) => n + Buffer.byteLength(v.value), 0);
    }
    collect(gc);
    const atRest = process.memoryUsage().heapUsed - before;
    if (table.byToken.size !== TOKENS) throw new Error(`expected ${TOKENS} tokens, got ${table.byToken.size}`);
    table = undefined;
    if (r > 0) {
      // The first repetition warms up (code, hidden classes); not counted.
      peak.push(atPeak);
      resident.push(atRest);
    }
  }
  return {
    tokens: TOKENS,
    peakBytes: median(peak),
    residentBytes: median(resident),
    persistedBytes: persisted,
    rawValueBytes: raw,
    gcAvailable: gc !== undefined,
  };
}

function collect(gc: (() => void) | undefined): void {
  // Twice: the first pass can leave weak-reference and finalizer work behind.
  gc?.();
  gc?.();
}

/** globalThis.gc under --expose-gc; otherwise the flag is set at run time. */
function gcFunction(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}
