import { auditableText, digestText } from "../audit/agent-text.ts";
import { type AuditEvent, appendAudit } from "../audit/index.ts";
import { findCapability } from "../contracts/capabilities.ts";
import { parseChatRequest, parseProxyCall } from "../contracts/fast-parse.ts";
import type { RateLimits } from "../contracts/limits.ts";
import { ACTION_OPS, isOpName, OpArgs, type OpName, ProxyCallSchema, type ProxyResult } from "../contracts/proxy.ts";
import { type Db, database } from "../db/index.ts";
import { SiloError, toErrorBody } from "../errors/index.ts";
import { registry } from "../registry/index.ts";
import type { CallFrame } from "../vault/admission.ts";
import { type PhaseTrace, phaseTrace } from "../vault/trace.ts";
import type { VaultLookup } from "../vault/vault.ts";
import { d1Crm } from "./connectors/d1-crm.ts";
import { type Authenticated, authenticate, signedTaskId } from "./core/authenticate.ts";
import { admissionError, CallVault, EffectReplayed } from "./core/call-vault.ts";
import type { OpContext, OpDefinition, OpOutcome } from "./core/context.ts";
import { type ProxyEnv, vaultFor } from "./core/env.ts";
import { argsHash, claimEffectWith, runClaimed } from "./ledger/effects.ts";
import { agentCounts, MINTING_OPS, RateLimited, rateLimitsFor, taskCounts } from "./ledger/rates.ts";
import { OPS } from "./ops/index.ts";

/**
 * One proxy call: parse, authenticate both keys, check the capability, run
 * the operation (which checks scope and limits), audit the decision. Every
 * path ends in exactly one audit row or in audit_unavailable, except a
 * repeated rate-limit refusal, which is counted and audited in aggregate. With verified
 * keys the row goes to the task vault's journal (src/vault/journal.ts) in the
 * same vault RPC that admits the keys; otherwise to D1.
 */
export async function handleCall(env: ProxyEnv, caller: string | undefined, raw: unknown): Promise<ProxyResult> {
  const trace = phaseTrace(env.SILOOS_BENCH_TRACE, "proxy", "?");
  try {
    return await handleTraced(env, caller, raw, trace);
  } finally {
    trace?.end("answer");
  }
}

async function handleTraced(
  env: ProxyEnv,
  caller: string | undefined,
  raw: unknown,
  trace: PhaseTrace | undefined,
): Promise<ProxyResult> {
  const db = database(env.DB);
  // The schema's exact twin; a call it does not take goes to the schema, whose answer stands.
  const fast = parseProxyCall(raw);
  const parsed = fast ? ({ success: true, data: fast } as const) : ProxyCallSchema.safeParse(raw);
  trace?.lap("parse call");
  const rawCall = (raw ?? {}) as { baseKey?: unknown; op?: unknown };
  const actor = caller ?? "unknown";
  if (!parsed.success) {
    return refuse(
      env,
      db,
      { actor, taskId: await signedTaskId(env, rawCall.baseKey), op: rawCall.op, raw },
      new SiloError("validation_failed", "malformed proxy call"),
    );
  }
  const call = parsed.data;
  const op = call.op;
  // An op name the agent made up is its text: never logged.
  if (trace) trace.op = isOpName(op) ? op : "unknown";
  let auth: Authenticated | undefined;
  let vault: CallVault | undefined;
  try {
    auth = await authenticate(env, caller, call.baseKey, call.taskKey);
    trace?.lap("verify keys");
    const limits: RateLimits = rateLimitsFor(registry, auth.principal);
    // Every limit is the vault's check, in the call's first vault RPC, before it does anything else:
    // the principal's per-minute ones from the task's lease (src/vault/rate-lease.ts), then the task's
    // own (calls, replies, vault growth; src/vault/ledger.ts): no round trip of their own.
    const frame: CallFrame = {
      principal: auth.principal,
      jtis: [auth.base.jti, auth.task.jti],
      op: isOpName(op) ? op : "unknown",
      keys: keyIds(auth),
      perMinute: agentCounts(auth.principal, op, limits, !!findCapability(auth.base.caps, "reply.send")),
      count: taskCounts(op, limits),
      ...(MINTING_OPS.has(op) ? { maxVaultTokens: limits.perTask.vaultTokens } : {}),
    };
    vault = new CallVault(vaultFor(env, auth.task.tid), frame, trace);
    if (!isOpName(op)) throw new SiloError("unknown_operation", "unknown operation");
    const outcome = await runOp(env, db, auth, vault, op, call.args, call.idempotencyKey);
    trace?.lap("op's own work");
    // The allowed row: journaled by the op's last vault step, by the op with its effect (D1), or here.
    if (!outcome.audited && !vault.audited) await vault.finish(outcome.detail);
    return { ok: true, result: outcome.result };
  } catch (err) {
    const taskId = auth?.task.tid ?? (await signedTaskId(env, call.baseKey));
    return refuse(
      env,
      db,
      {
        actor: auth?.principal ?? actor,
        taskId,
        op,
        raw,
        keys: auth ? keyIds(auth) : undefined,
        frame: vault?.refusalFrame(),
      },
      err,
    );
  }
}

