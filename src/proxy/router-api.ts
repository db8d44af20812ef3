import { sql } from "drizzle-orm";
import { type AuditEvent, appendAudit } from "../audit/index.ts";
import type { ProxyResult } from "../contracts/proxy.ts";
import { database } from "../db/index.ts";
import { customers } from "../db/schema.ts";
import { SiloError, toErrorBody } from "../errors/index.ts";
import type { Scope } from "../keys/claims.ts";
import type { KnownValue } from "../scan/index.ts";
import { expireTask } from "../vault/held-actions.ts";
import type { JournalCarry } from "../vault/journal.ts";
import type { Escalation } from "../vault/vault.ts";
import { d1Crm } from "./connectors/d1-crm.ts";
import type { CustomerRecord } from "./connectors/types.ts";
import { type ProxyEnv, vaultFor } from "./core/env.ts";

export interface OpenTask {
  taskId: string;
  principal: string;
  jtis: string[];
  scope: Scope;
  message: string;
  expiresAt: number;
  /** The router's rows about the opening (key.minted, task.dispatched when the vault goes to an agent at once), journaled after vault.created in the open RPC. */
  journal?: AuditEvent[];
}

/** Does the subject exist, and does the case belong to the customer? */
export async function checkSubject(
  env: ProxyEnv,
  customerId: string,
  caseId: string | null,
): Promise<ProxyResult<null>> {
  return guarded(async () => {
    await subjectCustomer(env, customerId, caseId);
    return null;
  });
}

async function subjectCustomer(
  env: ProxyEnv,
  customerId: string,
  caseId: string | null | undefined,
): Promise<CustomerRecord> {
  const crm = d1Crm(database(env.DB));
  const customer = await crm.getCustomer(customerId);
  if (!customer) throw new SiloError("unknown_record", "no such customer");
  if (caseId) {
    const record = await crm.getCase(caseId);
    if (!record || record.customerId !== customer.id)
      throw new SiloError("unknown_record", "no such case for this customer");
  }
  return customer;
}

/**
 * A webhook names its requester by email; the router gets back the id only,
 * never the record. The audit row holds the outcome, never the address.
 */
export async function customerIdByEmail(env: ProxyEnv, email: string): Promise<ProxyResult<{ customerId: string }>> {
  return guarded(async () => {
    const normalized = email.trim().toLowerCase();
    if (normalized.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(normalized))
      throw new SiloError("validation_failed", "not an email address");
    const db = database(env.DB);
    const rows = await db
      .select({ id: customers.id })
      .from(customers)
      .where(sql`lower(${customers.email}) = ${normalized}`)
      .limit(2);
    // Two customers sharing an address is no answer: a guess would scope a task to the wrong person.
    const found = rows.length === 1 ? rows[0]!.id : null;
    const outcome = found
      ? { decision: "allowed" as const, detail: { customerId: found } }
      : { decision: "refused" as const, reason: "unknown_record" };
    await appendAudit(db, { actor: "router", event: "proxy.call", op: "customer.find_by_email", ...outcome });
    if (!found) throw new SiloError("unknown_record", "no single customer has this email");
    return { customerId: found };
  });
}

/** Router-only operations: open, hand off, feed and close a task's vault. */
export async function openTask(env: ProxyEnv, req: OpenTask): Promise<ProxyResult<{ message: string }>> {
  return guarded(async () => {
    const customer = await subjectCustomer(env, req.scope.customer, req.scope.case);
    const vault = vaultFor(env, req.taskId);
    const { message, journal = [], ...meta } = req;
    const known = knownValuesOf(customer);
    // The one address email.send may write to, as the record holds it now (Vault.recipient).
    // One vault RPC: open (vault.created journaled in it: durable before the task starts, no D1
    // round trip), tokenize the customer's message, append it to the transcript.
    // The record itself stays in the vault, so customer.read soon after needs no D1 read (src/vault/snapshots.ts).
    const snapshot = { kind: "customer", id: customer.id, record: { ...customer } };
    const tokenized = await vault.openWith({ ...meta, known, contact: { email: customer.email }, snapshot }, message, [
      {
        taskId: req.taskId,
        actor: "proxy",
        event: "vault.created",
        detail: { scope: req.scope, knownValues: known.length },
      },
      ...journal,
    ]);
    return { message: tokenized };
  });
}

export async function addMessage(
  env: ProxyEnv,
  taskId: string,
  text: string,
): Promise<ProxyResult<{ message: string }>> {
  return guarded(async () => {
    const vault = vaultFor(env, taskId);
    if (!(await vault.meta())) throw new SiloError("task_closed", "the task is closed");
    const tokenized = await vault.tokenize(text, "customer");
    await vault.appendTranscript({ role: "customer", by: "customer", text: tokenized });
    return { message: tokenized };
  });
}

export async function handoff(
  env: ProxyEnv,
  taskId: string,
  principal: string,
  jtis: string[],
  escalation?: Escalation,
  journal: AuditEvent[] = [],
): Promise<ProxyResult<{ message: string | null }>> {
  return guarded(async () => {
    // The customer's latest message (tokenized) comes back in the same vault RPC: the next agent's.
    const handed = await vaultFor(env, taskId).handoff(principal, jtis, escalation, journal);
    if (!handed) throw new SiloError("task_closed", "the task is closed");
    return handed;
  });
}

