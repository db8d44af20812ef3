import { SiloError } from "../../errors/index.ts";
import { ADMISSION_MESSAGES, type CallFrame, type Refusal } from "../../vault/admission.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import type { EffectKey } from "../../vault/ledger.ts";
import type { OutboundHydration } from "../../vault/provenance.ts";
import type { TokenEntry } from "../../vault/table.ts";
import type { PhaseTrace } from "../../vault/trace.ts";
import type {
  Escalation,
  RecipientCheck,
  StepJournal,
  StepMethod,
  StepResult,
  Vault,
  VaultLookedUp,
  VaultLookup,
} from "../../vault/vault.ts";
import { RateLimited } from "../ledger/rates.ts";

/** The reads an op's admitting RPC made for it (CallVault.admit), by argument. */
interface Looked {
  recipient: Map<string, RecipientCheck>;
  resolved: Map<string, TokenEntry | null>;
  hydrated: Map<string, OutboundHydration>;
  escalations?: Escalation[];
}

type R<M extends keyof Vault> = Vault[M] extends (...a: never[]) => Promise<infer T> ? T : never;
type A<M extends keyof Vault> = Vault[M] extends (...a: infer P) => unknown ? P : never;

/**
 * A proxy call's view of its task's vault. Every method is one vault RPC
 * that admits the call's keys before it does anything (no admission round
 * trip of its own), and the op's audit row rides on its last vault RPC
 * (`auditNext`) or on `finish`: the row is in the vault's journal, durable,
 * before the call answers (src/vault/journal.ts). The call's first vault RPC
 * also counts it against the task's own limits and, for an effect whose
 * idempotency claim is the vault's, claims its key (src/vault/ledger.ts).
 */
export class CallVault {
  /** True once the call's allowed row is journaled. */
  audited = false;
  /** True once the vault completed the call's effect claim (or replayed it). */
  effectDone = false;
  /** The journal rows this call's effect carries in its own D1 batch (admit with carry). */
  carried: JournalCarry | undefined;
  #effect: EffectKey | undefined;
  #looked: Looked | undefined;
  #detail: Record<string, unknown> | undefined;
  #steps = 0;
  #shippedThrough: number | undefined;

  readonly stub: DurableObjectStub<Vault>;
  readonly frame: CallFrame;
  /** Bench only (SILOOS_BENCH_TRACE): the call's wall-clock phases. */
  readonly trace: PhaseTrace | undefined;

  constructor(stub: DurableObjectStub<Vault>, frame: CallFrame, trace?: PhaseTrace) {
    this.stub = stub;
    this.frame = frame;
    this.trace = trace;
  }

  /** The call's first vault RPC claims this idempotency key for its effect (src/vault/ledger.ts). */
  claim(effect: EffectKey): this {
    this.#effect = effect;
    return this;
  }

  /** True once the vault gave this call the claim (so it must be completed or released); a refused claim is another call's. */
  claimed = false;

  /** The frame for the call's refusal row: it counts the call only if no vault RPC did. */
  refusalFrame(): CallFrame {
    return this.#steps === 0 ? { ...this.frame, effect: undefined } : this.#later();
  }

  /** The effect happened outside the vault: replays return this result. */
  async completeEffect(result: unknown): Promise<void> {
    await this.#step("completeEffect", [this.frame.principal, this.frame.op, this.#effect!.key, result]);
    this.effectDone = true;
  }

  /** The effect did not happen: a retry may run it (left pending if the vault cannot be reached: fail closed). */
  async releaseEffect(): Promise<void> {
    await this.#step("releaseEffect", [this.frame.principal, this.frame.op, this.#effect!.key]).catch(() => undefined);
  }

  /** The next step journals the call's allowed row with this detail, if it succeeds. */
  auditNext(detail: Record<string, unknown>): this {
    this.#detail = detail;
    return this;
  }

  /**
   * Admission only, for ops whose effect is elsewhere (D1, a carrier), before
   * it happens. `carry`, for an effect that writes its own row to D1: the
   * vault hands over the journal's waiting rows (`carried`), which the
   * effect's batch writes before its row (src/proxy/ledger/journal-carry.ts).
   */
  async admit(carry = false, lookup?: VaultLookup): Promise<void> {
    if (!lookup) {
      await this.#step(null, [], carry ? { carry } : {});
      return;
    }
    // The op's reads ride on its admission (VaultLookup): its later calls for them are answered here.
    const r = await this.#step<VaultLookedUp>("lookup", [lookup], carry ? { carry } : {});
    const looked: Looked = { recipient: new Map(), resolved: new Map(), hydrated: new Map() };
    if (lookup.recipient !== undefined && r.recipient) looked.recipient.set(lookup.recipient, r.recipient);
    lookup.resolve?.forEach((t, i) => {
      looked.resolved.set(t, r.resolved[i] ?? null);
    });
    lookup.hydrate?.forEach((t, i) => {
      const h = r.hydrated[i];
      if (h) looked.hydrated.set(t, h);
    });
    if (r.escalations) looked.escalations = r.escalations;
    this.#looked = looked;
  }

