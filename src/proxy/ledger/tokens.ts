/**
 * The model token ledger of a task. A call reserves before it leaves: its
 * prompt (estimated conservatively) plus the completion it may produce, the
 * request's max_tokens capped by what remains of the budget. The reservation
 * is one conditional INSERT over the task's ledger rows, so N parallel calls
 * never reserve more than the budget; after the call the reservation is
 * replaced by the provider's reported usage (settle), or by 0 if the call
 * failed (release). A reservation never settled (a crash) stays counted:
 * fail closed.
 */
export interface TokenReservation {
  id: string;
  /** The most completion tokens the provider may be asked for. */
  maxTokens: number;
}

/** Fewer completion tokens than this left: the budget is spent. */
export const MIN_COMPLETION_TOKENS = 16;

/** A conservative count for text not yet tokenized: 3 characters a token (providers average about 4). */
export function estimatePromptTokens(request: unknown): number {
  return Math.ceil(JSON.stringify(request).length / 3) + 16;
}

const RESERVE = `INSERT INTO llm_ledger (id, task_id, principal, reserved, used, created_at)
SELECT ?1, ?2, ?3, MIN(?5 + ?6, ?4 - spent.total), NULL, ?7
FROM (SELECT COALESCE(SUM(COALESCE(used, reserved)), 0) AS total FROM llm_ledger WHERE task_id = ?2) AS spent
WHERE ?4 - spent.total >= ?5 + ${MIN_COMPLETION_TOKENS}
RETURNING reserved`;

export async function reserveTokens(
  d1: D1Database,
  r: { taskId: string; principal: string; budget: number; promptTokens: number; maxTokens: number },
): Promise<TokenReservation | null> {
  const id = `llm_${crypto.randomUUID().replace(/-/g, "")}`;
  const row = await d1.prepare(RESERVE).bind(id, r.taskId, r.principal, r.budget, r.promptTokens, r.maxTokens, Date.now()).first<{ reserved: number }>();
  return row ? { id, maxTokens: row.reserved - r.promptTokens } : null;
}

/** Replace the reservation by what the call really used; returns the task's total. */
export async function settleTokens(d1: D1Database, taskId: string, reservationId: string, used: number): Promise<number> {
  const [, total] = await d1.batch([
    d1.prepare("UPDATE llm_ledger SET used = ? WHERE id = ?").bind(Math.max(0, Math.ceil(used)), reservationId),
    d1.prepare("SELECT COALESCE(SUM(COALESCE(used, reserved)), 0) AS total FROM llm_ledger WHERE task_id = ?").bind(taskId),
  ]);
  return (total?.results[0] as { total: number } | undefined)?.total ?? 0;
}

export async function tokensSpent(d1: D1Database, taskId: string): Promise<number> {
  const row = await d1.prepare("SELECT COALESCE(SUM(COALESCE(used, reserved)), 0) AS total FROM llm_ledger WHERE task_id = ?").bind(taskId).first<{ total: number }>();
  return row?.total ?? 0;
}
