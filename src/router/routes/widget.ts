import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { database } from "../../db/index.ts";
import { widgetSessions } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { verifyIdentity } from "../../widget/identity.ts";
import { identityDigest, openWithinQuota } from "../../widget/quota.ts";
import { readSession, SESSION_TTL_SECONDS, signSession, type WidgetSession } from "../../widget/session.ts";
import { findSite, originAllowed, type Site, widgetSites } from "../../widget/sites.ts";
import { type RouterEnv, routerConfig } from "../core/env.ts";
import { getTask, newTaskId } from "../core/task-rows.ts";
import { customerTurn, runEnded, startTask } from "../lifecycle/index.ts";
import { routerApp } from "../openapi/define.ts";
import {
  closeSessionRoute,
  conversationRoute,
  openSessionRoute,
  widgetEventsRoute,
  widgetMessageRoute,
} from "../openapi/widget.ts";
import { conversationStream, SSE_HEADERS } from "./widget-stream.ts";

/**
 * The chat widget's API (/v1/widget). A browser on an allowed site opens a
 * session with an identity token its own backend signed, then chats; replies
 * stream back hydrated for that visitor only.
 */
type WidgetAuth = { s: WidgetSession; row: typeof widgetSessions.$inferSelect };
type WidgetEnv = { Bindings: RouterEnv; Variables: { widget: WidgetAuth } };
export const widgetRoutes = routerApp<WidgetEnv>();

widgetRoutes.use(
  "*",
  cors({
    origin: (origin, c: Context<{ Bindings: RouterEnv }>) =>
      Object.values(sites(c.env)).some((s) => originAllowed(s, origin)) ? origin : null,
    allowHeaders: ["content-type", "authorization"],
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    maxAge: 600,
  }),
);

widgetRoutes.openapi(openSessionRoute, async (c) => {
  const body = c.req.valid("json");
  const site = findSite(sites(c.env), body.site);
  if (!site) throw new SiloError("not_found", "unknown site");
  assertOrigin(site, c.req.header("origin"));
  const who = await verifyIdentity(site.secret, body.identity);
  if (!who) throw new SiloError("unauthorized", "the identity token is invalid or expired");
  const now = Date.now();
  const sid = `wss_${crypto.randomUUID().replace(/-/g, "")}`;
  // Check and insert are one statement: concurrent opens cannot pass the hourly limits together.
  const opened = await openWithinQuota(c.env.DB, {
    id: sid,
    site: body.site,
    customerId: who.customerId,
    identityDigest: await identityDigest(body.identity),
    now,
  });
  if (!opened) throw new SiloError("rate_limited", "too many chat sessions; try again later");
  const exp = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
  return c.json(
    {
      session: await signSession(secret(c.env), { sid, site: body.site, customer: who.customerId, exp }),
      expiresAt: new Date(exp * 1000).toISOString(),
    },
    201,
  );
});

/** The visitor signs out (the site calls this on its own sign-out): the session is dead at once. */
widgetRoutes.openapi(closeSessionRoute, async (c) => {
  const { row } = await session(c);
  await c.env.DB.prepare("UPDATE widget_sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL")
    .bind(Date.now(), row.id)
    .run();
  return c.json({ ok: true });
});

widgetRoutes.openapi(conversationRoute, async (c) => {
  const { row } = await session(c);
  const task = row.taskId ? await getTask(database(c.env.DB), row.taskId) : undefined;
  if (!task || task.status === "completed") return c.json({ taskId: null, status: null, human: false, messages: [] });
  const res = await c.env.PROXY.conversation(task.id, 0);
  return c.json({
    taskId: task.id,
    status: task.status,
    human: task.assignee.startsWith("human:"),
    messages: res.ok ? res.result.entries.map(({ role, text }) => ({ role, text })) : [],
  });
});

// The session before the body: a caller without one is refused (and counted) before its body is read.
widgetRoutes.use("/messages", async (c, next) => {
  c.set("widget", await session(c));
  await next();
});

