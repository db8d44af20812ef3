import { DurableObject } from "cloudflare:workers";
import { auditableText } from "../audit/agent-text.ts";
import { type AuditEvent, appendAudit } from "../audit/index.ts";
import { isPowerOfTen } from "../audit/throttle.ts";
import type { Capability } from "../contracts/capabilities.ts";
import { valueKey } from "../contracts/tokens.ts";
import { database } from "../db/index.ts";
import type { Scope } from "../keys/claims.ts";
import type { LlmEnv } from "../llm/provider.ts";
import type { KnownValue, PiiKind } from "../scan/index.ts";
import { ADMISSION_MESSAGES, admit, allowedRow, type CallFrame, type Gate, type Refusal } from "./admission.ts";
import { expireTask } from "./held-actions.ts";
import { AuditJournal, CARRY_MAX, type JournalCarry, shipJournal } from "./journal.ts";
import { type CountResult, TaskLedger } from "./ledger.ts";
import { moveLegacyKeys } from "./legacy.ts";
import { chatInVault, type LlmChatCall, type LlmChatOutcome } from "./llm-chat.ts";
import { type CompletionForPeople, completionForPeople, type ModelMask, maskForModel } from "./masking.ts";
import { MetaStore } from "./meta.ts";
import { type OutboundHydration, type Provenance, provenanceOf } from "./provenance.ts";
import { type LeaseGrantor, MINUTE_MS, RateLease } from "./rate-lease.ts";
import { realValueKinds } from "./real-values.ts";
import { checkRouterRows } from "./router-rows.ts";
import { hasSchema, migrate, tableCount } from "./schema.ts";
import { type RecordSnapshot, RecordSnapshots } from "./snapshots.ts";
import { type TokenEntry, TokenTable } from "./table.ts";
import { TokenStore } from "./tokens-store.ts";
import { type PhaseTrace, phaseTrace } from "./trace.ts";
import { Transcript } from "./transcript.ts";

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
  /**
   * The subject customer's email as their record held it when the task
   * opened (the proxy read it from D1 to open the vault): the one address
   * email.send may write to, checked here without a second read (recipient()).
   */
  contact?: { email: string };
  /**
   * The subject's record as the proxy read it to open the vault: customer.read
   * answers from it while it is fresh (tokenizeSnapshot), without a D1 read.
   */
  snapshot?: RecordSnapshot;
}

/**
 * Reads an op asks for in its admitting RPC (lookup()), instead of one RPC
 * each after it: a recipient, tokens to resolve, texts to hydrate, the
 * escalations. Reads only.
 */
export interface VaultLookup {
  recipient?: string;
  resolve?: string[];
  hydrate?: string[];
  escalations?: boolean;
}
export interface VaultLookedUp {
  recipient?: RecipientCheck;
  resolved: Array<TokenEntry | null>;
  hydrated: OutboundHydration[];
  escalations?: Escalation[];
}

/** recipient(): the address, or why not; "unchecked": this vault holds no contact (opened before it kept one). */
export type RecipientCheck = { ok: true; email: string } | { ok: false } | { ok: "unchecked"; email: string };

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

/** Vault methods a proxy call may run through step(): admitted first, audited after. */
const STEPS = new Set([
  "tokenizeRecord",
  "tokenizeRecords",
  "tokenizeSnapshot",
  "tokenize",
  "hydrate",
  "resolve",
  "appendTranscript",
  "transcript",
  "reply",
  "llmChat",
  "escalations",
  "meta",
  "completeEffect",
  "releaseEffect",
  "recipient",
  "lookup",
] as const);
export type StepMethod = typeof STEPS extends Set<infer M> ? M : never;
/** `effectDone`: the call's effect claim was completed in this step; `replay`: its effect had happened, this is its result. */
/** `journal`: the rows the call's effect carries in its own D1 batch (StepJournal.carry). */
export type StepResult<T> =
  | {
      ok: true;
      result: T;
      audited: boolean;
      effectDone?: boolean;
      replay?: Record<string, unknown>;
      journal?: JournalCarry;
    }
  | Refusal;

/**
 * A step's part in shipping the journal. `carry`: hand the rows waiting
 * (oldest first) to the call, whose effect writes its own row to D1: they go
 * in the effect's batch, before its row (src/proxy/ledger/journal-carry.ts).
 * `shippedThrough`: a batch that carried rows through this journal number
 * committed, so they can go (never sent before the commit: a batch that
 * fails leaves them here, to ship as usual).
 */
