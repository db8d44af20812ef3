/**
 * The escalation and run-lifetime fixtures (test/fixtures/agents/steer-agent):
 * a 500 USD steer agent, a triage-sized one, and an obedient stronger agent.
 */
import { join } from "node:path";
import { ROOT } from "../../tools/local/system.ts";
import { type Harness, HOSTILE, PUPPET } from "./system.ts";

export const STEER = join(ROOT, "test/fixtures/agents/steer-agent");
export const STEER_TRIAGE = join(ROOT, "test/fixtures/agents/steer-triage-agent");
export const OBEDIENT = join(ROOT, "test/fixtures/agents/obedient-agent");
export const STEER_AGENTS = [HOSTILE, PUPPET, STEER, STEER_TRIAGE, OBEDIENT];

export type SteerName = "steer-agent" | "steer-triage-agent" | "obedient-agent";

/** Drive one of the fixtures through its fetch() (see its main.ts for the commands). */
export async function drive(t: Harness, agent: SteerName, command: Record<string, unknown>): Promise<any> {
  const worker = await t.sys.mf.getWorker(agent);
  const res = await worker.fetch(`http://${agent}/`, { method: "POST", body: JSON.stringify(command) });
  return res.json();
}

/** The refunds D1 holds for a task: the effect, whatever any reply claimed. */
export async function refundsOf(
  t: Harness,
  taskId: string,
): Promise<Array<{ amount_cents: number; order_id: string; actor: string }>> {
  const res = await (await t.sys.db())
    .prepare("SELECT amount_cents, order_id, actor FROM refunds WHERE task_id = ?")
    .bind(taskId)
    .all<{ amount_cents: number; order_id: string; actor: string }>();
  return res.results;
}
