import { DurableObject } from "cloudflare:workers";
import { appendAudit } from "../audit/index.ts";
import { database } from "../db/index.ts";
import type { ErrorCode } from "../errors/index.ts";
import type { Scope } from "../keys/claims.ts";
import { tokenizeText, type KnownValue, type PiiKind } from "../scan/index.ts";
import { formatToken, TOKEN_PATTERN, valueKey } from "./tokens.ts";

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
  at: number;
}

type Gate = { ok: true; meta: VaultMeta } | { ok: false; code: ErrorCode };

interface Entry {
  kind: PiiKind;
  value: string;
}

interface Loaded {
  meta: VaultMeta | undefined;
  known: KnownValue[];
  byToken: Map<string, Entry>;
  byValue: Map<string, string>;
  counters: Map<string, number>;
}

interface VaultEnv {
  DB: D1Database;
}

export class Vault extends DurableObject<VaultEnv> {
  // In-memory copy of this task's storage; rebuilt from storage after eviction.
  #loaded: Loaded | undefined;

  async open(init: VaultOpen): Promise<void> {
    const state = await this.#state();
    if (state.meta && state.meta.taskId !== init.taskId) throw new Error("vault already bound to another task");
    const { known, ...rest } = init;
    const meta: VaultMeta = { ...rest, createdAt: state.meta?.createdAt ?? Date.now() };
    state.meta = meta;
    state.known = known;
    await this.ctx.storage.put({ meta, known });
    await this.ctx.storage.setAlarm(init.expiresAt);
  }

  /** Is this principal, holding these key ids, allowed to act on the task now? */
  async gate(principal: string, jtis: readonly string[]): Promise<Gate> {
    const { meta } = await this.#state();
    if (!meta) return { ok: false, code: "task_closed" };
    if (Date.now() >= meta.expiresAt) return { ok: false, code: "task_closed" };
    if (meta.principal !== principal) return { ok: false, code: "key_revoked" };
    if (!jtis.every((j) => meta.jtis.includes(j))) return { ok: false, code: "key_revoked" };
    return { ok: true, meta };
  }

  /** Hand the task to a new principal: only its freshly minted keys work from now on. */
  async handoff(principal: string, jtis: string[]): Promise<boolean> {
    const state = await this.#state();
    if (!state.meta) return false;
    state.meta = { ...state.meta, principal, jtis };
    await this.ctx.storage.put("meta", state.meta);
    return true;
  }

  async meta(): Promise<VaultMeta | null> {
    return (await this.#state()).meta ?? null;
  }

  async tokenize(text: string): Promise<string> {
    const state = await this.#openState();
    const out = this.#tokenizeWith(state, text);
    await this.#flush();
    return out;
  }

  /** Tokenize declared PII fields wholesale and scan declared free-text fields. */
  async tokenizeRecord(
    record: Record<string, unknown>,
    pii: Readonly<Record<string, PiiKind | "FREE_TEXT">>,
  ): Promise<Record<string, unknown>> {
    const state = await this.#openState();
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(record)) {
      const kind = pii[field];
      if (kind === undefined || typeof value !== "string") out[field] = value;
      else if (kind === "FREE_TEXT") out[field] = this.#tokenizeWith(state, value);
      else out[field] = this.#assign(state, kind, value);
    }
    await this.#flush();
    return out;
  }

  /** Replace this task's tokens by their values. Foreign tokens are reported, not guessed. */
  async hydrate(text: string): Promise<{ text: string; unknown: string[] }> {
    const { byToken } = await this.#state();
    const unknown: string[] = [];
    const hydrated = text.replace(TOKEN_PATTERN, (token) => {
      const entry = byToken.get(token);
      if (!entry) unknown.push(token);
      return entry ? entry.value : token;
    });
    return { text: hydrated, unknown };
  }

  async resolve(token: string): Promise<Entry | null> {
    return (await this.#state()).byToken.get(token) ?? null;
  }

  /** Real values the task knows: the LLM gateway refuses prompts that contain one. */
  async knownValues(): Promise<string[]> {
    const state = await this.#state();
    return [...state.known.map((k) => k.value), ...[...state.byToken.values()].map((e) => e.value)];
  }

  /** Reserve part of the task's cumulative refund budget atomically (single-threaded object). */
  async reserveSpend(cents: number, limitCents: number): Promise<{ ok: boolean; spentCents: number }> {
    await this.#openState();
    const spent = ((await this.ctx.storage.get<number>("spent")) ?? 0) + cents;
    if (spent > limitCents) return { ok: false, spentCents: spent - cents };
    await this.ctx.storage.put("spent", spent);
    return { ok: true, spentCents: spent };
  }

  async releaseSpend(cents: number): Promise<void> {
    const spent = (await this.ctx.storage.get<number>("spent")) ?? 0;
    await this.ctx.storage.put("spent", Math.max(0, spent - cents));
  }

  async appendTranscript(entry: Omit<TranscriptEntry, "at">): Promise<void> {
    await this.#openState();
    const list = (await this.ctx.storage.get<TranscriptEntry[]>("transcript")) ?? [];
    list.push({ ...entry, at: Date.now() });
    await this.ctx.storage.put("transcript", list);
  }

  async transcript(): Promise<TranscriptEntry[]> {
    return (await this.ctx.storage.get<TranscriptEntry[]>("transcript")) ?? [];
  }

  async stats(): Promise<{ open: boolean; tokens: number; keys: number }> {
    const state = await this.#state();
    const keys = (await this.ctx.storage.list()).size;
    return { open: state.meta !== undefined, tokens: state.byToken.size, keys };
  }

  /** The task is over: forget everything. */
  async close(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#loaded = undefined;
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
    }
  }

  #tokenizeWith(state: Loaded, text: string): string {
    return tokenizeText(text, state.known, (kind, value) => this.#assign(state, kind, value));
  }

  #pending: Record<string, Entry> = {};

  #assign(state: Loaded, kind: PiiKind, value: string): string {
    const key = valueKey(kind, value);
    const existing = state.byValue.get(key);
    if (existing) return existing;
    const n = (state.counters.get(kind) ?? 0) + 1;
    state.counters.set(kind, n);
    const token = formatToken(kind, n);
    state.byValue.set(key, token);
    state.byToken.set(token, { kind, value });
    this.#pending[`t:${token}`] = { kind, value };
    return token;
  }

  async #flush(): Promise<void> {
    const pending = this.#pending;
    if (Object.keys(pending).length === 0) return;
    this.#pending = {};
    // Writes are coalesced by the output gate: the caller sees its result only
    // after they are durable.
    await this.ctx.storage.put(pending);
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
    const loaded: Loaded = {
      meta: all.get("meta") as VaultMeta | undefined,
      known: (all.get("known") as KnownValue[] | undefined) ?? [],
      byToken: new Map(),
      byValue: new Map(),
      counters: new Map(),
    };
    for (const [key, value] of all) {
      if (!key.startsWith("t:")) continue;
      const entry = value as Entry;
      const token = key.slice(2);
      loaded.byToken.set(token, entry);
      loaded.byValue.set(valueKey(entry.kind, entry.value), token);
      const n = Number(/_(\d+)\]$/.exec(token)?.[1] ?? 0);
      loaded.counters.set(entry.kind, Math.max(loaded.counters.get(entry.kind) ?? 0, n));
    }
    this.#loaded = loaded;
    return loaded;
  }
}
