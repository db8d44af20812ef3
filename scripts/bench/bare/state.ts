/**
 * The bare chain's per-task Durable Object (one per task, like the Vault):
 * the same kinds of storage gets and puts, holding raw values, with no
 * token table, no key admission and no expiry alarm.
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

export class BareState extends DurableObject {
  async open(meta: Meta, message: string): Promise<void> {
    await this.ctx.storage.put({
      meta,
      transcript: [{ role: "customer", by: "customer", text: message, at: Date.now() }],
    });
  }
  async meta(): Promise<Meta | undefined> {
    return this.ctx.storage.get<Meta>("meta");
  }
  async remember(key: string, value: unknown): Promise<void> {
    await this.ctx.storage.put(`r:${key}`, value);
  }
  async addSpend(cents: number): Promise<number> {
    const spent = ((await this.ctx.storage.get<number>("spent")) ?? 0) + cents;
    await this.ctx.storage.put("spent", spent);
    return spent;
  }
  async addLlmUsage(tokens: number): Promise<number> {
    const total = ((await this.ctx.storage.get<number>("llm_tokens")) ?? 0) + tokens;
    await this.ctx.storage.put("llm_tokens", total);
    return total;
  }
  async append(entry: Omit<Entry, "at">): Promise<void> {
    const list = (await this.ctx.storage.get<Entry[]>("transcript")) ?? [];
    list.push({ ...entry, at: Date.now() });
    await this.ctx.storage.put("transcript", list);
  }
  async transcript(): Promise<Entry[]> {
    return (await this.ctx.storage.get<Entry[]>("transcript")) ?? [];
  }
}