/**
 * A run returned: its keys die before the router acts on its result. Audited with key ids only.
 * `texts`: what its agent handed back (a summary, a reason), tokenized in the same vault RPC
 * once the keys are dead; null when the vault is closed. `repliesSince`: the agent replies from
 * that entry on come back hydrated (as `replies` gives them), for the customer's channel only:
 * the answer to the request that ran the task, in memory; absent when the vault is closed.
 * `journal`: the task's journal rows, keys.revoked last, for the router's next D1 batch to write
 * before its own rows (Vault.endRun); none wait when the vault is closed.
 */
export async function revokeKeys(
  env: ProxyEnv,
  taskId: string,
  principal: string,
  jtis: string[],
  texts: string[] = [],
  repliesSince?: number,
): Promise<ProxyResult<{ texts: string[] | null; replies?: string[]; journal: JournalCarry }>> {
  return guarded(async () => {
    const vault = vaultFor(env, taskId);
    const row = {
      taskId,
      actor: "router",
      event: "keys.revoked" as const,
      detail: { principal, keys: jtis, reason: "run returned" },
    };
    // An open vault journals the row after the run's calls and hands the rows waiting to the
    // router, whose batch about the run writes them first. A closed vault: straight to D1.
    // One RPC: revoke, journal the row, hand the run's rows over. Fail closed with the cause: the
    // router must not act on a run whose rows the log cannot take.
    const ended = await vault.endRun(jtis, row, texts, repliesSince);
    if (ended.status === "unshipped")
      throw new SiloError("audit_unavailable", "the run's audit rows could not be brought to the log");
    if (ended.status === "closed") await appendAudit(database(env.DB), row);
    const journal = ended.journal ?? { taskId, rows: [] };
    return { texts: ended.texts, ...(ended.replies ? { replies: ended.replies } : {}), journal };
  });
}

/** The router's batch that carried the rows revokeKeys handed it committed: the vault may drop them. */
export async function journalShipped(env: ProxyEnv, taskId: string, through: number): Promise<ProxyResult<null>> {
  return guarded(async () => {
    await vaultFor(env, taskId).journalShipped(through);
    return null;
  });
}

/** Scan text that an agent handed back (a summary, a reason) before the router stores it. */
export async function tokenize(env: ProxyEnv, taskId: string, text: string): Promise<ProxyResult<{ text: string }>> {
  return guarded(async () => ({ text: await vaultFor(env, taskId).tokenize(text, "agent") }));
}

export async function transcript(
  env: ProxyEnv,
  taskId: string,
): Promise<ProxyResult<Array<{ role: string; by: string; text: string }>>> {
  return guarded(async () =>
    (await vaultFor(env, taskId).transcript()).map(({ role, by, text }) => ({ role, by, text })),
  );
}

/** The conversation hydrated for its own customer (the widget), from entry `since` on. */
export async function conversation(
  env: ProxyEnv,
  taskId: string,
  since: number,
): Promise<ProxyResult<{ entries: Array<{ role: string; by: string; text: string }>; next: number }>> {
  return guarded(async () => vaultFor(env, taskId).hydratedSince(since));
}

/** Live conversation for the customer's channel (see Vault.watch). */
export async function watch(env: ProxyEnv, taskId: string, since: number): Promise<ReadableStream<Uint8Array>> {
  return vaultFor(env, taskId).watch(since);
}

/** Agent replies since `since`, hydrated for the customer's channel only. */
export async function replies(
  env: ProxyEnv,
  taskId: string,
  since: number,
): Promise<ProxyResult<{ replies: string[]; next: number }>> {
  return guarded(async () => {
    const { entries, next } = await vaultFor(env, taskId).hydratedSince(since, "agent");
    return { replies: entries.map((e) => e.text), next };
  });
}

/**
 * Ship these tasks' audit journals to D1 now, so a reader of the audit log
 * sees the rows of running tasks too (src/vault/journal.ts).
 */
export async function shipAudit(env: ProxyEnv, taskIds: readonly string[]): Promise<ProxyResult<{ shipped: number }>> {
  return guarded(async () => {
    const counts = await Promise.all(taskIds.map((id) => vaultFor(env, id).shipAudit()));
    return { shipped: counts.reduce((a, b) => a + b, 0) };
  });
}

/** The vault ships its journal before it is wiped; a journal D1 cannot take yet keeps the vault (vault_unavailable). */
export async function closeTask(env: ProxyEnv, taskId: string, reason: string): Promise<ProxyResult<null>> {
  return guarded(async () => {
    await vaultFor(env, taskId).close();
    await appendAudit(database(env.DB), { taskId, actor: "proxy", event: "vault.deleted", detail: { reason } });
    // A held action dies with its task's vault (docs/approvals.md).
    await expireTask(env, taskId, reason);
    return null;
  });
}

/** What the vault knows about a customer before any agent reads a record. */
export function knownValuesOf(c: CustomerRecord): KnownValue[] {
  const names = c.name.split(/\s+/).filter((part) => part.length >= 2);
  return [
    { kind: "NAME", value: c.name },
    ...(names.length > 1 ? names.map((value) => ({ kind: "NAME" as const, value })) : []),
    { kind: "EMAIL", value: c.email },
    { kind: "PHONE", value: c.phone },
    { kind: "ADDRESS", value: c.address },
    // People quote their street without the city: the first line is known too.
    ...(c.address.includes(",") ? [{ kind: "ADDRESS" as const, value: c.address.split(",")[0]!.trim() }] : []),
  ];
}

async function guarded<T>(fn: () => Promise<T>): Promise<ProxyResult<T>> {
  try {
    return { ok: true, result: await fn() };
  } catch (err) {
    if (err instanceof SiloError) return { ok: false, ...toErrorBody(err) };
    return { ok: false, error: "vault_unavailable", message: "the task vault or its store is unavailable" };
  }
}
