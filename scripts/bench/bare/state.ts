/**
 * The bare chain's per-task Durable Object (one per task, like the Vault):
 * the same kinds of storage gets and puts, holding raw values, with no
 * token table, no key admission and no expiry alarm.
 *
 * The floor chain (FLOOR=1, see proxy.ts) passes each call's audit row to the
 * RPC the call makes anyway, or to `audit` when bare makes none: the row is
 * durable in the object's storage before the call answers, in the same write,
 * and `finish` hands the rows over to be shipped to D1 at the run's end.
 */
import { DurableObject } from "cloudflare:workers";

export interface Entry {
  role: string;
  by: string;
  text: string;
  at: number;
}
export interface Meta {
  taskId: string;
  customerId: string;
}

/** One audit row, as the floor chain journals it (no values: op and argument names). */
export interface FloorRow {
  at: number;
  actor: string;
  op: string;
  detail: string;
}

export class BareState extends DurableObject {
  #n: number | undefined;

  /** The row's journal entry, to be written in the same put as the call's own state. */
  async #journal(row: FloorRow | undefined): Promise<Record<string, unknown>> {
    if (!row) return {};
    this.#n ??= (await this.ctx.storage.get<number>("jn")) ?? 0;
    const n = ++this.#n;
    return { jn: n, [`j:${String(n).padStart(6, "0")}`]: row };
  }
  async #put(entries: Record<string, unknown>, row: FloorRow | undefined): Promise<void> {
    await this.ctx.storage.put({ ...entries, ...(await this.#journal(row)) });
  }

  async audit(row: FloorRow): Promise<void> {
    await this.#put({}, row);
  }
  /** The transcript and the journaled rows, which leave the object here. */
  async finish(): Promise<{ transcript: Entry[]; rows: FloorRow[] }> {
    const rows = await this.ctx.storage.list<FloorRow>({ prefix: "j:" });
    await this.ctx.storage.delete([...rows.keys()]);
    return { transcript: await this.transcript(), rows: [...rows.values()] };
  }

  async open(meta: Meta, message: string): Promise<void> {
    await this.ctx.storage.put({
      meta,
      transcript: [{ role: "customer", by: "customer", text: message, at: Date.now() }],
    });
  }
  async meta(row?: FloorRow): Promise<Meta | undefined> {
    if (row) await this.audit(row);
    return this.ctx.storage.get<Meta>("meta");
  }
  async remember(key: string, value: unknown, row?: FloorRow): Promise<void> {
    await this.#put({ [`r:${key}`]: value }, row);
  }
  async addSpend(cents: number, row?: FloorRow): Promise<number> {
    const spent = ((await this.ctx.storage.get<number>("spent")) ?? 0) + cents;
    await this.#put({ spent }, row);
    return spent;
  }
  async addLlmUsage(tokens: number, row?: FloorRow): Promise<number> {
    const total = ((await this.ctx.storage.get<number>("llm_tokens")) ?? 0) + tokens;
    await this.#put({ llm_tokens: total }, row);
    return total;
  }
  async append(entry: Omit<Entry, "at">, row?: FloorRow): Promise<void> {
    const list = (await this.ctx.storage.get<Entry[]>("transcript")) ?? [];
    list.push({ ...entry, at: Date.now() });
    await this.#put({ transcript: list }, row);
  }
  async transcript(row?: FloorRow): Promise<Entry[]> {
    if (row) await this.audit(row);
    return (await this.ctx.storage.get<Entry[]>("transcript")) ?? [];
  }
}
