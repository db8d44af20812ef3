import { z } from "zod";
import { AgentStatusSchema, AuditQuerySchema } from "../../contracts/api.ts";
import { CUSTOMER_ID } from "../../contracts/ids.ts";
import { auth, defineRoute, json, jsonRequest } from "./define.ts";
import { AgentsSchema, AuditPageSchema, AuditVerifySchema, DeadLettersSchema } from "./responses.ts";

/** Admin routes (SILOOS_ADMIN_KEY), mounted at /v1 (routes/admin.ts, routes/sessions.ts) and /v1/outbox. */
const tags = ["admin"];
const security = auth.adminKey;

export const auditRoute = defineRoute({
  method: "get",
  path: "/audit",
  tags,
  security,
  summary: "The append-only audit log, oldest first",
  request: { query: AuditQuerySchema },
  responses: { 200: json("A page of entries", AuditPageSchema) },
});

export const auditVerifyRoute = defineRoute({
  method: "get",
  path: "/audit/verify",
  tags,
  security,
  summary: "Recompute the audit log's keyed hash chain",
  responses: {
    200: json("The chain holds", AuditVerifySchema),
    409: json("A row was changed, removed or inserted", AuditVerifySchema),
  },
});

export const agentsRoute = defineRoute({
  method: "get",
  path: "/agents",
  tags,
  security,
  summary: "Agents, status and granted base keys",
  responses: { 200: json("The registry with status", AgentsSchema) },
});

export const agentStatusRoute = defineRoute({
  method: "put",
  path: "/agents/{name}/status",
  tags,
  security,
  summary: "Switch an agent online or offline",
  request: { params: z.object({ name: z.string() }), body: jsonRequest(AgentStatusSchema) },
  responses: { 200: json("The new status", AgentStatusSchema.extend({ name: z.string() })) },
});

export const OperatorRoleSchema = z.object({ role: z.string().min(1).max(40) }).strict();
export const WidgetRevokeSchema = z
  .object({ site: z.string().min(1).max(40), customerId: z.string().regex(CUSTOMER_ID) })
  .strict();
export const RevokedSchema = z.object({ revoked: z.number().int() });
const operator = z.object({ id: z.string().describe("The operator id") });

export const revokeOperatorSessionsRoute = defineRoute({
  method: "post",
  path: "/operators/{id}/sessions/revoke",
  tags,
  security,
  summary: "Revoke every console session of an operator, at once",
  request: { params: operator },
  responses: { 200: json("How many were revoked", RevokedSchema) },
});

export const operatorRoleRoute = defineRoute({
  method: "put",
  path: "/operators/{id}/role",
  tags,
  security,
  summary: "Change an operator's role (applies to their next request)",
  request: { params: operator, body: jsonRequest(OperatorRoleSchema) },
  responses: { 200: json("The new role", OperatorRoleSchema.extend({ id: z.string() })) },
});

export const revokeWidgetSessionsRoute = defineRoute({
  method: "post",
  path: "/widget-sessions/revoke",
  tags,
  security,
  summary: "Revoke a customer's widget sessions on a site",
  request: { body: jsonRequest(WidgetRevokeSchema) },
  responses: { 200: json("How many were revoked", RevokedSchema) },
});

export const deadLettersRoute = defineRoute({
  method: "get",
  path: "/dead",
  tags,
  security,
  summary: "The mail outbox's dead letters (no address, no body)",
  responses: { 200: json("Dead letters", DeadLettersSchema) },
});
