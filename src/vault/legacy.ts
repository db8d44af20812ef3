import type { KnownValue } from "../scan/index.ts";
import { MetaStore } from "./meta.ts";
import type { TokenEntry } from "./table.ts";
import { TokenStore } from "./tokens-store.ts";
import { Transcript } from "./transcript.ts";
import type { Escalation, TranscriptEntry, VaultMeta } from "./vault.ts";

/**
 * A vault written before its tables kept meta, escalations, known values,
 * tokens (`t:<token>`) and the transcript under storage keys. Run once, in
 * the constructor under blockConcurrencyWhile (no call sees a half-moved
 * vault), after migrate(): the rows are written in one transaction, then the
 * keys deleted. A start that fails between the two is retried as a whole
 * before any call, and the rows it wrote are replaced, not repeated.
 */
export async function moveLegacyKeys(storage: DurableObjectStorage): Promise<void> {
  const all = await storage.list<unknown>();
  const keys = [...all.keys()].filter(
    (k) => k === "meta" || k === "escalations" || k === "known" || k === "transcript" || k.startsWith("t:"),
  );
  if (keys.length === 0) return;
  const meta = new MetaStore(storage.sql);
  const tokens = new TokenStore(storage);
  storage.transactionSync(() => {
    const m = all.get("meta") as VaultMeta | undefined;
    if (m) meta.write(m);
    const escalations = all.get("escalations") as Escalation[] | undefined;
    if (escalations) {
      storage.sql.exec("DELETE FROM escalations");
      for (const e of escalations) meta.addEscalation(e);
    }
    const known = all.get("known") as KnownValue[] | undefined;
    if (known) tokens.replaceKnown(known);
    const entries: Record<string, TokenEntry> = {};
    for (const k of keys) if (k.startsWith("t:")) entries[k.slice(2)] = all.get(k) as TokenEntry;
    tokens.putTokens(entries);
    const transcript = all.get("transcript") as TranscriptEntry[] | undefined;
    if (transcript) {
      storage.sql.exec("DELETE FROM transcript");
      new Transcript(storage.sql).adopt(transcript);
    }
  });
  // delete() takes at most 128 keys a call.
  for (let i = 0; i < keys.length; i += 128) await storage.delete(keys.slice(i, i + 128));
}