widgetRoutes.openapi(widgetMessageRoute, async (c) => {
  const { row } = c.get("widget");
  const { message } = c.req.valid("json");
  await takeSlot(c.env.WIDGET_MESSAGES, row.id, "too many messages; wait a moment");
  const db = database(c.env.DB);
  const existing = row.taskId ? await getTask(db, row.taskId) : undefined;
  // The session names a task whose row is not written yet: its first message is starting it.
  if (row.taskId && !existing)
    throw new SiloError("conflict", "a conversation is starting for this session; send your message again in a moment");
  let taskId: string;
  let since = 0;
  let started: Promise<unknown>;
  if (!existing || existing.status === "completed" || existing.status === "failed" || existing.status === "expired") {
    taskId = newTaskId();
    // Claim the session for the new task only if no concurrent message did first:
    // two first messages at once must not start two conversations (two model runs).
    const claimed = await c.env.DB.prepare("UPDATE widget_sessions SET task_id = ?1 WHERE id = ?2 AND task_id IS ?3")
      .bind(taskId, row.id, row.taskId)
      .run();
    if (claimed.meta.changes !== 1)
      throw new SiloError(
        "conflict",
        "a conversation is starting for this session; send your message again in a moment",
      );
    const site = findSite(sites(c.env), row.site)!;
    // The run is durable (its own Durable Object): a closed tab stops the stream, never the run.
    started = startTask(
      c.env,
      { taskId, intent: site.intent, subject: { customerId: row.customerId }, message, channel: "widget" },
      "async",
    ).catch(async (err: unknown) => {
      // No task row means nothing started: free the session for the visitor's next message.
      if ((await getTask(db, taskId).catch(() => "unknown" as const)) === undefined) {
        await c.env.DB.prepare("UPDATE widget_sessions SET task_id = ?1 WHERE id = ?2 AND task_id = ?3")
          .bind(row.taskId, row.id, taskId)
          .run()
          .catch(() => undefined);
      }
      throw err;
    });
  } else {
    taskId = existing.id;
    const res = await c.env.PROXY.conversation(taskId, 0);
    since = res.ok ? res.result.next : 0;
    // An agent's task runs again; a task a person holds gets the message for them to answer.
    started = customerTurn(c.env, existing, message);
  }
  // Accepted before the stream begins: the message is in the vault and the run is on its way.
  await started;
  const until = runEnded(c.env, taskId, RUN_STREAM_MS);
  return new Response(conversationStream({ env: c.env, taskId, since, until }), { headers: SSE_HEADERS });
});

/** How long the stream of one message follows its run; the widget then reconnects to /events. */
const RUN_STREAM_MS = 120_000;

/** While a person holds the conversation: stream their replies for up to a minute, then the widget reconnects. */
widgetRoutes.openapi(widgetEventsRoute, async (c) => {
  const { row } = await session(c);
  if (!row.taskId) throw new SiloError("not_found", "no conversation yet");
  // Each stream holds a vault watch for up to a minute: a session may open a few a minute, not thousands.
  await takeSlot(c.env.WIDGET_STREAMS, row.id, "too many event streams for this session; reconnect in a minute");
  const since = Number(c.req.query("since") ?? 0);
  const until = new Promise((r) => setTimeout(r, 50));
  return new Response(
    conversationStream({
      env: c.env,
      taskId: row.taskId,
      since: Number.isFinite(since) ? since : 0,
      until,
      linger: 55_000,
    }),
    { headers: SSE_HEADERS },
  );
});

function sites(env: RouterEnv): Record<string, Site> {
  return widgetSites(env.SILOOS_WIDGET_SITES);
}

/** Widget sessions have their own secret; without one the widget is closed (routerConfig says why). */
function secret(env: RouterEnv): string {
  const key = routerConfig(env).SILOOS_WIDGET_SECRET;
  if (!key) throw new SiloError("internal", "the widget is not configured: SILOOS_WIDGET_SECRET is not set");
  return key;
}

function assertOrigin(site: Site, origin: string | undefined): void {
  if (!originAllowed(site, origin))
    throw new SiloError("origin_denied", "this site may not embed the SiloOS widget from this origin");
}

async function session(c: Context<WidgetEnv>): Promise<WidgetAuth> {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const s = await readSession(secret(c.env), token);
  if (!s) throw new SiloError("unauthorized", "no valid widget session");
  const site = findSite(sites(c.env), s.site);
  if (!site) throw new SiloError("unauthorized", "the session's site is no longer configured");
  assertOrigin(site, c.req.header("origin"));
  const row = await database(c.env.DB).select().from(widgetSessions).where(eq(widgetSessions.id, s.sid)).get();
  if (!row || row.customerId !== s.customer) throw new SiloError("unauthorized", "the widget session is unknown");
  if (row.revokedAt !== null) throw new SiloError("unauthorized", "the widget session was revoked");
  return { s, row };
}

/**
 * One slot of a per-minute limit, from the Workers Rate Limiting binding
 * (wrangler.toml [[ratelimits]]): counted atomically, so N concurrent
 * requests cannot all pass. An unbound limiter fails closed.
 */
async function takeSlot(limiter: RateLimit | undefined, key: string, message: string): Promise<void> {
  if (!limiter) throw new SiloError("unavailable", "the widget's rate limiter is not bound");
  const { success } = await limiter.limit({ key });
  if (!success) throw new SiloError("rate_limited", message);
}
