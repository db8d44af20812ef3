import type { z } from "zod";
import {
  AddMessageSchema,
  AgentStatusSchema,
  ApprovalDecisionSchema,
  AuditQuerySchema,
  ConsoleCallSchema,
  ConsoleLoginSchema,
  CreateTaskSchema,
  HandBackSchema,
  WidgetMessageSchema,
  WidgetOpenSessionSchema,
} from "../../contracts/api.ts";
import { HelpdeskTicketCreatedSchema } from "../../webhooks/sources/helpdesk.ts";
import * as R from "./responses.ts";
import { OperatorRoleSchema, RevokedSchema, WidgetRevokeSchema } from "../routes/sessions.ts";

export type Auth = "none" | "apiKey" | "adminKey" | "operatorSession" | "widgetSession" | "webhookSignature";

export interface RouteSpec {
  method: "get" | "post" | "put" | "delete";
  /** Hono syntax (`/v1/tasks/:id`); converted to `{id}` in the document. */
  path: string;
  tag: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const task = { description: "The task and the replies of this run, hydrated for the customer", schema: R.TaskResponseSchema };
const accepted = { description: "The run goes on durably: poll Location or follow links.events", schema: R.TaskAcceptedSchema };

/** Every public route of the router. A test fails if the app and this table disagree. */
export const ROUTES: RouteSpec[] = [
  { method: "get", path: "/healthz", tag: "system", summary: "Ready: the router, the proxy and a migrated D1", auth: "none", responses: { 200: { description: "All parts answer and every table exists", schema: R.HealthSchema } } },
  { method: "get", path: "/.well-known/jwks.json", tag: "system", summary: "The router's public signing keys", auth: "none", responses: { 200: { description: "JWK set", schema: R.JwksSchema } } },
  { method: "get", path: "/openapi.json", tag: "system", summary: "This document", auth: "none", responses: { 200: { description: "OpenAPI 3.1" } } },
  { method: "post", path: "/v1/tasks", tag: "tasks", summary: "Create a task and run it (Prefer: respond-async or ?async=1 for 202)", auth: "apiKey", body: CreateTaskSchema, responses: { 201: task, 202: accepted } },
  { method: "get", path: "/v1/tasks/:id", tag: "tasks", summary: "A task's state and replies", auth: "apiKey", responses: { 200: task } },
  { method: "get", path: "/v1/tasks/:id/events", tag: "tasks", summary: "Server-sent events of the task: reply, status, done (?since= to resume)", auth: "apiKey", responses: { 200: { description: "text/event-stream", contentType: "text/event-stream" } } },
  { method: "post", path: "/v1/tasks/:id/messages", tag: "tasks", summary: "The customer's next message", auth: "apiKey", body: AddMessageSchema, responses: { 200: task, 202: accepted } },
  { method: "post", path: "/v1/tasks/:id/complete", tag: "tasks", summary: "End a task: the vault is wiped, its keys die", auth: "apiKey", responses: { 200: { description: "The completed task", schema: R.TaskViewSchema } } },
  { method: "post", path: "/v1/webhooks/:source", tag: "webhooks", summary: "A signed event from a system (source: helpdesk)", auth: "webhookSignature", body: HelpdeskTicketCreatedSchema, responses: { 201: { description: "Task started", schema: R.WebhookAcceptedSchema }, 200: { description: "Duplicate delivery: the original task", schema: R.WebhookAcceptedSchema } } },
  { method: "get", path: "/v1/audit", tag: "admin", summary: "The append-only audit log, oldest first", auth: "adminKey", query: AuditQuerySchema, responses: { 200: { description: "A page of entries", schema: R.AuditPageSchema } } },
  { method: "get", path: "/v1/audit/verify", tag: "admin", summary: "Recompute the audit log's keyed hash chain", auth: "adminKey", responses: { 200: { description: "The chain holds" }, 409: { description: "A row was changed, removed or inserted" } } },
  { method: "get", path: "/v1/agents", tag: "admin", summary: "Agents, status and granted base keys", auth: "adminKey", responses: { 200: { description: "The registry with status", schema: R.AgentsSchema } } },
  { method: "put", path: "/v1/agents/:name/status", tag: "admin", summary: "Switch an agent online or offline", auth: "adminKey", body: AgentStatusSchema, responses: { 200: { description: "The new status" } } },
  { method: "post", path: "/console/api/login", tag: "console", summary: "Operator sign-in: sets the session cookie", auth: "none", body: ConsoleLoginSchema, responses: { 200: { description: "Signed in", schema: R.OperatorSchema } } },
  { method: "post", path: "/console/api/login/access", tag: "console", summary: "Operator sign-in through Cloudflare Access (Cf-Access-Jwt-Assertion): sets the session cookie", auth: "none", responses: { 200: { description: "Signed in", schema: R.OperatorSchema } } },
  { method: "post", path: "/console/api/logout", tag: "console", summary: "Sign out: the session is revoked", auth: "none", responses: { 200: { description: "Signed out", schema: R.OkSchema } } },
  { method: "post", path: "/v1/operators/:id/sessions/revoke", tag: "admin", summary: "Revoke every console session of an operator, at once", auth: "adminKey", responses: { 200: { description: "How many were revoked", schema: RevokedSchema } } },
  { method: "put", path: "/v1/operators/:id/role", tag: "admin", summary: "Change an operator's role (applies to their next request)", auth: "adminKey", body: OperatorRoleSchema, responses: { 200: { description: "The new role" } } },
  { method: "post", path: "/v1/widget-sessions/revoke", tag: "admin", summary: "Revoke a customer's widget sessions on a site", auth: "adminKey", body: WidgetRevokeSchema, responses: { 200: { description: "How many were revoked", schema: RevokedSchema } } },
  { method: "get", path: "/console/api/me", tag: "console", summary: "The signed-in operator and the role's grant", auth: "operatorSession", responses: { 200: { description: "Operator" } } },
  { method: "get", path: "/console/api/agents", tag: "console", summary: "Online agents a task can be handed back to", auth: "operatorSession", responses: { 200: { description: "Agent names" } } },
  { method: "get", path: "/console/api/queue", tag: "console", summary: "Tasks waiting for a person", auth: "operatorSession", responses: { 200: { description: "Queue", schema: R.QueueSchema } } },
  { method: "get", path: "/v1/outbox/dead", tag: "admin", summary: "The mail outbox's dead letters (no address, no body)", auth: "adminKey", responses: { 200: { description: "Dead letters" } } },
  { method: "get", path: "/console/api/outbox/dead", tag: "console", summary: "The mail outbox's dead letters, for operators", auth: "operatorSession", responses: { 200: { description: "Dead letters" } } },
  { method: "post", path: "/console/api/tasks/:id/take", tag: "console", summary: "Take a task: keys are minted for human:<operator>", auth: "operatorSession", responses: { 200: { description: "The task and this operator's keys" } } },
  { method: "get", path: "/console/api/tasks/:id", tag: "console", summary: "A held task: tokenized conversation, instructions, tools", auth: "operatorSession", responses: { 200: { description: "Task view" } } },
  { method: "post", path: "/console/api/tasks/:id/call", tag: "console", summary: "Call a proxy operation as the operator", auth: "operatorSession", body: ConsoleCallSchema, responses: { 200: { description: "The proxy's answer", schema: R.ProxyResultSchema } } },
  { method: "post", path: "/console/api/tasks/:id/complete", tag: "console", summary: "Complete a held task", auth: "operatorSession", responses: { 200: { description: "The completed task", schema: R.TaskViewSchema } } },
  { method: "post", path: "/console/api/tasks/:id/handback", tag: "console", summary: "Hand a task back to an online agent", auth: "operatorSession", body: HandBackSchema, responses: { 200: task } },
  { method: "get", path: "/console/api/tasks/:id/procedure", tag: "console", summary: "What I did, as a draft instructions.md procedure", auth: "operatorSession", responses: { 200: { description: "Markdown", contentType: "text/markdown" } } },
  { method: "get", path: "/console/api/approvals", tag: "console", summary: "Actions held for the operator's role, across tasks: tokenized arguments, records, procedure, transcript", auth: "operatorSession", responses: { 200: { description: "Pending actions" } } },
  { method: "post", path: "/console/api/approvals/decide", tag: "console", summary: "Approve or reject held actions by id; the proxy runs each held call once", auth: "operatorSession", body: ApprovalDecisionSchema, responses: { 200: { description: "One outcome per id" } } },
  { method: "post", path: "/v1/widget/sessions", tag: "widget", summary: "Open a chat session for a visitor (identity signed by the site)", auth: "none", body: WidgetOpenSessionSchema, responses: { 201: { description: "Session token", schema: R.WidgetSessionResponseSchema } } },
  { method: "delete", path: "/v1/widget/session", tag: "widget", summary: "The visitor signs out: the session is revoked", auth: "widgetSession", responses: { 200: { description: "Signed out", schema: R.OkSchema } } },
  { method: "get", path: "/v1/widget/conversation", tag: "widget", summary: "The conversation so far, hydrated for this visitor", auth: "widgetSession", responses: { 200: { description: "Conversation", schema: R.ConversationSchema } } },
  { method: "post", path: "/v1/widget/messages", tag: "widget", summary: "Send a message; replies stream back as server-sent events", auth: "widgetSession", body: WidgetMessageSchema, responses: { 200: { description: "Events: accepted, reply, status, error, done", contentType: "text/event-stream" } } },
  { method: "get", path: "/v1/widget/events", tag: "widget", summary: "Stream replies while a person holds the conversation", auth: "widgetSession", responses: { 200: { description: "Events: reply, status, done", contentType: "text/event-stream" } } },
];
