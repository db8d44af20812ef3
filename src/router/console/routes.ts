import { and, asc, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { appendAudit } from "../../audit/index.ts";
import { keyedDigest } from "../../crypto/hmac.ts";
import { database } from "../../db/index.ts";
import { auditLog, operators, tasks } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { agentForIntent, findRole, registry } from "../../registry/index.ts";
import { toolsFor } from "../../sdk/tools.ts";
import { routerConfig } from "../core/env.ts";
import { agentOnline } from "../core/queue.ts";
import { type TaskRow, taskView } from "../core/task-rows.ts";
import { edgeClient } from "../edge/client.ts";
import { releaseSigninSlot, takeSigninSlot } from "../edge/throttle.ts";
import { completeTask, handBackTask, type Person, requireTask, takeTask } from "../lifecycle/index.ts";
import * as route from "../openapi/console.ts";
import { routerApp } from "../openapi/define.ts";
import { ACCESS_HEADER, accessConfig, verifyAccessAssertion } from "./access.ts";
import { approvalsApi } from "./approvals.ts";
import { verifyPassword } from "./password.ts";
import { draftProcedure } from "./procedure.ts";
import { type ConsoleEnv, endSession, requireOperator, type Session, startSession } from "./session.ts";

/**
 * The console's JSON API (/console/api). A human works a task with the same
 * tools, the same instructions and the same keys-and-proxy path as an agent:
 * keys minted for `human:<operator id>` with the role's grant, every call
 * forwarded to the proxy as that principal and audited under it.
 */
export const consoleApi = routerApp<ConsoleEnv>();

consoleApi.openapi(route.loginRoute, async (c) => {
  if (accessConfig(c.env))
    throw new SiloError("forbidden", "password sign-in is off here: sign in through Cloudflare Access");
  const { username, password } = c.req.valid("json");
  const client = await edgeClient(c);
  const keys = {
    account: await keyedDigest(routerConfig(c.env).SILOOS_AUDIT_KEY, "signin-account", username.toLowerCase()),
    client: client.id,
  };
  // A slot is taken before the password is checked: concurrent guesses are counted too.
  const slot = await takeSigninSlot(c.env, keys);
  const db = database(c.env.DB);
  const op = await db.select().from(operators).where(eq(operators.username, username)).get();
  // Same answer and similar work for an unknown user and a wrong password.
  const ok = await verifyPassword(
    password,
    op?.passwordHash ?? "pbkdf2$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  );
  if (!op || !ok) {
    // Never the password, nor a typed username that is not an operator's (it may be a password typed in the wrong box).
    await appendAudit(db, {
      actor: client.actor,
      event: "console.signin_failed",
      decision: "refused",
      reason: "unauthorized",
      detail: { operator: op?.id ?? null, client: client.id, attempt: slot.accountAttempts },
    });
    throw new SiloError("unauthorized", "unknown username or wrong password");
  }
  await releaseSigninSlot(c.env, keys);
  return c.json(await signIn(c, op, "password", client.id));
});

/** Production: Cloudflare Access in front of /console; its signed assertion is the sign-in. */
consoleApi.openapi(route.accessLoginRoute, async (c) => {
  const config = accessConfig(c.env);
  if (!config) throw new SiloError("not_found", "Cloudflare Access sign-in is not configured");
  const { email } = await verifyAccessAssertion(config, c.req.header(ACCESS_HEADER));
  const op = await database(c.env.DB).select().from(operators).where(eq(operators.email, email)).get();
  if (!op) throw new SiloError("forbidden", "this Access identity is not a SiloOS operator");
  return c.json(await signIn(c, op, "access", (await edgeClient(c)).id));
});

consoleApi.openapi(route.logoutRoute, async (c) => {
  const ended = await endSession(c);
  if (ended)
    await appendAudit(database(c.env.DB), {
      actor: `human:${ended.sub}`,
      event: "session.revoked",
      detail: { session: ended.sid, by: "sign-out" },
    });
  return c.json({ ok: true });
});

consoleApi.use("*", requireOperator());

consoleApi.openapi(route.meRoute, (c) => {
  const s = c.get("session");
  return c.json({ id: s.sub, name: s.name, role: s.role, capabilities: roleOf(s).caps });
});

/** Agents a task can be handed back to (online ones). */
consoleApi.openapi(route.onlineAgentsRoute, async (c) => {
  const db = database(c.env.DB);
  const online = await Promise.all(registry.agents.map(async (a) => ((await agentOnline(db, a.name)) ? a.name : null)));
  return c.json({ agents: online.filter((n): n is string => n !== null) });
});

/** Mail that could not be delivered after its last retry: an operator follows it up. */
consoleApi.openapi(route.consoleDeadLettersRoute, async (c) => c.json({ messages: await c.env.PROXY.deadLetters() }));

consoleApi.openapi(route.queueRoute, async (c) => {
  const s = c.get("session");
  const queues = s.role === "supervisor" ? registry.roles.map((r) => `human:${r.name}`) : [`human:${s.role}`];
  const rows = await database(c.env.DB)
    .select()
    .from(tasks)
    .where(and(eq(tasks.status, "queued_human"), inArray(tasks.assignee, [...queues, principalOf(s)])))
    .orderBy(asc(tasks.createdAt))
    .limit(100);
  return c.json({ tasks: rows.map(taskView) });
});

consoleApi.openapi(route.takeRoute, async (c) =>
  c.json(await takeTask(c.env, c.req.param("id"), personOf(c.get("session")))),
);

consoleApi.openapi(route.heldTaskRoute, async (c) => {
  const s = c.get("session");
  const row = await myTask(c.env, s, c.req.param("id"));
  const transcript = await c.env.PROXY.transcript(row.id);
  const agent = agentForIntent(registry, row.intent ?? "") ?? registry.agents[0];
  const me = {
    principal: principalOf(s),
    taskId: row.id,
    scope: scopeOf(row),
    capabilities: roleOf(s).caps,
    templates: registry.templates,
  };
  return c.json({
    task: taskView(row),
    transcript: transcript.ok ? transcript.result : [],
    procedure: { agent: agent?.name ?? null, instructions: agent?.instructions ?? "" },
    tools: toolsFor(me).filter((t) => !["finish", "escalate", "whoami"].includes(t.name)),
  });
});

consoleApi.openapi(route.callRoute, async (c) => {
  const s = c.get("session");
  const row = await myTask(c.env, s, c.req.param("id"));
  const call = c.req.valid("json");
  const idempotencyKey = call.idempotencyKey ?? `${row.id}.human.${crypto.randomUUID()}`;
  return c.json(await c.env.PROXY.callAs(principalOf(s), { ...call, idempotencyKey }));
});

consoleApi.openapi(route.consoleCompleteRoute, async (c) => {
  const s = c.get("session");
  const row = await myTask(c.env, s, c.req.param("id"));
  return c.json(await completeTask(c.env, row, principalOf(s)));
});

consoleApi.openapi(route.handBackRoute, async (c) => {
  const s = c.get("session");
  const row = await myTask(c.env, s, c.req.param("id"));
  const { agent } = c.req.valid("json");
  return c.json(await handBackTask(c.env, row, personOf(s), agent));
});

consoleApi.openapi(route.procedureRoute, async (c) => {
  const s = c.get("session");
  const row = await requireTask(c.env, c.req.param("id"));
  const rows = await database(c.env.DB)
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.taskId, row.id), eq(auditLog.actor, principalOf(s))))
    .orderBy(asc(auditLog.seq));
  if (rows.length === 0) throw new SiloError("not_found", "you did nothing on this task to learn from");
  const markdown = draftProcedure({
    taskId: row.id,
    intent: row.intent,
    operator: s.name,
    rows,
    completed: row.status === "completed",
  });
  return c.text(markdown, 200, { "content-type": "text/markdown; charset=utf-8" });
});