/**
 * Ops whose effect or request leaves the vault (a refund in D1, mail, a
 * carrier): the keys are admitted before it happens. The others are admitted
 * by their own vault RPC, before the vault does anything for them. `true`:
 * the effect writes its own row to D1, so the admission hands it the journal's
 * waiting rows to write first, in its own batch (src/proxy/ledger/journal-carry.ts).
 */
const ADMIT_FIRST: ReadonlyMap<OpName, boolean> = new Map([
  ["refund.issue", true],
  ["email.send", true],
  ["shipment.track", false],
  // Its row goes straight to D1: the task's journaled rows ride before it (ops/reveal.ts).
  ["pii.reveal", true],
]);

async function runOp(
  env: ProxyEnv,
  db: Db,
  auth: Authenticated,
  vault: CallVault,
  op: OpName,
  rawArgs: unknown,
  idempotencyKey: string | undefined,
) {
  const def = OPS[op] as OpDefinition<OpName>;
  if (def.capability && !findCapability(auth.base.caps, def.capability)) {
    throw new SiloError("capability_denied", `the base key does not grant ${def.capability}`);
  }
  if (ACTION_OPS.has(op) && !idempotencyKey) throw new SiloError("validation_failed", "actions need an idempotencyKey");
  vault.trace?.lap("capability");
  // llm.chat's arguments (a conversation and its tools' JSON Schemas) were most of zod's time a call:
  // a twin takes the usual request; anything it does not take goes to the schema, whose answer stands.
  const fast = op === "llm.chat" ? parseChatRequest(rawArgs) : undefined;
  const args = fast ? ({ success: true, data: fast } as const) : OpArgs[op].safeParse(rawArgs);
  vault.trace?.lap("parse args");
  if (!args.success)
    throw new SiloError(
      "validation_failed",
      `invalid arguments for ${op}: ${args.error.issues.map((i) => i.path.join(".") || i.message).join(", ")}`,
    );
  const ctx: OpContext = { env, db, auth, vault, crm: d1Crm(db), registry, idempotencyKey };
  const hash = ACTION_OPS.has(op) && idempotencyKey ? await argsHash(args.data) : undefined;
  try {
    // Effects run once per (task, principal, op, key) and only with the same arguments. A refund's
    // claim is D1's, completed in the batch that writes the refund (ledger/effects.ts); the others'
    // is the vault's, claimed by the call's first vault RPC (src/vault/ledger.ts).
    // The op's own vault reads ride on its admitting RPC (OpDefinition.lookups).
    const lookup = def.lookups?.(ctx, args.data as never);
    if (hash && idempotencyKey && op !== "refund.issue")
      return await runVaultClaimed(vault, { key: idempotencyKey, hash }, ADMIT_FIRST.get(op), lookup, () =>
        def.run(ctx, args.data as never),
      );
    const carry = ADMIT_FIRST.get(op);
    if (carry !== undefined) await vault.admit(carry, lookup);
    if (!hash || !idempotencyKey) return await def.run(ctx, args.data as never);
    const { claimed, results } = await claimEffectWith(
      env.DB,
      { taskId: auth.task.tid, principal: auth.principal, op, key: idempotencyKey, hash },
      def.prefetch?.(ctx, args.data as never) ?? [],
    );
    if (def.prefetch) ctx.prefetched = results;
    if (claimed.kind === "replay") return { result: { ...claimed.result, replayed: true }, detail: { replayed: true } };
    ctx.effect = claimed.claim;
    return await runClaimed(env.DB, claimed.claim, () => def.run(ctx, args.data as never));
  } catch (err) {
    if (err instanceof EffectReplayed)
      return { result: { ...err.result, replayed: true }, detail: { replayed: true }, audited: true };
    if (err instanceof SiloError) throw err;
    // A storage failure inside an operation: nothing may proceed.
    throw new SiloError("store_unavailable", "a backing store is unavailable; nothing was done");
  }
}

/**
 * An effect under the vault's claim: the claim rides on the call's first
 * vault RPC; an effect done inside the vault (a reply) is completed there,
 * one done elsewhere (mail) by one more vault RPC once it happened. A failure
 * releases the claim; a completion that cannot be written leaves it pending,
 * so a retry is refused rather than repeated (fail closed on repetition).
 */