export interface StepJournal {
  carry?: boolean;
  shippedThrough?: number;
}

/** Storage key of the subject's contact (VaultOpen.contact); wiped with everything else. */
const CONTACT_KEY = "contact";

/** How long a journal row may wait in the vault before the alarm ships it to D1 (SILOOS_AUDIT_SHIP_MS). */
const SHIP_AFTER_MS = 1000;

/** Who handed the task to another agent, with which grant: what its words may not raise. */
export interface Escalation {
  from: string;
  caps: Capability[];
}

interface Loaded {
  meta: VaultMeta | undefined;
  table: TokenTable;
}

/** LlmEnv: the model provider's config (SILOOS_LLM, its key, the AI binding); the vault calls the model (llmChat). */
interface VaultEnv extends LlmEnv {
  DB: D1Database;
  /** The principals' per-minute counters (src/proxy/ledger/agent-rates.ts): they grant this task's lease. */
  AGENT_RATES: DurableObjectNamespace;
  /** How long (ms) a journal row may wait before the alarm ships it to D1; default 1000. */
  SILOOS_AUDIT_SHIP_MS?: string;
  /** Bench only ("1"): each step logs its wall-clock phases (src/vault/trace.ts). */
  SILOOS_BENCH_TRACE?: string;
}

export class Vault extends DurableObject<VaultEnv> {
  // In-memory copy of this task's storage; rebuilt from storage after eviction.
  #loaded: Loaded | undefined;
  // Live listeners of the conversation (a chat widget): channels, not state.
  #watchers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  readonly #journal = new AuditJournal(this.ctx.storage.sql);
  readonly #ledger = new TaskLedger(this.ctx.storage.sql);
  readonly #lease = new RateLease(this.ctx.storage.sql);
  readonly #transcript = new Transcript(this.ctx.storage.sql);
  readonly #meta = new MetaStore(this.ctx.storage.sql);
  readonly #tokens = new TokenStore(this.ctx.storage);
  readonly #snapshots = new RecordSnapshots(this.ctx.storage.sql);
  #shipAt: number | undefined;
  #shipping: Promise<number> | undefined;
  /** The last journal number endRun handed to the router (journalShipped): memory only, a bound on what it may drop. */
  #handedThrough: number | undefined;
  /** Bench only: the running step's wall-clock phases (SILOOS_BENCH_TRACE). */
  #trace: PhaseTrace | undefined;

  constructor(ctx: DurableObjectState, env: VaultEnv) {
    super(ctx, env);
    // An open vault is brought up to this code's schema before any call reaches it; a wiped one stays empty.
    void ctx.blockConcurrencyWhile(async () => {
      if (!hasSchema(ctx.storage.sql) && (await ctx.storage.get("meta")) === undefined) return;
      migrate(ctx.storage.sql);
      // Data of a vault written before its tables (storage keys): moved once, in the same serialised start.
      await moveLegacyKeys(ctx.storage);
    });
  }

  /** `journal`: the router's rows about the opening (src/vault/router-rows.ts), journaled in this same RPC. */
  async open(init: VaultOpen, journal: readonly AuditEvent[] = []): Promise<void> {
    const rows = checkRouterRows(journal);
    const state = await this.#state();
    migrate(this.ctx.storage.sql);
    if (state.meta && state.meta.taskId !== init.taskId) throw new Error("vault already bound to another task");
    const { known, contact, snapshot, ...rest } = init;
    const meta: VaultMeta = { ...rest, createdAt: state.meta?.createdAt ?? Date.now() };
    this.ctx.storage.transactionSync(() => {
      this.#meta.write(meta);
      this.#tokens.replaceKnown(known);
      if (snapshot) this.#snapshots.put(snapshot);
    });
    if (contact) await this.ctx.storage.put(CONTACT_KEY, contact);
    state.meta = meta;
    state.table.known = known;
    await this.ctx.storage.setAlarm(init.expiresAt);
    for (const row of rows) await this.#journalRow(row);
  }

  /**
   * open(), then the customer's first message tokenized and appended to the
   * transcript: the router's opening of a task in one RPC, not three.
   */
  async openWith(init: VaultOpen, message: string, journal: readonly AuditEvent[] = []): Promise<string> {
    await this.open(init, journal);
    const tokenized = await this.tokenize(message, "customer");
    await this.appendTranscript({ role: "customer", by: "customer", text: tokenized });
    return tokenized;
  }

