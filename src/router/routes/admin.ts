import { Hono } from "hono";
import { readAudit } from "../../audit/index.ts";
import { AuditQuerySchema } from "../../contracts/api.ts";
import { database } from "../../db/index.ts";
import type { RouterEnv } from "../env.ts";
import { parseOr400 } from "../validate.ts";

export const adminRoutes = new Hono<{ Bindings: RouterEnv }>();

/** The audit log, oldest first; page with ?after=<seq>. */
adminRoutes.get("/audit", async (c) => {
  const q = parseOr400(AuditQuerySchema, c.req.query());
  const rows = await readAudit(database(c.env.DB), { taskId: q.taskId, afterSeq: q.after, limit: q.limit });
  return c.json({
    entries: rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null })),
    next: rows.at(-1)?.seq ?? q.after ?? 0,
  });
});
