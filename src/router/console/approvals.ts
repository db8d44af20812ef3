import { Hono } from "hono";
import { ApprovalDecisionSchema } from "../../contracts/api.ts";
import { unwrap } from "../dispatch.ts";
import { jsonBody } from "../errors.ts";
import { finishIfDecided } from "../lifecycle/index.ts";
import { parseOr400 } from "../validate.ts";
import type { ConsoleEnv } from "./session.ts";

/**
 * The console's approvals view (/console/api/approvals, docs/approvals.md):
 * actions the proxy holds for the signed-in person's role, across tasks, and
 * their decisions. A decision carries ids and approve/reject only: there is
 * no field for an amount or arguments, so nobody re-types the call. The
 * person and role come from the session cookie, never from the body.
 */
export const approvalsApi = new Hono<ConsoleEnv>();

approvalsApi.get("/", async (c) => {
  const s = c.get("session");
  return c.json({ role: s.role, actions: unwrap(await c.env.PROXY.pendingActions(s.role)) });
});

approvalsApi.post("/decide", async (c) => {
  const s = c.get("session");
  const { ids, decision } = parseOr400(ApprovalDecisionSchema, await jsonBody(c));
  const by = `human:${s.sub}`;
  const { outcomes, tasks } = unwrap(await c.env.PROXY.decideActions({ ids, decision, by, role: s.role }));
  for (const taskId of tasks) await finishIfDecided(c.env, taskId, by);
  return c.json({ outcomes });
});
