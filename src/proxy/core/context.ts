import type { z } from "zod";
import type { CapabilityName } from "../../contracts/capabilities.ts";
import type { OpArgs, OpName } from "../../contracts/proxy.ts";
import type { Db } from "../../db/index.ts";
import type { Registry } from "../../registry/schema.ts";
import type { VaultLookup } from "../../vault/vault.ts";
import type { SystemOfRecord } from "../connectors/types.ts";
import type { EffectClaim } from "../ledger/effects.ts";
import type { Authenticated } from "./authenticate.ts";
import type { CallVault } from "./call-vault.ts";
import type { ProxyEnv } from "./env.ts";

export interface OpContext {
  env: ProxyEnv;
  db: Db;
  auth: Authenticated;
  /** The task's vault, admitting this call's keys in each RPC. */
  vault: CallVault;
  crm: SystemOfRecord;
  registry: Registry;
  idempotencyKey: string | undefined;
  /** For effectful ops: the claim on (task, principal, op, key), held while the op runs. */
  effect?: EffectClaim;
  /** The results of the op's `prefetch` statements, read in its claim's round trip. */
  prefetched?: D1Result[];
}

export interface OpOutcome {
  result: unknown;
  /** Tokenized facts for the audit row (amounts, record ids, token names). */
  detail?: Record<string, unknown>;
  /** True when the op wrote its own audit row atomically with its effect. */
  audited?: boolean;
  /** True when the op marked its idempotency claim done in the same batch as its effect. */
  effectRecorded?: boolean;
}

export interface OpDefinition<N extends OpName> {
  /** The base-key capability the op needs; undefined = any valid key pair. */
  capability: CapabilityName | undefined;
  run(ctx: OpContext, args: z.output<(typeof OpArgs)[N]>): Promise<OpOutcome>;
  /**
   * D1 reads the op will need, for an op whose idempotency claim is D1's
   * (refund.issue): run in the claim's own batch, one round trip for both;
   * run() finds their results in ctx.prefetched. Reads only: they change nothing.
   */
  prefetch?(ctx: OpContext, args: z.output<(typeof OpArgs)[N]>): D1PreparedStatement[];
  /**
   * Vault reads the op will make (a recipient, tokens, texts, escalations),
   * for an op admitted before it runs (gate.ts ADMIT_FIRST): made by that
   * admitting RPC, and answered from it when run() asks (CallVault.admit).
   */
  lookups?(ctx: OpContext, args: z.output<(typeof OpArgs)[N]>): VaultLookup | undefined;
}

export type OpTable = { [N in OpName]: OpDefinition<N> };