  /** What the admitting RPC read for the op; not while an audit row waits to ride on a vault RPC. */
  #usable(): Looked | undefined {
    return this.#detail === undefined ? this.#looked : undefined;
  }

  /** The effect's batch committed with the carried rows: the call's next vault RPC, if any, lets the vault drop them. */
  carriedShipped(): void {
    const last = this.carried?.rows.at(-1)?.n;
    if (last !== undefined) this.#shippedThrough = last;
    this.carried = undefined;
  }

  /** Admission and the allowed row, for a call whose vault work (if any) is done. */
  async finish(detail: Record<string, unknown> | undefined): Promise<void> {
    this.#detail = detail ?? {};
    await this.#step(null, []);
  }

  tokenizeRecord = (...a: A<"tokenizeRecord">) => this.#step<R<"tokenizeRecord">>("tokenizeRecord", a);
  tokenizeRecords = (...a: A<"tokenizeRecords">) => this.#step<R<"tokenizeRecords">>("tokenizeRecords", a);
  /** null: no fresh snapshot, no row journaled (auditNext's detail is spent: set it again for the next step). */
  tokenizeSnapshot = (...a: A<"tokenizeSnapshot">) => this.#step<R<"tokenizeSnapshot">>("tokenizeSnapshot", a);
  tokenize = (...a: A<"tokenize">) => this.#step<R<"tokenize">>("tokenize", a);
  hydrate = async (...a: A<"hydrate">) => this.#usable()?.hydrated.get(a[0]) ?? this.#step<R<"hydrate">>("hydrate", a);
  resolve = async (...a: A<"resolve">) => {
    const looked = this.#usable();
    return looked?.resolved.has(a[0]) ? (looked.resolved.get(a[0]) ?? null) : this.#step<R<"resolve">>("resolve", a);
  };
  recipient = async (...a: A<"recipient">) =>
    this.#usable()?.recipient.get(a[0]) ?? this.#step<R<"recipient">>("recipient", a);
  appendTranscript = (...a: A<"appendTranscript">) => this.#step<R<"appendTranscript">>("appendTranscript", a);
  transcript = () => this.#step<R<"transcript">>("transcript", []);
  escalations = async () => this.#usable()?.escalations ?? this.#step<R<"escalations">>("escalations", []);
  meta = () => this.#step<R<"meta">>("meta", []);
  reply = (...a: A<"reply">) => this.#step<R<"reply">>("reply", a);
  llmChat = (...a: A<"llmChat">) => this.#step<R<"llmChat">>("llmChat", a);

  async #step<T>(method: StepMethod | null, args: unknown[], journal: StepJournal = {}): Promise<T> {
    const detail = this.#detail;
    this.#detail = undefined;
    // Without a later vault RPC (a refund) the rows stay journaled: their next shipment skips them in D1.
    if (this.#shippedThrough !== undefined) journal = { ...journal, shippedThrough: this.#shippedThrough };
    this.#shippedThrough = undefined;
    // Counting, the growth limit and the effect claim ride on the call's first vault RPC only (limits on calls, not mid-call).
    const frame =
      this.#steps++ === 0 ? { ...this.frame, ...(this.#effect ? { effect: this.#effect } : {}) } : this.#later();
    let r: StepResult<unknown>;
    this.trace?.lap("op's own work");
    try {
      r = (await this.stub.step(frame, method, args, detail, journal)) as StepResult<unknown>;
    } catch {
      throw new SiloError("vault_unavailable", "the task vault is unavailable; nothing was done");
    } finally {
      this.trace?.lap(`vault RPC ${method ?? (detail ? "finish" : "admit")}`);
    }
    if (!r.ok) throw admissionError(r);
    if (r.journal) this.carried = r.journal;
    if (frame.effect) this.claimed = true;
    if (r.audited) this.audited = true;
    if (r.effectDone) this.effectDone = true;
    if (r.replay) {
      this.claimed = false;
      this.effectDone = true;
      throw new EffectReplayed(r.replay);
    }
    return r.result as T;
  }

  #later(): CallFrame {
    return { ...this.frame, maxVaultTokens: undefined, count: undefined, perMinute: undefined, effect: undefined };
  }
}

/** The call's effect had happened: its first vault RPC returned the stored result and journaled the replay. */
export class EffectReplayed extends Error {
  readonly result: Record<string, unknown>;
  constructor(result: Record<string, unknown>) {
    super("replayed");
    this.result = result;
  }
}

export function admissionError(r: SiloError["code"] | Refusal): SiloError {
  const { code, message, audited } = typeof r === "string" ? { code: r, message: undefined, audited: undefined } : r;
  if (code === "rate_limited" && message) return new RateLimited(message, audited ?? true);
  return new SiloError(code, message ?? ADMISSION_MESSAGES[code] ?? "these keys are not admitted for this task");
}
