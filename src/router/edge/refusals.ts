import { type AuditEvent, auditRow } from "../../audit/index.ts";
import { type ErrorCode, SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { type EdgeRequest, edgeClient } from "./client.ts";
import { WINDOW_MS as SIGNIN_WINDOW_MS } from "./throttle.ts";

/**
 * Refusals at the edge (a bad API key, a bad webhook signature, a disallowed
 * origin, a locked sign-in …) leave a trace without letting a flood fill the
 * log: each refusal bumps one counter row per kind, client and window (one
 * conditional write); the first refusal of a window writes an audit row at
 * once, and when the window closes the cron writes one more with the count.
 * Counting itself is rate-limited per client (EDGE_REFUSALS binding), so a
 * flood costs at most that many D1 writes a minute.
 */
const AUDITED: ReadonlySet<ErrorCode> = new Set([
  "unauthorized",
  "bad_signature",
  "stale_signature",
  "origin_denied",
  "rate_limited",
  "locked",
  "forbidden",
  "unknown_source",
]);

/** Which public surface a path belongs to; null for paths that are not an edge. */
function surfaceOf(path: string): string | null {
  if (path.startsWith("/v1/tasks")) return "api";
  if (path.startsWith("/v1/webhooks")) return "webhook";
  if (path.startsWith("/v1/widget/")) return "widget";
  if (path.startsWith("/console/")) return "console";
  if (/^\/v1\/(audit|agents|operators|widget-sessions)\b/.test(path)) return "admin";
  return null;
}

export function windowSeconds(env: RouterEnv): number {
  const n = Number(env.SILOOS_EDGE_WINDOW_SECONDS ?? 60);
  return Number.isInteger(n) && n >= 1 && n <= 3600 ? n : 60;
}

/** Count a refusal; never throws (the refusal itself must still reach the client). */
export async function recordEdgeRefusal(c: EdgeRequest, err: unknown): Promise<void> {
  if (!(err instanceof SiloError) || !AUDITED.has(err.code)) return;
  const path = new URL(c.req.url).pathname;
  const surface = surfaceOf(path);
  // A wrong password is audited row by row by the sign-in itself (bounded by its throttle).
  if (!surface || (path === "/console/api/login" && err.code === "unauthorized")) return;
  try {
    const client = await edgeClient(c);
    const allowed = c.env.EDGE_REFUSALS ? (await c.env.EDGE_REFUSALS.limit({ key: client.id })).success : true;
    if (!allowed) return;
    const kind = `${surface}.${err.code}`;
    const span = windowSeconds(c.env) * 1000;
    const now = Date.now();
    const window = Math.floor(now / span) * span;
    const counted = await c.env.DB.prepare(
      "INSERT INTO edge_refusals (kind, client, window_start, count) VALUES (?1, ?2, ?3, 1) ON CONFLICT (kind, client, window_start) DO UPDATE SET count = count + 1 RETURNING count",
    )
      .bind(kind, client.id, window)
      .first<{ count: number }>();
    if (counted?.count === 1) {
      await insertAudit(c.env.DB, [
        refusedEvent(client.actor, kind, err.code, {
          client: client.id,
          window: new Date(window).toISOString(),
          count: 1,
          method: c.req.method,
        }),
      ]);
    }
  } catch (e) {
    console.error("router: edge refusal not counted", e instanceof Error ? e.message.slice(0, 200) : typeof e);
  }
}

/** Cron: one audit row per closed window that saw more than its first refusal, with the count. */
export async function flushEdgeRefusals(env: RouterEnv, now = Date.now()): Promise<number> {
  const span = windowSeconds(env) * 1000;
  const closed = await env.DB.prepare(
    "SELECT kind, client, window_start, count FROM edge_refusals WHERE reported = 0 AND window_start + ?1 <= ?2 LIMIT 500",
  )
    .bind(span, now)
    .all<{ kind: string; client: string; window_start: number; count: number }>();
  let written = 0;
  for (const r of closed.results) {
    const mark = env.DB.prepare(
      "UPDATE edge_refusals SET reported = 1 WHERE kind = ?1 AND client = ?2 AND window_start = ?3 AND reported = 0",
    ).bind(r.kind, r.client, r.window_start);
    const code = r.kind.slice(r.kind.indexOf(".") + 1);
    const rows =
      r.count > 1
        ? [
            refusedEvent(`client:${r.client}`, r.kind, code, {
              client: r.client,
              window: new Date(r.window_start).toISOString(),
              count: r.count,
              closed: true,
            }),
          ]
        : [];
    // The row is written only if this run is the one that marked the window (changes() = 1).
    await env.DB.batch([mark, ...rows.map((e) => auditStatement(env.DB, e, "WHERE changes() = 1"))]);
    written += rows.length;
  }
  return written;
}

/** Cron: drop counters nobody needs any more (closed and reported windows, sign-in windows over). */
export async function pruneEdgeState(env: RouterEnv, now = Date.now()): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM edge_refusals WHERE reported = 1 AND window_start < ?1").bind(now - 86_400_000),
    env.DB.prepare("DELETE FROM signin_throttle WHERE window_start < ?1").bind(now - SIGNIN_WINDOW_MS),
  ]);
}

function refusedEvent(actor: string, kind: string, code: string, detail: Record<string, unknown>): AuditEvent {
  return { actor, event: "edge.refused", op: kind, decision: "refused", reason: code, detail };
}

function auditStatement(db: D1Database, e: AuditEvent, condition = ""): D1PreparedStatement {
  const r = auditRow(e);
  return db
    .prepare(
      `INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) SELECT ?, ?, ?, ?, ?, ?, ?, ? ${condition}`,
    )
    .bind(r.at, r.taskId, r.actor, r.event, r.op, r.decision, r.reason, r.detail);
}

export async function insertAudit(db: D1Database, events: AuditEvent[]): Promise<void> {
  await db.batch(events.map((e) => auditStatement(db, e)));
}