const principalOf = (s: Session) => `human:${s.sub}`;
const personOf = (s: Session): Person => ({ principal: principalOf(s), role: s.role, caps: roleOf(s).caps });

async function signIn(
  c: Context<ConsoleEnv>,
  op: typeof operators.$inferSelect,
  method: "password" | "access",
  client: string,
) {
  const sid = await startSession(c, op.id);
  await appendAudit(database(c.env.DB), {
    actor: `human:${op.id}`,
    event: "console.signed_in",
    detail: { session: sid, method, client },
  });
  return { id: op.id, name: op.displayName, role: op.role };
}
const scopeOf = (row: TaskRow) => ({ customer: row.customerId, ...(row.caseId ? { case: row.caseId } : {}) });

function roleOf(s: Session) {
  const role = findRole(registry, s.role);
  if (!role) throw new SiloError("forbidden", `role ${s.role} has no grant in the registry`);
  return role;
}

/** A task the signed-in operator holds right now; anyone else's is refused. */
async function myTask(env: ConsoleEnv["Bindings"], s: Session, id: string): Promise<TaskRow> {
  const row = await requireTask(env, id);
  if (row.assignee !== principalOf(s)) throw new SiloError("forbidden", "this task is not assigned to you");
  if (row.status === "completed") throw new SiloError("task_closed", "the task is completed");
  return row;
}

// Held actions waiting for a person of the signed-in role (console/approvals.ts).
consoleApi.route("/approvals", approvalsApi);
