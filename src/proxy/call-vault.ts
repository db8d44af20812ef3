import { SiloError } from "../errors/index.ts";
import { ADMISSION_MESSAGES, type CallFrame } from "../vault/admission.ts";
import type { StepMethod, StepResult, Vault } from "../vault/vault.ts";

type R<M extends keyof Vault> = Vault[M] extends (...a: never[]) => Promise<infer T> ? T : never;
type A<M extends keyof Vault> = Vault[M] extends (...a: infer P) => unknown ? P : never;

/**
 * A proxy call's view of its task's vault. Every method is one vault RPC
 * that admits the call's keys before it does anything (no admission round
 * trip of its own), and the op's audit row rides on its last vault RPC
 * (`auditNext`) or on `finish`: the row is in the vault's journal, durable,
 * before the call answers (src/vault/journal.ts).
 */
export class CallVault {
  /** True once the call's allowed row is journaled. */
  audited = false;
  #detail: Record<string, unknown> | undefined;
  #steps = 0;

  readonly stub: DurableObjectStub<Vault>;
  readonly frame: CallFrame;

  constructor(stub: DurableObjectStub<Vault>, frame: CallFrame) {
    this.stub = stub;
    this.frame = frame;
  }

  /** The next step journals the call's allowed row with this detail, if it succeeds. */
  auditNext(detail: Record<string, unknown>): this {
    this.#detail = detail;
    return this;
  }

  /**
   * Admission only, for ops whose effect is elsewhere (D1, a carrier), before
   * it happens; the journal is shipped first, so the effect's own D1 row
   * (written with the effect, atomically) comes after the rows before it.
   */
  async admit(): Promise<void> {
    await this.#step(null, [], true);
  }

  /** Admission and the allowed row, for a call whose vault work (if any) is done. */
  async finish(detail: Record<string, unknown> | undefined): Promise<void> {
    this.#detail = detail ?? {};
    await this.#step(null, []);
  }

  tokenizeRecord = (...a: A<"tokenizeRecord">) => this.#step<R<"tokenizeRecord">>("tokenizeRecord", a);
  tokenizeRecords = (...a: A<"tokenizeRecords">) => this.#step<R<"tokenizeRecords">>("tokenizeRecords", a);
  tokenize = (...a: A<"tokenize">) => this.#step<R<"tokenize">>("tokenize", a);
  hydrate = (...a: A<"hydrate">) => this.#step<R<"hydrate">>("hydrate", a);
  resolve = (...a: A<"resolve">) => this.#step<R<"resolve">>("resolve", a);
  appendTranscript = (...a: A<"appendTranscript">) => this.#step<R<"appendTranscript">>("appendTranscript", a);
  transcript = () => this.#step<R<"transcript">>("transcript", []);
  escalations = () => this.#step<R<"escalations">>("escalations", []);
  meta = () => this.#step<R<"meta">>("meta", []);
  reply = (...a: A<"reply">) => this.#step<R<"reply">>("reply", a);
  llmMask = (...a: A<"llmMask">) => this.#step<R<"llmMask">>("llmMask", a);
  llmPreflight = (...a: A<"llmPreflight">) => this.#step<R<"llmPreflight">>("llmPreflight", a);
  llmSettle = (...a: A<"llmSettle">) => this.#step<R<"llmSettle">>("llmSettle", a);

  async #step<T>(method: StepMethod | null, args: unknown[], ship = false): Promise<T> {
    const detail = this.#detail;
    this.#detail = undefined;
    // The vault growth limit is checked once, by the call's first vault RPC, as a limit on calls (not mid-call).
    const frame = this.#steps++ === 0 ? this.frame : { ...this.frame, maxVaultTokens: undefined };
    let r: StepResult<unknown>;
    try {
      r = (await this.stub.step(frame, method, args, detail, ship)) as StepResult<unknown>;
    } catch {
      throw new SiloError("vault_unavailable", "the task vault is unavailable; nothing was done");
    }
    if (!r.ok) throw admissionError(r.code);
    if (r.audited) this.audited = true;
    return r.result as T;
  }
}

export function admissionError(code: SiloError["code"]): SiloError {
  return new SiloError(code, ADMISSION_MESSAGES[code] ?? "these keys are not admitted for this task");
}
