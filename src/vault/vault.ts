import { DurableObject } from "cloudflare:workers";
import { appendAudit } from "../audit/index.ts";
import { expireTask } from "./held-actions.ts";
import { database } from "../db/index.ts";
import type { ErrorCode } from "../errors/index.ts";
import type { Capability } from "../contracts/capabilities.ts";
import type { Scope } from "../keys/claims.ts";
import type { KnownValue, PiiKind } from "../scan/index.ts";
import { maskForModel, type ModelMask } from "./masking.ts";
import type { OutboundHydration, Provenance } from "./provenance.ts";
import { TokenTable, type TokenEntry } from "./table.ts";

/**
 * One instance per task (idFromName(taskId)): the only place a task's real
 * values live. Closing or expiring the task deletes all of its storage, so no
 * vault outlives its task and every later call fails closed.
 */
export interface VaultMeta {
  taskId: string;
  /** Current holder of the task's keys (`agent:<name>` or `human:<id>`). */
  principal: string;
  /** jtis of the keys currently admitted; keys minted before a hand-off are revoked. */
  jtis: string[];
  scope: Scope;
  createdAt: number;
  expiresAt: number;
}

export interface VaultOpen extends Omit<VaultMeta, "createdAt"> {
  known: KnownValue[];
}

export interface TranscriptEntry {
  role: "customer" | "agent" | "system";
  by: string;
  text: string;
  /** An agent's entry exactly as it wrote it: what agents read back, so the transcript is no oracle on guesses. */
  wrote?: string;
  at: number;
  /** The idempotency key of the reply that wrote it, so a retry adds nothing. */
  key?: string;
}

type Gate = { ok: true; meta: VaultMeta; tokens?: number } | { ok: false; code: ErrorCode };

/** Who handed the task to another agent, with which grant: what its words may not raise. */
export interface Escalation {
  from: string;
  caps: Capability[];
}

interface Loaded {
  meta: VaultMeta | undefined;
  table: TokenTable;
}

interface VaultEnv {
  DB: D1Database;
}

export class Vault extends DurableObject<VaultEnv> {
  // In-memory copy of this task's storage; rebuilt from storage after eviction.
  #loaded: Loaded | undefined;
  // Live listeners of the conversation (a chat widget): channels, not state.
  #watchers = new Set<WritableStreamDefaultWriter<Uint8Array>>();

  async open(init: VaultOpen): Promise<void> {
    const state = await this.#state();
    if (state.meta && state.meta.taskId !== init.taskId) throw new Error("vault already bound to another task");
    const { known, ...rest } = init;
    const meta: VaultMeta = { ...rest, createdAt: state.meta?.createdAt ?? Date.now() };
    state.meta = meta;
    state.table.known = known;
    await this.ctx.storage.put({ meta, known });
    await this.ctx.storage.setAlarm(init.expiresAt);
  }

  /** Is this principal, holding these key ids, allowed to act on the task now? */
  async gate(principal: string, jtis: readonly string[]): Promise<Gate> {
    const { meta, table } = await this.#state();
    if (!meta) return { ok: false, code: "task_closed" };
    if (Date.now() >= meta.expiresAt) return { ok: false, code: "task_closed" };
    if (meta.principal !== principal) return { ok: false, code: "key_revoked" };
    if (!jtis.every((j) => meta.jtis.includes(j))) return { ok: false, code: "key_revoked" };
    // The token count feeds the vault growth limit (src/proxy/ledger/rates.ts).
    return { ok: true, meta, tokens: table.byToken.size };
  }

  /**
   * Hand the task to a new principal: only its freshly minted keys work from
   * now on. An escalation also records who escalated and with which grant,
   * in the same write, so the proxy can hold the next agent's actions to it.
   */
  async handoff(principal: string, jtis: string[], escalation?: Escalation): Promise<boolean> {
    const state = await this.#state();
    if (!state.meta) return false;
    state.meta = { ...state.meta, principal, jtis };
    const chain = escalation ? [...(await this.escalations()), escalation] : undefined;
    await this.ctx.storage.put(chain ? { meta: state.meta, escalations: chain } : { meta: state.meta });
    return true;
  }

