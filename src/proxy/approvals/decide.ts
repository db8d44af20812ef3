import { appendAudit, auditRow } from "../../audit/index.ts";
import { database } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import { expireTask } from "../../vault/held-actions.ts";
import { type ProxyEnv, vaultFor } from "../core/env.ts";
import { CONDITIONAL_INSERT, storeError } from "../ledger/refunds.ts";

/**
 * Deciding held actions (docs/approvals.md). The router vouches for the
 * person and their role; the proxy decides. A decision names action ids and
 * approve/reject, nothing else: the call that runs is the held row, never
 * one re-typed by a person or an agent, so nobody can raise the amount while
 * approving. Claim, effect and audit rows are one D1 batch whose first
 * statement moves the row out of 'pending' with a fresh nonce; every later
 * statement runs only if that nonce is there, so of N people approving at
 * once exactly one executes the call.
 */
export interface PendingRow {
  id: string;
  task_id: string;
  principal: string;
  op: string;
  args: string;
  idempotency_key: string;
  role: string;
  amount_cents: number;
  limits: string;
  records: string;
  status: string;
  decided_by: string | null;
  decided_at: number | null;
  outcome: string | null;
  created_at: number;
  expires_at: number;
}

export type Decision = "approve" | "reject";
export interface DecisionOutcome {
  id: string;
  status: "approved" | "rejected" | "failed" | "refused";
  error?: string;
  message?: string;
  refundId?: string;
}

interface HeldArgs {
  orderId: string;
  amount: number;
  currency: string;
  reason: string;
}

/** Pending actions a person of `role` may decide, oldest first, still inside their task's life. */
export async function listPending(env: ProxyEnv, role: string): Promise<PendingRow[]> {
  const res = await env.DB.prepare(
    "SELECT * FROM pending_actions WHERE status = 'pending' AND role = ? AND expires_at > ? ORDER BY created_at LIMIT 200",
  )
    .bind(role, Date.now())
    .all<PendingRow>();
  return res.results;
}

