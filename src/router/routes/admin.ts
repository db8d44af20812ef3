import { batchWithAudit, readAudit } from "../../audit/index.ts";
import { sealAudit, verifyAudit } from "../../audit/seal.ts";
import { database } from "../../db/index.ts";
import { agentStatus } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { findAgent, registry } from "../../registry/index.ts";
import { shipRunningAudit } from "../core/audit-ship.ts";
import { type RouterEnv, routerConfig } from "../core/env.ts";
import { agentStatusRoute, agentsRoute, auditRoute, auditVerifyRoute } from "../openapi/admin.ts";
import { routerApp } from "../openapi/define.ts";

export const adminRoutes = routerApp<{ Bindings: RouterEnv }>();

/** The audit log, oldest first; page with ?after=<seq>. */
adminRoutes.openapi(auditRoute, async (c) => {
  const q = c.req.valid("query");
  const db = database(c.env.DB);
  // Running tasks' rows first, then seal: what an auditor is shown is already in the chain.
  await shipRunningAudit(c.env, q.taskId);
  await sealAudit(db, routerConfig(c.env).SILOOS_AUDIT_KEY);
  const rows = await readAudit(db, { taskId: q.taskId, afterSeq: q.after, limit: q.limit });
  return c.json({
    entries: rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null })),
    next: rows.at(-1)?.seq ?? q.after ?? 0,
  });
});

/** Recompute the audit log's hash chain: changed, removed or inserted rows show up here. */
adminRoutes.openapi(auditVerifyRoute, async (c) => {
  const db = database(c.env.DB);
  const key = routerConfig(c.env).SILOOS_AUDIT_KEY;
  await shipRunningAudit(c.env, undefined);
  await sealAudit(db, key);
  const result = await verifyAudit(db, key);
  return c.json(result, result.ok ? 200 : 409);
});

/** Agents, their status and the base keys the registry grants them. */
adminRoutes.openapi(agentsRoute, async (c) => {
  const rows = await database(c.env.DB).select().from(agentStatus);
  const status = new Map(rows.map((r) => [r.name, r]));
  return c.json({
    agents: registry.agents.map((a) => ({
      name: a.name,
      description: a.description,
      intents: a.intents,
      status: status.get(a.name)?.status ?? "online",
      statusChangedAt: status.get(a.name) ? new Date(status.get(a.name)!.updatedAt).toISOString() : null,
      baseKeys: a.caps,
      escalation: a.escalation,
    })),
  });
});

/** Switch an agent off (its work goes to the human queue) or back on. */
adminRoutes.openapi(agentStatusRoute, async (c) => {
  const name = c.req.param("name");
  if (!findAgent(registry, name)) throw new SiloError("unknown_agent", `no agent named ${name}`);
  const { status } = c.req.valid("json");
  const db = database(c.env.DB);
  const now = Date.now();
  await batchWithAudit(
    db,
    [
      db
        .insert(agentStatus)
        .values({ name, status, updatedAt: now, updatedBy: "admin" })
        .onConflictDoUpdate({ target: agentStatus.name, set: { status, updatedAt: now, updatedBy: "admin" } }),
    ],
    [{ actor: "admin", event: "agent.status_changed", detail: { agent: name, status } }],
  );
  return c.json({ name, status });
});
