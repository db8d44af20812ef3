import { appendAudit } from "../../audit/index.ts";
import { database } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import { findRole, registry } from "../../registry/index.ts";
import { revokeSessions } from "../console/session.ts";
import type { RouterEnv } from "../core/env.ts";
import { operatorRoleRoute, revokeOperatorSessionsRoute, revokeWidgetSessionsRoute } from "../openapi/admin.ts";
import { routerApp } from "../openapi/define.ts";

/**
 * Admin actions on sessions (SILOOS_ADMIN_KEY): revoke an operator's console
 * sessions, change an operator's role (it applies to their next request: the
 * role is read per request), revoke a customer's widget sessions.
 */
export const sessionAdminRoutes = routerApp<{ Bindings: RouterEnv }>();

sessionAdminRoutes.openapi(revokeOperatorSessionsRoute, async (c) => {
  const id = await existingOperator(c.env, c.req.param("id"));
  const revoked = await revokeSessions(c.env.DB, { operatorId: id });
  await appendAudit(database(c.env.DB), {
    actor: "admin",
    event: "session.revoked",
    detail: { operator: id, sessions: revoked, by: "admin" },
  });
  return c.json({ revoked });
});

sessionAdminRoutes.openapi(operatorRoleRoute, async (c) => {
  const id = await existingOperator(c.env, c.req.param("id"));
  const { role } = c.req.valid("json");
  if (!findRole(registry, role)) throw new SiloError("validation_failed", `no role named ${role} in the registry`);
  await c.env.DB.prepare("UPDATE operators SET role = ?1 WHERE id = ?2").bind(role, id).run();
  await appendAudit(database(c.env.DB), {
    actor: "admin",
    event: "operator.role_changed",
    detail: { operator: id, role },
  });
  return c.json({ id, role });
});

sessionAdminRoutes.openapi(revokeWidgetSessionsRoute, async (c) => {
  const { site, customerId } = c.req.valid("json");
  const res = await c.env.DB.prepare(
    "UPDATE widget_sessions SET revoked_at = ?1 WHERE site = ?2 AND customer_id = ?3 AND revoked_at IS NULL",
  )
    .bind(Date.now(), site, customerId)
    .run();
  await appendAudit(database(c.env.DB), {
    actor: "admin",
    event: "session.revoked",
    detail: { site, customer: customerId, sessions: res.meta.changes, by: "admin", kind: "widget" },
  });
  return c.json({ revoked: res.meta.changes });
});

async function existingOperator(env: RouterEnv, id: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM operators WHERE id = ?1").bind(id).first<{ id: string }>();
  if (!row) throw new SiloError("not_found", "no operator with this id");
  return row.id;
}
