import { z } from "zod";
import { ApprovalDecisionSchema, ConsoleCallSchema, ConsoleLoginSchema, HandBackSchema } from "../../contracts/api.ts";
import { auth, defineRoute, json, jsonRequest, text } from "./define.ts";
import {
  DeadLettersSchema,
  OkSchema,
  OperatorSchema,
  ProxyResultSchema,
  QueueSchema,
  TaskResponseSchema,
  TaskViewSchema,
} from "./responses.ts";

/** The console's JSON API, mounted at /console/api (console/routes.ts, console/approvals.ts). */
const tags = ["console"];
const security = auth.operatorSession;
const params = z.object({ id: z.string().describe("The task id (tsk_…)") });

export const loginRoute = defineRoute({
  method: "post",
  path: "/login",
  tags,
  summary: "Operator sign-in: sets the session cookie",
  request: { body: jsonRequest(ConsoleLoginSchema) },
  responses: { 200: json("Signed in", OperatorSchema) },
});

export const accessLoginRoute = defineRoute({
  method: "post",
  path: "/login/access",
  tags,
  summary: "Operator sign-in through Cloudflare Access (Cf-Access-Jwt-Assertion): sets the session cookie",
  responses: { 200: json("Signed in", OperatorSchema) },
});

export const logoutRoute = defineRoute({
  method: "post",
  path: "/logout",
  tags,
  summary: "Sign out: the session is revoked",
  responses: { 200: json("Signed out", OkSchema) },
});

export const meRoute = defineRoute({
  method: "get",
  path: "/me",
  tags,
  security,
  summary: "The signed-in operator and the role's grant",
  responses: {
    200: json("Operator", OperatorSchema.extend({ capabilities: z.array(z.record(z.string(), z.unknown())) })),
  },
});

export const onlineAgentsRoute = defineRoute({
  method: "get",
  path: "/agents",
  tags,
  security,
  summary: "Online agents a task can be handed back to",
  responses: { 200: json("Agent names", z.object({ agents: z.array(z.string()) })) },
});

export const consoleDeadLettersRoute = defineRoute({
  method: "get",
  path: "/outbox/dead",
  tags,
  security,
  summary: "The mail outbox's dead letters, for operators",
  responses: { 200: json("Dead letters", DeadLettersSchema) },
});

export const queueRoute = defineRoute({
  method: "get",
  path: "/queue",
  tags,
  security,
  summary: "Tasks waiting for a person",
  responses: { 200: json("Queue", QueueSchema) },
});

export const takeRoute = defineRoute({
  method: "post",
  path: "/tasks/{id}/take",
  tags,
  security,
  summary: "Take a task: keys are minted for human:<operator>",
  request: { params },
  responses: {
    200: json(
      "The task and this operator's keys",
      z.object({ task: TaskResponseSchema, keys: z.object({ baseKey: z.string(), taskKey: z.string() }) }),
    ),
  },
});

export const heldTaskRoute = defineRoute({
  method: "get",
  path: "/tasks/{id}",
  tags,
  security,
  summary: "A held task: tokenized conversation, instructions, tools",
  request: { params },
  responses: {
    200: json(
      "Task view",
      z.object({
        task: TaskViewSchema,
        transcript: z.unknown(),
        procedure: z.object({ agent: z.string().nullable(), instructions: z.string() }),
        tools: z.array(z.record(z.string(), z.unknown())),
      }),
    ),
  },
});

export const callRoute = defineRoute({
  method: "post",
  path: "/tasks/{id}/call",
  tags,
  security,
  summary: "Call a proxy operation as the operator",
  request: { params, body: jsonRequest(ConsoleCallSchema) },
  responses: { 200: json("The proxy's answer", ProxyResultSchema) },
});

export const consoleCompleteRoute = defineRoute({
  method: "post",
  path: "/tasks/{id}/complete",
  tags,
  security,
  summary: "Complete a held task",
  request: { params },
  responses: { 200: json("The completed task", TaskViewSchema) },
});

export const handBackRoute = defineRoute({
  method: "post",
  path: "/tasks/{id}/handback",
  tags,
  security,
  summary: "Hand a task back to an online agent",
  request: { params, body: jsonRequest(HandBackSchema) },
  responses: { 200: json("The task and the replies of the agent's run", TaskResponseSchema) },
});

export const procedureRoute = defineRoute({
  method: "get",
  path: "/tasks/{id}/procedure",
  tags,
  security,
  summary: "What I did, as a draft instructions.md procedure",
  request: { params },
  responses: { 200: text("Markdown", "text/markdown") },
});

/** Mounted at /console/api/approvals. */
export const approvalsRoute = defineRoute({
  method: "get",
  path: "/",
  tags,
  security,
  summary: "Actions held for the operator's role, across tasks: tokenized arguments, records, procedure, transcript",
  responses: { 200: json("Pending actions", z.object({ role: z.string(), actions: z.array(z.unknown()) })) },
});

export const decideRoute = defineRoute({
  method: "post",
  path: "/decide",
  tags,
  security,
  summary: "Approve or reject held actions by id; the proxy runs each held call once",
  request: { body: jsonRequest(ApprovalDecisionSchema) },
  responses: { 200: json("One outcome per id", z.object({ outcomes: z.array(z.unknown()) })) },
});
