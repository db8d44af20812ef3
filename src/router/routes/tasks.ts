import type { Context } from "hono";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { completeTask, continueTask, type RunMode, requireTask, startTask, taskResponse } from "../lifecycle/index.ts";
import { routerApp } from "../openapi/define.ts";
import {
  addMessageRoute,
  completeTaskRoute,
  createTaskRoute,
  getTaskRoute,
  taskEventsRoute,
} from "../openapi/tasks.ts";
import { taskEventStream } from "./task-events.ts";
import { SSE_HEADERS } from "./widget-stream.ts";

/** The task API for systems holding SILOOS_API_KEY. */
export const taskRoutes = routerApp<{ Bindings: RouterEnv }>();

/** `Prefer: respond-async` or `?async=1`: answer 202 at once, the run goes on without the client. */
function runMode(c: Context<{ Bindings: RouterEnv }>): RunMode {
  const prefer = c.req.header("prefer") ?? "";
  return /(^|[\s,])respond-async($|[\s,;])/i.test(prefer) || c.req.query("async") === "1" ? "async" : "sync";
}

/** 202 with the task's URL while its run goes on; the run's own status otherwise. */
function answer(c: Context<{ Bindings: RouterEnv }>, body: { taskId: string; accepted?: true }, done: 200 | 201) {
  const { accepted, ...task } = body;
  if (!accepted) return c.json(task, done);
  const url = `/v1/tasks/${task.taskId}`;
  c.header("location", url);
  c.header("preference-applied", "respond-async");
  return c.json({ ...task, links: { self: url, events: `${url}/events` } }, 202);
}

taskRoutes.openapi(createTaskRoute, async (c) => {
  const body = c.req.valid("json");
  // The channel is where the router received the work, not the caller's claim:
  // "webhook" or "widget" would mark an API call as signed or as a visitor's.
  if (body.channel !== "api")
    throw new SiloError("validation_failed", "channel: a task created through the API is on the api channel");
  return answer(c, await startTask(c.env, body, runMode(c)), 201);
});

taskRoutes.openapi(getTaskRoute, async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  return c.json(await taskResponse(c.env, row.id, 0));
});

/** Server-sent events: each reply as it is written, then the task's status when its run ends. */
taskRoutes.openapi(taskEventsRoute, async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  const since = Number(c.req.query("since") ?? 0);
  return new Response(taskEventStream(c.env, row.id, Number.isInteger(since) && since >= 0 ? since : 0), {
    headers: SSE_HEADERS,
  });
});

taskRoutes.openapi(addMessageRoute, async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  const body = c.req.valid("json");
  return answer(c, await continueTask(c.env, row, body.message, runMode(c)), 200);
});

taskRoutes.openapi(completeTaskRoute, async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  return c.json(await completeTask(c.env, row));
});