export async function pendingCount(env: { DB: D1Database }, taskId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_actions WHERE task_id = ? AND status = 'pending'")
    .bind(taskId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function decideOne(
  env: ProxyEnv,
  id: string,
  decision: Decision,
  by: string,
  role: string,
): Promise<DecisionOutcome> {
  const out = await decide(env, id, decision, by, role);
  if (out.status === "refused") {
    // A refused decision is audited like a refused call: who tried to decide what, and why not.
    const taskId =
      (await env.DB.prepare("SELECT task_id FROM pending_actions WHERE id = ?").bind(id).first<{ task_id: string }>())
        ?.task_id ?? null;
    // The task's journaled call rows reach D1 before this row (in order); a vault that cannot ship keeps them.
    if (taskId)
      await vaultFor(env, taskId)
        .shipAudit()
        .catch(() => undefined);
    await appendAudit(database(env.DB), {
      taskId,
      actor: by,
      event: decision === "approve" ? "approval.approved" : "approval.rejected",
      decision: "refused",
      reason: out.error,
      detail: { actionId: taskId ? id : "unknown" },
    });
  }
  return out;
}

async function decide(
  env: ProxyEnv,
  id: string,
  decision: Decision,
  by: string,
  role: string,
): Promise<DecisionOutcome> {
  const row = await env.DB.prepare("SELECT * FROM pending_actions WHERE id = ?").bind(id).first<PendingRow>();
  if (!row) return refused(id, new SiloError("not_found", "no such pending action"));
  // Four eyes: whoever asked (a person whose own grant has a band) never decides their own action.
  if (row.principal === by) return refused(id, new SiloError("forbidden", "nobody decides an action they asked for"));
  if (row.role !== role)
    return refused(id, new SiloError("forbidden", `this action needs a person with the role ${row.role}`));
  if (row.status === "expired")
    return refused(
      id,
      new SiloError("approval_expired", "the task this action belongs to has ended; nothing was done"),
    );
  if (row.status !== "pending") return refused(id, new SiloError("conflict", `the action is already ${row.status}`));
  // An approval never outlives its task: past the task's life, or with its vault gone, it expires.
  if (row.expires_at <= Date.now() || !(await vaultFor(env, row.task_id).meta())) {
    await expireTask(env, row.task_id, "the task ended before a decision");
    return refused(
      id,
      new SiloError("approval_expired", "the task this action belongs to has ended; nothing was done"),
    );
  }
  // The rows of the task's calls, journaled in its vault, go to D1 before the decision's rows.
  if (
    !(await vaultFor(env, row.task_id)
      .shipAudit()
      .then(
        () => true,
        () => false,
      ))
  ) {
    return refused(id, new SiloError("audit_unavailable", "the audit log is unavailable; nothing was done"));
  }
  return decision === "reject" ? reject(env, row, by) : approve(env, row, by);
}

async function reject(env: ProxyEnv, row: PendingRow, by: string): Promise<DecisionOutcome> {
  const now = Date.now();
  const audit = auditRow(
    {
      taskId: row.task_id,
      actor: by,
      event: "approval.rejected",
      op: row.op,
      detail: { actionId: row.id, proposedBy: row.principal, amount: row.amount_cents / 100 },
    },
    now,
  );
  const [claimed] = await batch(env, [
    env.DB.prepare(
      "UPDATE pending_actions SET status = 'rejected', decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
    ).bind(by, now, row.id),
    auditIf(env, audit, row.id, "status = 'rejected' AND decided_at = ?", now),
  ]);
  if (claimed?.meta.changes !== 1)
    return refused(row.id, new SiloError("conflict", "someone else decided this action first"));
  await tellCustomer(
    env,
    row,
    `Your refund request of ${money(row)} for order ${held(row).orderId} could not be approved. A colleague will write to you with the reasons.`,
  );
  return { id: row.id, status: "rejected" };
}

async function approve(env: ProxyEnv, row: PendingRow, by: string): Promise<DecisionOutcome> {
  const args = held(row);
  const records = JSON.parse(row.records) as { customer: string };
  const limits = JSON.parse(row.limits) as {
    orderTotalCents: number;
    upToCents: number;
    perAgentDayCents: number;
    perCustomerDayCents: number;
  };
  const nonce = crypto.randomUUID();
  const now = Date.now();
  const refundId = `ref_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const approved = auditRow(
    {
      taskId: row.task_id,
      actor: by,
      event: "approval.approved",
      op: row.op,
      detail: {
        actionId: row.id,
        proposedBy: row.principal,
        amount: args.amount,
        currency: args.currency,
        orderId: args.orderId,
      },
    },
    now,
  );
  // The held call runs as the agent's own refund, under its own idempotency key (the refunds
  // table is unique on it): the per-task ceiling is the approval's upTo, the rest as granted.
  const effect = auditRow(
    {
      taskId: row.task_id,
      actor: by,
      event: "proxy.call",
      op: row.op,
      decision: "allowed",
      detail: {
        refundId,
        actionId: row.id,
        approvedBy: by,
        proposedBy: row.principal,
        orderId: args.orderId,
        amount: args.amount,
        currency: args.currency,
      },
    },
    now,
  );
  const results = await batch(env, [
    env.DB.prepare(
      "UPDATE pending_actions SET status = 'approved', decided_by = ?, decided_at = ?, outcome = ? WHERE id = ? AND status = 'pending'",
    ).bind(by, now, nonce, row.id),
    env.DB.prepare(
      `${CONDITIONAL_INSERT}\n  AND EXISTS (SELECT 1 FROM pending_actions WHERE id = ?14 AND outcome = ?15)`,
    ).bind(
      refundId,
      row.task_id,
      args.orderId,
      records.customer,
      row.amount_cents,
      args.currency,
      `${row.principal}|${row.idempotency_key}`,
      row.principal,
      now,
      limits.orderTotalCents,
      limits.upToCents,
      limits.perAgentDayCents,
      limits.perCustomerDayCents,
      row.id,
      nonce,
    ),
    auditIf(env, approved, row.id, "outcome = ?", nonce),
    env.DB.prepare(
      "INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM refunds WHERE id = ?)",
    ).bind(
      effect.at,
      effect.taskId,
      effect.actor,
      effect.event,
      effect.op,
      effect.decision,
      effect.reason,
      effect.detail,
      refundId,
    ),
  ]);
  if (results[0]?.meta.changes !== 1)
    return refused(row.id, new SiloError("conflict", "someone else decided this action first"));
  if (results[1]?.meta.changes !== 1) {
    // Approved, but a limit that still holds for everyone (the order's total, the daily ceilings) refused it.
    await env.DB.prepare("UPDATE pending_actions SET status = 'failed' WHERE id = ? AND outcome = ?")
      .bind(row.id, nonce)
      .run();
    await appendAudit(database(env.DB), {
      taskId: row.task_id,
      actor: by,
      event: "proxy.call",
      op: row.op,
      decision: "refused",
      reason: "limit_exceeded",
      detail: { actionId: row.id, approvedBy: by },
    });
    return {
      id: row.id,
      status: "failed",
      error: "limit_exceeded",
      message: "approved, but the refund no longer fits the order's or the day's limits; nothing was refunded",
    };
  }
  await tellCustomer(
    env,
    row,
    `Good news: your refund of ${money(row)} for order ${args.orderId} has been approved. You will see it within 5 to 10 business days.`,
  );
  return { id: row.id, status: "approved", refundId };
}

/** The outcome goes to the customer through the task's own channel (its transcript: widget and replies). */
async function tellCustomer(env: ProxyEnv, row: PendingRow, text: string): Promise<void> {
  const vault = vaultFor(env, row.task_id);
  await vault
    .appendTranscript({
      role: "agent",
      by: "system:approvals",
      text: await vault.tokenize(text, "agent"),
      key: `approval|${row.id}`,
    })
    .catch(() => undefined);
}

function auditIf(
  env: ProxyEnv,
  a: ReturnType<typeof auditRow>,
  id: string,
  cond: string,
  bind: unknown,
): D1PreparedStatement {
  return env.DB.prepare(
    `INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM pending_actions WHERE id = ? AND ${cond})`,
  ).bind(a.at, a.taskId, a.actor, a.event, a.op, a.decision, a.reason, a.detail, id, bind);
}

async function batch(env: ProxyEnv, statements: D1PreparedStatement[]) {
  try {
    return await env.DB.batch(statements);
  } catch (err) {
    throw storeError(err);
  }
}

const held = (row: PendingRow) => JSON.parse(row.args) as HeldArgs;
const money = (row: PendingRow) => `${(row.amount_cents / 100).toFixed(2)} ${held(row).currency}`;

function refused(id: string, err: SiloError): DecisionOutcome {
  return { id, status: "refused", error: err.code, message: err.message };
}
