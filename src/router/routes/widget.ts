import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { and, eq, gt, sql } from "drizzle-orm";
import { WidgetMessageSchema, WidgetOpenSessionSchema } from "../../contracts/api.ts";
import { database } from "../../db/index.ts";
import { widgetSessions } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { verifyIdentity } from "../../widget/identity.ts";
import { readSession, signSession, SESSION_TTL_SECONDS, type WidgetSession } from "../../widget/session.ts";
import { originAllowed, widgetSites, type Site } from "../../widget/sites.ts";
import type { RouterEnv } from "../env.ts";
import { jsonBody } from "../errors.ts";
import { continueTask, startTask } from "../lifecycle.ts";
import { runOf } from "../run/index.ts";
import { getTask, newTaskId } from "../tasks.ts";
import { parseOr400 } from "../validate.ts";
import { conversationStream, SSE_HEADERS } from "../widget-stream.ts";

/**
 * The chat widget's API (/v1/widget). A browser on an allowed site opens a
 * session with an identity token its own backend signed, then chats; replies
 * stream back hydrated for that visitor only.
 */
export const widgetRoutes = new Hono<{ Bindings: RouterEnv }>();
const MESSAGES_PER_MINUTE = 10;
const SESSIONS_PER_HOUR = 20;

widgetRoutes.use(
  "*",
  cors({
    origin: (origin, c: Context<{ Bindings: RouterEnv }>) => (Object.values(sites(c.env)).some((s) => originAllowed(s, origin)) ? origin : null),
    allowHeaders: ["content-type", "authorization"],
    allowMethods: ["GET", "POST", "OPTIONS"],
    maxAge: 600,
  }),
);


widgetRoutes.post("/sessions", async (c) => {
  const body = parseOr400(WidgetOpenSessionSchema, await jsonBody(c));
  const site = sites(c.env)[body.site];
  if (!site) throw new SiloError("not_found", "unknown site");
  assertOrigin(site, c.req.header("origin"));
  const who = await verifyIdentity(site.secret, body.identity);
  if (!who) throw new SiloError("unauthorized", "the identity token is invalid or expired");
  const db = database(c.env.DB);
  const now = Date.now();
  const recent = await db.select({ n: sql<number>`count(*)` }).from(widgetSessions).where(and(eq(widgetSessions.site, body.site), eq(widgetSessions.customerId, who.customerId), gt(widgetSessions.createdAt, now - 3_600_000))).get();
  if ((recent?.n ?? 0) >= SESSIONS_PER_HOUR) throw new SiloError("rate_limited", "too many chat sessions; try again later");
  const sid = `wss_${crypto.randomUUID().replace(/-/g, "")}`;
  await db.insert(widgetSessions).values({ id: sid, site: body.site, customerId: who.customerId, taskId: null, createdAt: now, windowStart: now, windowCount: 0 });
  const exp = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
  return c.json({ session: await signSession(secret(c.env), { sid, site: body.site, customer: who.customerId, exp }), expiresAt: new Date(exp * 1000).toISOString() }, 201);
});

widgetRoutes.get("/conversation", async (c) => {
  const { row } = await session(c);
  const task = row.taskId ? await getTask(database(c.env.DB), row.taskId) : undefined;
  if (!task || task.status === "completed") return c.json({ taskId: null, status: null, human: false, messages: [] });
  const res = await c.env.PROXY.conversation(task.id, 0);
  return c.json({ taskId: task.id, status: task.status, human: task.assignee.startsWith("human:"), messages: res.ok ? res.result.entries.map(({ role, text }) => ({ role, text })) : [] });
});

widgetRoutes.post("/messages", async (c) => {
  const { row } = await session(c);
  const { message } = parseOr400(WidgetMessageSchema, await jsonBody(c));
  await takeRateSlot(c.env, row);
  const db = database(c.env.DB);
  const existing = row.taskId ? await getTask(db, row.taskId) : undefined;
  let taskId: string;
  let since = 0;
  let started: Promise<unknown>;
  if (!existing || existing.status === "completed" || existing.status === "failed" || existing.status === "expired") {
    taskId = newTaskId();
    await db.update(widgetSessions).set({ taskId }).where(eq(widgetSessions.id, row.id));
    const site = sites(c.env)[row.site]!;
    // The run is durable (its own Durable Object): a closed tab stops the stream, never the run.
    started = startTask(c.env, { taskId, intent: site.intent, subject: { customerId: row.customerId }, message, channel: "widget" }, "async");
  } else {
    taskId = existing.id;
    const res = await c.env.PROXY.conversation(taskId, 0);
    since = res.ok ? res.result.next : 0;
    // A person holds the task: the message joins the conversation for them to answer.
    const agentHolds = existing.status === "open" && existing.assignee.startsWith("agent:");
    started = agentHolds ? continueTask(c.env, existing, message, "async") : c.env.PROXY.addMessage(taskId, message);
  }
  // Accepted before the stream begins: the message is in the vault and the run is on its way.
  await started;
  const until = runOf(c.env, taskId).wait(RUN_STREAM_MS);
  return new Response(conversationStream({ env: c.env, taskId, since, until }), { headers: SSE_HEADERS });
});

/** How long the stream of one message follows its run; the widget then reconnects to /events. */
const RUN_STREAM_MS = 120_000;

/** While a person holds the conversation: stream their replies for up to a minute, then the widget reconnects. */
widgetRoutes.get("/events", async (c) => {
  const { row } = await session(c);
  if (!row.taskId) throw new SiloError("not_found", "no conversation yet");
  const since = Number(c.req.query("since") ?? 0);
  const until = new Promise((r) => setTimeout(r, 50));
  return new Response(conversationStream({ env: c.env, taskId: row.taskId, since: Number.isFinite(since) ? since : 0, until, linger: 55_000 }), { headers: SSE_HEADERS });
});

function sites(env: RouterEnv): Record<string, Site> {
  return widgetSites(env.SILOOS_WIDGET_SITES);
}

function secret(env: RouterEnv): string {
  return env.SILOOS_OPERATOR_SECRET;
}

function assertOrigin(site: Site, origin: string | undefined): void {
  if (!originAllowed(site, origin)) throw new SiloError("origin_denied", "this site may not embed the SiloOS widget from this origin");
}

async function session(c: Context<{ Bindings: RouterEnv }>): Promise<{ s: WidgetSession; row: typeof widgetSessions.$inferSelect }> {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const s = await readSession(secret(c.env), token);
  if (!s) throw new SiloError("unauthorized", "no valid widget session");
  const site = sites(c.env)[s.site];
  if (!site) throw new SiloError("unauthorized", "the session's site is no longer configured");
  assertOrigin(site, c.req.header("origin"));
  const row = await database(c.env.DB).select().from(widgetSessions).where(eq(widgetSessions.id, s.sid)).get();
  if (!row || row.customerId !== s.customer) throw new SiloError("unauthorized", "the widget session is unknown");
  return { s, row };
}

/** A fixed one-minute window per session. */
async function takeRateSlot(env: RouterEnv, row: typeof widgetSessions.$inferSelect): Promise<void> {
  const now = Date.now();
  const fresh = now - row.windowStart > 60_000;
  if (!fresh && row.windowCount >= MESSAGES_PER_MINUTE) throw new SiloError("rate_limited", "too many messages; wait a moment");
  await database(env.DB)
    .update(widgetSessions)
    .set(fresh ? { windowStart: now, windowCount: 1 } : { windowCount: row.windowCount + 1 })
    .where(eq(widgetSessions.id, row.id));
}