  /** A run returned: its keys die now, whatever the agent left running (waitUntil) or kept. */
  async revoke(jtis: readonly string[]): Promise<boolean> {
    const state = await this.#state();
    if (!state.meta) return false;
    state.meta = { ...state.meta, jtis: state.meta.jtis.filter((j) => !jtis.includes(j)) };
    await this.ctx.storage.put("meta", state.meta);
    return true;
  }

  /** Every escalation between agents in this task, oldest first. */
  async escalations(): Promise<Escalation[]> {
    return (await this.ctx.storage.get<Escalation[]>("escalations")) ?? [];
  }

  async meta(): Promise<VaultMeta | null> {
    return (await this.#state()).meta ?? null;
  }

  /** Tokenize free text; `source` says who wrote it (src/vault/provenance.ts). */
  async tokenize(text: string, source: Provenance = "agent"): Promise<string> {
    const { table } = await this.#openState();
    const out = table.tokenize(text, source);
    await this.#flush(table);
    return out;
  }

  /** Tokenize declared PII fields wholesale and scan declared free-text fields. */
  async tokenizeRecord(
    record: Record<string, unknown>,
    pii: Readonly<Record<string, PiiKind | "FREE_TEXT">>,
  ): Promise<Record<string, unknown>> {
    const { table } = await this.#openState();
    const out: Record<string, unknown> = {};
    let learned = false;
    for (const [field, value] of Object.entries(record)) {
      const kind = pii[field];
      if (kind === undefined || typeof value !== "string") out[field] = value;
      // Free text of a record is text, not a declared field: customer-grade, never a record contact.
      else if (kind === "FREE_TEXT") out[field] = table.tokenize(value, "customer");
      else {
        out[field] = table.assign(kind, value, "record");
        learned = table.learn(kind, value) || learned;
      }
    }
    if (learned) await this.ctx.storage.put("known", table.known);
    await this.#flush(table);
    return out;
  }

  /** Outbound text under the hydration policy (src/vault/provenance.ts). Foreign tokens are reported, not guessed. */
  async hydrate(text: string): Promise<OutboundHydration> {
    return (await this.#state()).table.hydrate(text);
  }

  async resolve(token: string): Promise<TokenEntry | null> {
    return (await this.#state()).table.byToken.get(token) ?? null;
  }

  /**
   * An agent-written prompt on its way to the model: every PII-looking value in
   * it is replaced by a one-call placeholder (real or not, so the agent cannot
   * tell which), mapped back to the agent's own spelling in the completion.
   */
  async llmMask(texts: string[]): Promise<ModelMask> {
    return maskForModel(texts, (await this.#openState()).table);
  }

  /**
   * Before a prompt leaves: is the task's model budget left, and is the prompt
   * free of every real value this task knows (in any spelling)? One call, so
   * the gateway does not ship the known values out of the vault.
   */
  async llmPreflight(prompt: string, budget: number): Promise<{ ok: true; used: number } | { ok: false; code: "budget_exhausted" | "pii_in_prompt"; kinds: string[] }> {
    const { table } = await this.#openState();
    const used = (await this.ctx.storage.get<number>("llm_tokens")) ?? 0;
    if (used >= budget) return { ok: false, code: "budget_exhausted", kinds: [] };
    const kinds = table.realValueKinds(prompt);
    return kinds.length ? { ok: false, code: "pii_in_prompt", kinds } : { ok: true, used };
  }

  /** After the model answered: count its tokens and tokenize what the agent will read. */
  async llmSettle(tokens: number, texts: string[]): Promise<{ used: number; texts: string[] }> {
    const { table } = await this.#openState();
    const used = ((await this.ctx.storage.get<number>("llm_tokens")) ?? 0) + tokens;
    const out = texts.map((t) => table.tokenize(t, "agent"));
    await this.ctx.storage.put("llm_tokens", used);
    await this.#flush(table);
    return { used, texts: out };
  }

  /** Append to the conversation; an entry whose key is already there is not added again. */
  async appendTranscript(entry: Omit<TranscriptEntry, "at">): Promise<{ replayed: boolean }> {
    await this.#openState();
    const list = (await this.ctx.storage.get<TranscriptEntry[]>("transcript")) ?? [];
    if (entry.key && list.some((e) => e.key === entry.key)) return { replayed: true };
    list.push({ ...entry, at: Date.now() });
    await this.ctx.storage.put("transcript", list);
    await this.#broadcast(list.length - 1, entry);
    return { replayed: false };
  }

  /**
   * The conversation from entry `since` on, hydrated for its own customer, then
   * every new entry the moment it is written: one JSON line an entry. The
   * stream ends when the task's vault is closed. For the customer's channel only.
   */
  async watch(since: number): Promise<ReadableStream<Uint8Array>> {
    const { table } = await this.#state();
    const { readable, writable } = new IdentityTransformStream();
    const writer = writable.getWriter();
    const entries = await this.transcript();
    // Writes are not awaited: a slow reader must not hold the vault.
    entries.slice(since).forEach((e, i) => void writer.write(watchLine(since + i, e, table)).catch(() => undefined));
    this.#watchers.add(writer);
    return readable;
  }

  async #broadcast(index: number, entry: Omit<TranscriptEntry, "at">): Promise<void> {
    if (this.#watchers.size === 0) return;
    const line = watchLine(index, entry, (await this.#state()).table);
    for (const w of this.#watchers) void w.write(line).catch(() => this.#watchers.delete(w));
  }

  async transcript(): Promise<TranscriptEntry[]> {
    return (await this.ctx.storage.get<TranscriptEntry[]>("transcript")) ?? [];
  }

  async stats(): Promise<{ open: boolean; tokens: number; keys: number }> {
    const state = await this.#state();
    const keys = (await this.ctx.storage.list()).size;
    return { open: state.meta !== undefined, tokens: state.table.byToken.size, keys };
  }

  /** The task is over: forget everything. */
  async close(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#loaded = undefined;
    for (const w of this.#watchers) void w.close().catch(() => undefined);
    this.#watchers.clear();
  }

  override async alarm(): Promise<void> {
    const meta = await this.ctx.storage.get<VaultMeta>("meta");
    await this.close();
    if (meta) {
      await appendAudit(database(this.env.DB), {
        taskId: meta.taskId,
        actor: "proxy",
        event: "vault.expired",
        detail: { reason: "task outlived its maximum lifetime" },
      });
      // What waited for approval in this task expires with it (docs/approvals.md).
      await expireTask(this.env, meta.taskId, "the task outlived its maximum lifetime");
    }
  }

  async #flush(table: TokenTable): Promise<void> {
    const pending = Object.entries(table.drain());
    // put() takes at most 128 keys a call; the output gate holds the caller's
    // answer until all of these writes are durable.
    for (let i = 0; i < pending.length; i += 128) await this.ctx.storage.put(Object.fromEntries(pending.slice(i, i + 128)));
  }

  /** Writes need an open task: a closed vault must never be refilled. */
  async #openState(): Promise<Loaded> {
    const state = await this.#state();
    if (!state.meta) throw new Error("vault is closed");
    return state;
  }

  async #state(): Promise<Loaded> {
    if (this.#loaded) return this.#loaded;
    const all = await this.ctx.storage.list<unknown>();
    const table = new TokenTable();
    table.known = (all.get("known") as KnownValue[] | undefined) ?? [];
    for (const [key, value] of all) if (key.startsWith("t:")) table.load(key.slice(2), value as TokenEntry);
    const loaded: Loaded = { meta: all.get("meta") as VaultMeta | undefined, table };
    this.#loaded = loaded;
    return loaded;
  }
}

function watchLine(index: number, e: Omit<TranscriptEntry, "at">, table: TokenTable): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify({ index, role: e.role, by: e.by, text: table.hydrate(e.text).text })}\n`);
}
