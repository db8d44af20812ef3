import { Hono } from "hono";
import { AddMessageSchema, CreateTaskSchema } from "../../contracts/api.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../env.ts";
import { jsonBody } from "../errors.ts";
import { completeTask, continueTask, requireTask, startTask, taskResponse } from "../lifecycle.ts";
import { parseOr400 } from "../validate.ts";

/** The task API for systems holding SILOOS_API_KEY. */
export const taskRoutes = new Hono<{ Bindings: RouterEnv }>();

taskRoutes.post("/", async (c) => {
  const body = parseOr400(CreateTaskSchema, await jsonBody(c));
  // The channel is where the router received the work, not the caller's claim:
  // "webhook" or "widget" would mark an API call as signed or as a visitor's.
  if (body.channel !== "api") throw new SiloError("validation_failed", "channel: a task created through the API is on the api channel");
  return c.json(await startTask(c.env, body), 201);
});

taskRoutes.get("/:id", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  return c.json(await taskResponse(c.env, row.id, 0));
});

taskRoutes.post("/:id/messages", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  const body = parseOr400(AddMessageSchema, await jsonBody(c));
  return c.json(await continueTask(c.env, row, body.message));
});

taskRoutes.post("/:id/complete", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  return c.json(await completeTask(c.env, row));
});