  /** Is this principal, holding these key ids, allowed to act on the task now? */
  async gate(principal: string, jtis: readonly string[]): Promise<Gate> {
    return admit((await this.#state()).meta, principal, jtis);
  }

  /**
   * One proxy call's vault work: admit the keys, run the method, and (with
   * `detail`) journal the call's allowed row, all in this one RPC. A call
   * whose keys are not admitted runs nothing here. `journal`: rows for the
   * call's effect to carry to D1, or rows such a batch committed (StepJournal).
   */
  async step(
    frame: CallFrame,
    method: StepMethod | null,
    args: unknown[],
    detail?: Record<string, unknown>,
    journal: StepJournal = {},
  ): Promise<StepResult<unknown>> {
    const trace = phaseTrace(this.env.SILOOS_BENCH_TRACE, "vault", `${frame.op} ${method ?? "-"}`);
    this.#trace = trace;
    try {
      return await this.#step(frame, method, args, detail, journal, trace);
    } finally {
      this.#trace = undefined;
      trace?.end("result");
    }
  }

  async #step(
    frame: CallFrame,
    method: StepMethod | null,
    args: unknown[],
    detail: Record<string, unknown> | undefined,
    journal: StepJournal,
    trace: PhaseTrace | undefined,
  ): Promise<StepResult<unknown>> {
    // The principal's per-minute limits first, from this task's lease (src/vault/rate-lease.ts).
    const agent = frame.perMinute ? await this.#admitAgent(frame) : null;
    if (agent) return agent;
    const { meta, table } = await this.#state();
    // Rows an effect's D1 batch committed (whatever this step's fate): they are D1's now.
    if (meta && journal.shippedThrough !== undefined) this.#journal.drop(journal.shippedThrough);
    trace?.lap("load state, agent lease");
    // The task's own rate limits (src/vault/ledger.ts), counted before anything else, refused keys included.
    const counted = meta && frame.count ? limitRefusal(this.#ledger.count(frame.count)) : null;
    if (counted) return counted;
    const gate = admit(meta, frame.principal, frame.jtis);
    if (!gate.ok) return gate;
    // The vault growth limit (src/proxy/ledger/rates.ts), checked where the size is known.
    if (frame.maxVaultTokens !== undefined && table.byToken.size >= frame.maxVaultTokens) {
      return limitRefusal(
        this.#ledger.refuse({ kind: "vault_tokens", limit: frame.maxVaultTokens, what: "vault tokens per task" }),
      )!;
    }
    // Before an effect that writes its own row to D1: the rows before it ride in its batch, in order.
    let carry: JournalCarry | undefined;
    if (journal.carry) {
      carry = await this.#carry(gate.meta.taskId);
      if (!carry) return { ok: false, code: "audit_unavailable" };
    }
    trace?.lap("count, admit, carry");
    if (method !== null && !STEPS.has(method)) throw new Error(`vault: ${String(method)} is not a step`);
    const effect = frame.effect;
    if (effect) {
      const claim = this.#ledger.claim(frame.principal, frame.op, effect);
      if (claim.kind === "refused") return { ok: false, code: claim.code, message: claim.message };
      if (claim.kind === "replay") {
        // The effect happened already: nothing runs, the replay is the call's allowed row.
        await this.#journalRow(allowedRow(frame, { replayed: true }));
        return { ok: true, result: null, audited: true, replay: claim.result };
      }
    }
    let result: unknown;
    try {
      result = method === null ? null : await (this[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (err) {
      if (effect) this.#ledger.release(frame.principal, frame.op, effect.key);
      throw err;
    }
    trace?.lap(`run ${method ?? "-"}`);
    // An effect done inside this step (a reply) is completed with it; others by the proxy, after their effect.
    const stored = effect ? effectResult(method, result) : undefined;
    if (effect && stored === null) this.#ledger.release(frame.principal, frame.op, effect.key);
    else if (effect && stored !== undefined) this.#ledger.complete(frame.principal, frame.op, effect.key, stored);
    const effectDone = stored !== undefined && stored !== null;
    const carried = carry ? { journal: carry } : {};
    if (!detail) return { ok: true, result, audited: false, effectDone, ...carried };
    const extra = stepDetail(method, result);
    if (extra === null) return { ok: true, result, audited: false, effectDone, ...carried };
    await this.#journalRow(allowedRow(frame, { ...detail, ...extra }));
    trace?.lap("journal row");
    return { ok: true, result, audited: true, effectDone, ...carried };
  }

  /**
   * The rows a batch carries (an effect's, or the router's at a run's end:
   * endRun): every row waiting, oldest first. With
   * more than one batch waiting (D1 was down, the alarm behind), the journal
   * ships first, on its own; undefined if D1 cannot take it.
   */
  async #carry(taskId: string): Promise<JournalCarry | undefined> {
    if (this.#journal.pending(CARRY_MAX + 1).length > CARRY_MAX) {
      const shipped = await this.shipAudit().then(
        () => true,
        () => false,
      );
      if (!shipped) return undefined;
    }
    return { taskId, rows: this.#journal.pending(CARRY_MAX) };
  }

  /** The effect of a claimed call happened (outside the vault): replays return this result. */
  async completeEffect(principal: string, op: string, key: string, result: unknown): Promise<void> {
    this.#ledger.complete(principal, op, key, result);
  }

  /** The effect of a claimed call did not happen: a retry may run it. */
  async releaseEffect(principal: string, op: string, key: string): Promise<void> {
    this.#ledger.release(principal, op, key);
  }

  /** The task's ledgers (tests, diagnostics): its counters, the model tokens it spent or reserved, its unspent leased units. */
  async ledger(): Promise<{
    counters: ReturnType<TaskLedger["counters"]>;
    llmTokens: number;
    leased: ReturnType<RateLease["unspent"]>;
  }> {
    if (!(await this.#state()).meta) return { counters: {}, llmTokens: 0, leased: [] };
    const leased = this.#lease.unspent(Math.floor(Date.now() / MINUTE_MS));
    return { counters: this.#ledger.counters(), llmTokens: this.#ledger.tokensSpent(), leased };
  }

  /**
   * Journal a call's row (a refusal, or an allowed call whose vault work was
   * elsewhere). With a frame, the keys are admitted first and a call they do
   * not admit is filed as refused with the admission's code (the code the
   * caller gets). A closed vault journals nothing: the caller writes to D1.
   */
  async record(
    frame: CallFrame | null,
    event: AuditEvent,
  ): Promise<{ recorded: boolean; gate: Gate | Refusal | null }> {
    const agent = frame?.perMinute ? await this.#admitAgent(frame) : null;
    const { meta } = await this.#state();
    if (!meta) return { recorded: false, gate: frame ? { ok: false, code: "task_closed" } : null };
    // A call refused before its first vault RPC still counts against its principal's and the task's limits.
    const limited = agent ?? (frame?.count ? limitRefusal(this.#ledger.count(frame.count)) : null);
    const gate = limited ?? (frame ? admit(meta, frame.principal, frame.jtis) : null);
    // A refusal folded into an earlier row of its counter writes none.
    if (limited && !limited.audited) return { recorded: true, gate };
    // Admission comes first, as if checked before anything else: its code and message replace the call's own.
    const message = gate && !gate.ok ? ((gate as Refusal).message ?? ADMISSION_MESSAGES[gate.code]) : undefined;
    const row =
      gate && !gate.ok
        ? { ...event, decision: "refused" as const, reason: gate.code, detail: { ...event.detail, message } }
        : event;
    await this.#journalRow(row);
    return { recorded: true, gate };
  }

  /** Ship every journal row to D1 now (before the audit log is read). */
  async shipAudit(): Promise<number> {
    const meta = (await this.#state()).meta;
    if (!meta) return 0;
    // One shipment at a time: a second caller waits for the first, then ships what is left.
    const run = (this.#shipping ?? Promise.resolve(0))
      .catch(() => 0)
      .then(() => shipJournal(this.#journal, this.env.DB, meta.taskId));
    this.#shipping = run;
    return run;
  }

  /**
   * Hand the task to a new principal: only its freshly minted keys work from
   * now on. An escalation also records who escalated and with which grant,
   * in the same write, so the proxy can hold the next agent's actions to it.
   * Answers with the customer's latest message (tokenized), which the next
   * agent is given, so that the hand-off and that read are one RPC; null: the
   * vault is closed.
   */
  async handoff(
    principal: string,
    jtis: string[],
    escalation?: Escalation,
    journal: readonly AuditEvent[] = [],
  ): Promise<{ message: string | null } | null> {
    const rows = checkRouterRows(journal);
    const state = await this.#state();
    if (!state.meta) return null;
    const meta = { ...state.meta, principal, jtis };
    this.ctx.storage.transactionSync(() => {
      this.#meta.write(meta);
      if (escalation) this.#meta.addEscalation(escalation);
    });
    state.meta = meta;
    // The router's rows about the hand-off (keys minted, dispatched, queued): durable before it answers.
    for (const row of rows) await this.#journalRow(row);
    return { message: this.#transcript.entries().findLast((e) => e.role === "customer")?.text ?? null };
  }

  /**
   * A run returned: its keys die now, whatever the agent left running (waitUntil) or kept.
   * "closed": no open vault, nothing journaled (the caller writes to D1).
   */
  async revoke(jtis: readonly string[], revoked?: AuditEvent): Promise<"closed" | "revoked"> {
    const state = await this.#state();
    if (!state.meta) return "closed";
    state.meta = { ...state.meta, jtis: state.meta.jtis.filter((j) => !jtis.includes(j)) };
    this.#meta.write(state.meta);
    // The keys.revoked row follows the run's calls in the journal, and ships with them.
    if (revoked) await this.#journalRow(revoked);
    // The run's keys are dead, so its lease can never be spent: back to its principals now, not
    // at the wipe (a task stays open after its answer; best effort, the minute ends anyway).
    const unspent = this.#lease.drain(Math.floor(Date.now() / MINUTE_MS));
    await RateLease.giveBack(unspent, (principal) => this.#rates(principal));
    return "revoked";
  }

  /**
   * A run's end in one RPC: revoke its keys (revoke, above) and hand the rows
   * waiting in the journal, keys.revoked last, to the router (`journal`),
   * whose D1 batch about the run writes them before its own rows, in one
   * round trip (src/router/dispatch/run-journal.ts). They stay here, durable,
   * until the router says that batch committed (journalShipped); a batch that
   * fails, or a router that never says, leaves them to ship as usual (alarm,
   * wipe, a read of the log), once each. "unshipped": more rows waited than a
   * batch carries and D1 could not take the older ones (the router must not
   * act on the run). Then tokenize the text its agent handed back (a summary,
   * a reason) for the router to keep. The keys are dead before the text is
   * looked at. Texts are null when the vault is closed (the caller's own
   * tokenize then says why). `repliesSince`: the agent replies from that
   * transcript entry on, hydrated for the customer's channel (as
   * hydratedSince(since, "agent") gives them), so the answer to the request
   * that ran the task needs no RPC of its own.
   */
  async endRun(
    jtis: readonly string[],
    revoked: AuditEvent,
    texts: readonly string[],
    repliesSince?: number,
  ): Promise<{
    status: "closed" | "revoked" | "unshipped";
    texts: string[] | null;
    replies?: string[];
    journal?: JournalCarry;
  }> {
    const status = await this.revoke(jtis, revoked);
    if (status === "closed") return { status, texts: null };
    const journal = await this.#carry((await this.#openState()).meta!.taskId);
    if (!journal) return { status: "unshipped", texts: null };
    const last = journal.rows.at(-1)?.n;
    if (last !== undefined) this.#handedThrough = Math.max(this.#handedThrough ?? 0, last);
    const out: string[] = [];
    for (const text of texts) out.push(await this.tokenize(text, "agent"));
    if (repliesSince === undefined) return { status, texts: out, journal };
    const { entries } = await this.hydratedSince(repliesSince, "agent");
    return { status, texts: out, replies: entries.map((e) => e.text), journal };
  }

  /**
   * The router's batch that carried the rows endRun handed it committed,
   * through journal number `through`: they are D1's, so they go. Only rows
   * this vault handed out since it was loaded: a claim beyond them drops
   * nothing more, and a vault evicted meanwhile drops nothing (its rows ship
   * as usual, and D1 skips them).
   */
  async journalShipped(through: number): Promise<void> {
    if (this.#handedThrough === undefined || !(await this.#state()).meta) return;
    this.#journal.drop(Math.min(through, this.#handedThrough));
  }

  /** Every escalation between agents in this task, oldest first. */
  async escalations(): Promise<Escalation[]> {
    if (!(await this.#state()).meta) return [];
    return this.#meta.escalations();
  }

  async meta(): Promise<VaultMeta | null> {
    return (await this.#state()).meta ?? null;
  }

  /** Tokenize free text; `source` says who wrote it (src/vault/provenance.ts). */
  async tokenize(text: string, source: Provenance = "agent"): Promise<string> {
    const { table } = await this.#openState();
    const out = table.tokenize(text, source);
    this.#tokens.save(table);
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
    this.#tokens.save(table, learned ? table.known : undefined);
    return out;
  }

  /**
   * A read answered from the record the task opened with (VaultOpen.snapshot),
   * tokenized as tokenizeRecord does: the same fields, the same tokens. null
   * when there is none for this id or it is `maxAgeMs` old or more: no allowed
   * row (stepDetail), the op reads its system of record and tokenizes that.
   */
  async tokenizeSnapshot(
    kind: string,
    id: string,
    maxAgeMs: number,
    pii: Readonly<Record<string, PiiKind | "FREE_TEXT">>,
  ): Promise<Record<string, unknown> | null> {
    await this.#openState();
    const record = this.#snapshots.fresh(kind, id, maxAgeMs);
    return record ? this.tokenizeRecord(record, pii) : null;
  }

  /** Several records in one call (a list read): one RPC, not one per record. */
  async tokenizeRecords(
    records: Record<string, unknown>[],
    pii: Readonly<Record<string, PiiKind | "FREE_TEXT">>,
  ): Promise<Record<string, unknown>[]> {
    const out = [];
    for (const r of records) out.push(await this.tokenizeRecord(r, pii));
    return out;
  }

  /**
   * reply.send's vault work in one call: refuse a token this task did not
   * issue, tokenize the reply (a raw value it guessed never leaves as such),
   * append it to the transcript once per idempotency key.
   */
  async reply(entry: {
    text: string;
    by: string;
    key: string;
    source: Provenance;
  }): Promise<{ ok: false } | { ok: true; tokenized: string; replayed: boolean }> {
    const { unknown } = await this.hydrate(entry.text);
    if (unknown.length > 0) return { ok: false };
    const tokenized = await this.tokenize(entry.text, entry.source);
    const { replayed } = await this.appendTranscript({
      role: "agent",
      by: entry.by,
      text: tokenized,
      wrote: entry.text,
      key: entry.key,
    });
    return { ok: true, tokenized, replayed };
  }

  /** Outbound text under the hydration policy (src/vault/provenance.ts). Foreign tokens are reported, not guessed. */
  async hydrate(text: string): Promise<OutboundHydration> {
    return (await this.#state()).table.hydrate(text);
  }

  async resolve(token: string): Promise<TokenEntry | null> {
    return (await this.#state()).table.byToken.get(token) ?? null;
  }

  /** Several reads in one step (VaultLookup): each answers as its own method would. */
  async lookup(q: VaultLookup): Promise<VaultLookedUp> {
    const resolved = [];
    for (const token of q.resolve ?? []) resolved.push(await this.resolve(token));
    const hydrated = [];
    for (const text of q.hydrate ?? []) hydrated.push(await this.hydrate(text));
    return {
      ...(q.recipient !== undefined ? { recipient: await this.recipient(q.recipient) } : {}),
      resolved,
      hydrated,
      ...(q.escalations ? { escalations: await this.escalations() } : {}),
    };
  }

  /**
   * email.send's recipient: the token must be an email this task read from a
   * record, and that email must be the subject customer's contact (open()).
   * The agent chooses the token only; the address it stands for is checked
   * against one the agent never wrote. The raw address goes to the proxy,
   * which sends to it.
   */
  async recipient(token: string): Promise<RecipientCheck> {
    const entry = (await this.#state()).table.byToken.get(token);
    if (entry?.kind !== "EMAIL" || provenanceOf(entry) !== "record") return { ok: false };
    const contact = await this.ctx.storage.get<{ email: string }>(CONTACT_KEY);
    if (!contact) return { ok: "unchecked", email: entry.value };
    return valueKey("EMAIL", contact.email) === valueKey("EMAIL", entry.value)
      ? { ok: true, email: entry.value }
      : { ok: false };
  }

  /**
   * Before a prompt leaves, in one call (the known values never leave the
   * vault): mask the agent's strings (every PII-looking value becomes a
   * one-call placeholder, real or not, so the agent cannot tell which;
   * src/vault/masking.ts), check the masked prompt is free of every real
   * value this task knows (in any spelling), and reserve
   * the model budget: the prompt estimate plus the completion it may ask
   * for, capped by what is left (src/vault/ledger.ts). A refusal reserves nothing.
   */
  async llmPrepare(
    texts: string[],
    r: { budget: number; promptTokens: number; maxTokens: number },
  ): Promise<
    | { ok: true; mask: ModelMask; reservation: { id: string; maxTokens: number } }
    | { ok: false; code: "budget_exhausted" | "pii_in_prompt"; kinds: string[] }
  > {
    const { table, meta } = await this.#openState();
    if (this.#ledger.tokensSpent() >= r.budget) return { ok: false, code: "budget_exhausted", kinds: [] };
    this.#trace?.lap("llmPrepare: load, budget");
    const mask = maskForModel(texts, table);
    this.#trace?.lap("llmPrepare: mask");
    const kinds = realValueKinds(table, mask.texts);
    this.#trace?.lap("llmPrepare: real-value check");
    if (kinds.length) return { ok: false, code: "pii_in_prompt", kinds };
    const reservation = this.#ledger.reserveTokens(meta!.principal, r.budget, r.promptTokens, r.maxTokens);
    return reservation ? { ok: true, mask, reservation } : { ok: false, code: "budget_exhausted", kinds: [] };
  }

  /**
   * llm.chat in one RPC (src/vault/llm-chat.ts): llmPrepare, the model call
   * from here (the prompt masked, the budget reserved before it leaves), then
   * llmSettle; the allowed row's detail comes back with the outcome (stepDetail).
   */
  async llmChat(call: LlmChatCall): Promise<LlmChatOutcome> {
    return chatInVault(
      this.env,
      {
        prepare: (texts, r) => this.llmPrepare(texts, r),
        settle: (...a) => this.llmSettle(...a),
        admitted: async () => admit((await this.#state()).meta, call.caller.principal, call.caller.jtis),
      },
      call,
    );
  }

  /**
   * After the model answered (or failed: 0 tokens, no texts): settle its
   * reservation and tokenize what the agent will read. With `people`, also
   * the audit row's view of the completion (stepDetail), so the call's row
   * is journaled in this same RPC.
   */
  async llmSettle(
    reservationId: string,
    tokens: number,
    texts: string[],
    people?: CompletionForPeople,
  ): Promise<{ used: number; texts: string[]; audit?: ReturnType<typeof completionForPeople> }> {
    const { table } = await this.#openState();
    const used = this.#ledger.settleTokens(reservationId, tokens);
    const out = texts.map((t) => table.tokenize(t, "agent"));
    this.#tokens.save(table);
    return { used, texts: out, ...(people ? { audit: completionForPeople(out, people) } : {}) };
  }

  /** Append to the conversation; an entry whose key is already there is not added again. */
  async appendTranscript(entry: Omit<TranscriptEntry, "at">): Promise<{ replayed: boolean }> {
    await this.#openState();
    const index = this.#transcript.append(entry);
    if (index === null) return { replayed: true };
    await this.#broadcast(index, entry);
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
    if (!(await this.#state()).meta) return [];
    return this.#transcript.entries();
  }

  /**
   * The conversation from entry `since` on, hydrated under the policy (as
   * `hydrate` does, entry by entry) in one RPC; `role`: only its entries, but
   * `next` counts them all. For the customer's own channel only.
   */
  async hydratedSince(
    since: number,
    role?: string,
  ): Promise<{ entries: Array<{ role: string; by: string; text: string }>; next: number }> {
    const state = await this.#state();
    if (!state.meta) return { entries: [], next: 0 };
    const all = this.#transcript.entries();
    const entries = [];
    for (const e of all.slice(since)) {
      if (role === undefined || e.role === role)
        entries.push({ role: e.role, by: e.by, text: state.table.hydrate(e.text).text });
    }
    return { entries, next: all.length };
  }

  async stats(): Promise<{ open: boolean; tokens: number; keys: number }> {
    const state = await this.#state();
    // Storage keys and SQLite tables: a wiped vault has neither.
    const keys = (await this.ctx.storage.list()).size + tableCount(this.ctx.storage.sql);
    return { open: state.meta !== undefined, tokens: state.table.byToken.size, keys };
  }

  /** Audit rows in this vault's journal, not yet in D1 (tests, diagnostics). */
  async journalSize(): Promise<number> {
    return this.#journal.size();
  }

  /** The task is over: ship the journal, then forget everything. A journal D1 cannot take yet keeps the vault (throws). */
  async close(): Promise<void> {
    await this.shipAudit();
    // Units leased and not spent go back to their principals (best effort: the minute ends anyway).
    const unspent = (await this.#state()).meta ? this.#lease.unspent(Math.floor(Date.now() / MINUTE_MS)) : [];
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#shipAt = undefined;
    this.#handedThrough = undefined;
    this.#loaded = undefined;
    for (const w of this.#watchers) void w.close().catch(() => undefined);
    this.#watchers.clear();
    await RateLease.giveBack(unspent, (principal) => this.#rates(principal));
  }

  /** The principal's per-minute limits, from this task's lease (src/vault/rate-lease.ts); admission refuses what it will not admit next. */
  async #admitAgent(frame: CallFrame): Promise<Refusal | null> {
    return this.#lease.take(frame.principal, frame.perMinute ?? [], this.#rates(frame.principal), {
      admitted: async () => {
        const { meta } = await this.#state();
        return meta ? (admit(meta, frame.principal, frame.jtis).ok ? "yes" : "no") : "closed";
      },
      lap: (phase) => this.#trace?.lap(phase),
    });
  }

  #rates(principal: string): LeaseGrantor {
    return this.env.AGENT_RATES.get(this.env.AGENT_RATES.idFromName(principal)) as unknown as LeaseGrantor;
  }

  /** One alarm, two jobs: ship the journal when rows wait, and end the task at its maximum lifetime. */
  override async alarm(): Promise<void> {
    const meta = (await this.#state()).meta;
    // A failed shipment throws: the runtime retries the alarm, the rows stay.
    await this.shipAudit();
    this.#shipAt = undefined;
    if (meta && Date.now() < meta.expiresAt) {
      // Rows journaled while this shipment was on its way get a shipment of their own.
      if (this.#journal.pending(1).length > 0) await this.#armShipment();
      else await this.ctx.storage.setAlarm(meta.expiresAt);
      return;
    }
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

  /** Journal a row (durable when this returns) and make sure the alarm will ship it. */
  async #journalRow(event: AuditEvent): Promise<void> {
    this.#journal.append(event);
    if (this.#shipAt === undefined) await this.#armShipment();
  }

  async #armShipment(): Promise<void> {
    const after = Number(this.env.SILOOS_AUDIT_SHIP_MS ?? SHIP_AFTER_MS);
    const at = Date.now() + (Number.isFinite(after) && after >= 0 ? after : SHIP_AFTER_MS);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
    this.#shipAt = at;
  }

  /** Writes need an open task: a closed vault must never be refilled. */
  async #openState(): Promise<Loaded> {
    const state = await this.#state();
    if (!state.meta) throw new Error("vault is closed");
    return state;
  }

  async #state(): Promise<Loaded> {
    if (this.#loaded) return this.#loaded;
    // A vault never opened, or wiped, has no tables: closed, nothing in it.
    const open = hasSchema(this.ctx.storage.sql);
    const loaded: Loaded = open
      ? { meta: this.#meta.read(), table: this.#tokens.load() }
      : { meta: undefined, table: new TokenTable() };
    this.#loaded = loaded;
    return loaded;
  }
}

/** A per-task limit's refusal, audited only at its 1st, 10th, 100th … (the rest are folded in). */
function limitRefusal(r: CountResult): Refusal | null {
  return r.ok ? null : { ok: false, code: r.code, message: r.message, audited: isPowerOfTen(r.refused) };
}

/** What an effect done inside a step stores for its replays; null: it did not happen; undefined: not done here. */
function effectResult(method: StepMethod | null, result: unknown): Record<string, unknown> | null | undefined {
  if (method !== "reply") return undefined;
  return (result as Awaited<ReturnType<Vault["reply"]>>).ok ? { delivered: true } : null;
}

/** Audit detail a step's own result adds; null = no allowed row (the step refused, or had no answer). */
function stepDetail(method: StepMethod | null, result: unknown): Record<string, unknown> | null {
  if (method === "transcript") return { entries: (result as unknown[]).length };
  // No fresh snapshot: the op reads its system of record, and its row rides on that record's tokenizing.
  if (method === "tokenizeSnapshot" && result === null) return null;
  if (method === "llmChat") {
    const r = result as LlmChatOutcome;
    return r.ok ? r.audit : null;
  }
  if (method === "reply") {
    const r = result as Awaited<ReturnType<Vault["reply"]>>;
    return r.ok ? { text: auditableText(r.tokenized, 1000), replayed: r.replayed } : null;
  }
  return {};
}

function watchLine(index: number, e: Omit<TranscriptEntry, "at">, table: TokenTable): Uint8Array {
  return new TextEncoder().encode(
    `${JSON.stringify({ index, role: e.role, by: e.by, text: table.hydrate(e.text).text })}\n`,
  );
}
