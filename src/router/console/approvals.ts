import { unwrap } from "../dispatch.ts";
import { finishIfDecided } from "../lifecycle/index.ts";
import { approvalsRoute, decideRoute } from "../openapi/console.ts";
import { routerApp } from "../openapi/define.ts";
import type { ConsoleEnv } from "./session.ts";

/**
 * The console's approvals view (/console/api/approvals, docs/approvals.md):
 * actions the proxy holds for the signed-in person's role, across tasks, and
 * their decisions. A decision carries ids and approve/reject only: there is
 * no field for an amount or arguments, so nobody re-types the call. The
 * person and role come from the session cookie, never from the body.
 */
export const approvalsApi = routerApp<ConsoleEnv>();

approvalsApi.openapi(approvalsRoute, async (c) => {
  const s = c.get("session");
  return c.json({ role: s.role, actions: unwrap(await c.env.PROXY.pendingActions(s.role)) });
});

approvalsApi.openapi(decideRoute, async (c) => {
  const s = c.get("session");
  const { ids, decision } = c.req.valid("json");
  const by = `human:${s.sub}`;
  const { outcomes, tasks } = unwrap(await c.env.PROXY.decideActions({ ids, decision, by, role: s.role }));
  for (const taskId of tasks) await finishIfDecided(c.env, taskId, by);
  return c.json({ outcomes });
});
