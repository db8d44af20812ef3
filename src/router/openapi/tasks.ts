import { z } from "zod";
import { AddMessageSchema, CreateTaskSchema } from "../../contracts/api.ts";
import { auth, defineRoute, json, jsonRequest, text } from "./define.ts";
import { TaskAcceptedSchema, TaskResponseSchema, TaskViewSchema } from "./responses.ts";

/** The task API, mounted at /v1/tasks (routes/tasks.ts). */
const tags = ["tasks"];
const security = auth.apiKey;
const params = z.object({ id: z.string().describe("The task id (tsk_…)") });
const async = z.object({ async: z.string().optional().describe("1: answer 202 at once (like Prefer: respond-async)") });
const task = json("The task and the replies of this run, hydrated for the customer", TaskResponseSchema);
const accepted = json("The run goes on durably: poll Location or follow links.events", TaskAcceptedSchema);

export const createTaskRoute = defineRoute({
  method: "post",
  path: "/",
  tags,
  security,
  summary: "Create a task and run it (Prefer: respond-async or ?async=1 for 202)",
  request: { query: async, body: jsonRequest(CreateTaskSchema) },
  responses: { 201: task, 202: accepted },
});

export const getTaskRoute = defineRoute({
  method: "get",
  path: "/{id}",
  tags,
  security,
  summary: "A task's state and replies",
  request: { params },
  responses: { 200: task },
});

export const taskEventsRoute = defineRoute({
  method: "get",
  path: "/{id}/events",
  tags,
  security,
  summary: "Server-sent events of the task: reply, status, done (?since= to resume)",
  request: { params, query: z.object({ since: z.string().optional().describe("Resume after this event number") }) },
  responses: { 200: text("Events: reply, status, done", "text/event-stream") },
});

export const addMessageRoute = defineRoute({
  method: "post",
  path: "/{id}/messages",
  tags,
  security,
  summary: "The customer's next message",
  request: { params, query: async, body: jsonRequest(AddMessageSchema) },
  responses: { 200: task, 202: accepted },
});

export const completeTaskRoute = defineRoute({
  method: "post",
  path: "/{id}/complete",
  tags,
  security,
  summary: "End a task: the vault is wiped, its keys die",
  request: { params },
  responses: { 200: json("The completed task", TaskViewSchema) },
});