async function runVaultClaimed(
  vault: CallVault,
  effect: { key: string; hash: string },
  admitFirst: boolean | undefined,
  lookup: VaultLookup | undefined,
  run: () => Promise<OpOutcome>,
): Promise<OpOutcome> {
  vault.claim(effect);
  let outcome: OpOutcome;
  try {
    if (admitFirst !== undefined) await vault.admit(admitFirst, lookup);
    outcome = await run();
  } catch (err) {
    if (vault.claimed && !vault.effectDone && !(err instanceof EffectReplayed)) await vault.releaseEffect();
    throw err;
  }
  if (!vault.effectDone) await vault.completeEffect(outcome.result).catch(() => undefined);
  return outcome;
}

interface RefusalContext {
  actor: string;
  /** Only a task id a router key signed (signedTaskId), never an unverified claim. */
  taskId: string | null;
  /** The op as the caller sent it: agent-chosen, so filed verbatim only if it names a real op. */
  op: unknown;
  /** The raw call, to cut anything it chose out of the refusal message. */
  raw: unknown;
  keys?: Record<string, string> | undefined;
  /** The verified caller, for the vault's journal and admission. */
  frame?: CallFrame | undefined;
}

async function refuse(env: ProxyEnv, db: Db, c: RefusalContext, err: unknown): Promise<ProxyResult> {
  let body = toErrorBody(err);
  // Past its first refusal a rate limit is audited in aggregate (every 10x), not once a call.
  if (err instanceof RateLimited && !err.audited) return { ok: false, ...body };
  const known = typeof c.op === "string" && isOpName(c.op);
  const event: AuditEvent = {
    taskId: c.taskId,
    actor: c.actor,
    event: "proxy.call",
    op: known ? (c.op as string) : "unknown",
    decision: "refused",
    reason: body.error,
    detail: {
      message: auditableText(withoutEchoes(body.message, c.raw), 300),
      ...(known || c.op === undefined ? {} : { opName: await digestText(String(c.op)) }),
      ...(c.keys ? { keys: c.keys } : { verified: false }),
    },
  };
  // A task a router key signed: the row goes to the task's journal, in order with
  // its other calls; with verified keys, admission's refusal (closed, revoked) takes precedence.
  if (c.taskId) {
    try {
      const { recorded, gate } = await vaultFor(env, c.taskId).record(c.frame ?? null, event);
      // The vault refused first (a task limit, admission): its code and message are the answer, as in its row.
      if (gate && !gate.ok && (gate.code !== body.error || gate.code === "rate_limited")) {
        body = toErrorBody(admissionError(gate));
        event.reason = body.error;
        event.detail = { ...event.detail, message: body.message };
      }
      if (recorded) return { ok: false, ...body };
    } catch {
      // The vault is unavailable: the row goes straight to D1.
    }
  }
  try {
    await appendAudit(db, event);
  } catch {
    return { ok: false, error: "audit_unavailable", message: "the audit log is unavailable; nothing was done" };
  }
  return { ok: false, ...body };
}

function keyIds(auth: Authenticated): Record<string, string> {
  return { base: auth.base.jti, task: auth.task.jti };
}

/** Argument names the schemas declare: quoting them in a message carries nothing the caller chose. */
const ARG_NAMES = new Set([
  "args",
  "idempotencyKey",
  "role",
  "content",
  "toolCalls",
  "toolCallId",
  "name",
  "arguments",
  "id",
  "description",
  "parameters",
  ...Object.values(OpArgs).flatMap((s) => ("shape" in s ? Object.keys(s.shape) : [])),
]);

/**
 * A refusal message may quote what the caller sent (a model name, a template,
 * a variable, an unknown key): every string of the call, keys included, is
 * cut from the copy that goes into the append-only log.
 */
function withoutEchoes(message: string, raw: unknown): string {
  const chosen = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || chosen.size > 200) return;
    if (typeof v === "string") chosen.add(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (!ARG_NAMES.has(k)) chosen.add(k);
        walk(x, depth + 1);
      }
    }
  };
  const {
    baseKey: _b,
    taskKey: _t,
    op,
    ...rest
  } = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  walk(rest, 0);
  if (typeof op === "string" && !isOpName(op)) chosen.add(op);
  let out = message;
  // Longest first, so a value is cut whole before a shorter string inside it.
  for (const s of [...chosen].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join("[caller text]");
  }
  return out;
}

/**
 * PROXY.fetch(): the proxy has no HTTP door; a knock on it is refused and
 * audited like a call. Nothing of the request is kept (its URL and body are
 * the agent's text): the row names the door, not what was carried to it.
 */
export async function refuseFetch(env: ProxyEnv, agent: string | undefined): Promise<Response> {
  const error = { error: "not_found", message: "the proxy has no public route; use call()" };
  try {
    await appendAudit(database(env.DB), {
      actor: agent ? `agent:${agent}` : "agent:?",
      event: "proxy.call",
      op: "fetch",
      decision: "refused",
      reason: "not_found",
      detail: { verified: false },
    });
  } catch {
    return Response.json(
      { error: "audit_unavailable", message: "the audit log is unavailable; nothing was done" },
      { status: 503 },
    );
  }
  return Response.json(error, { status: 404 });
}
