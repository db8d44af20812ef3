import { z } from "zod";
import { HelpdeskTicketCreatedSchema } from "../../webhooks/sources/helpdesk.ts";
import { auth, defineRoute, json } from "./define.ts";
import { WebhookAcceptedSchema } from "./responses.ts";

/**
 * Signed webhooks, mounted at /v1/webhooks (routes/webhooks.ts). The body is
 * documented, not validated here: the signature covers the raw bytes, so the
 * body is checked by its source's schema (the same one, src/webhooks/sources)
 * only after the signature holds. A zod schema here would be parsed first.
 */
export const WEBHOOK_BODY = z.toJSONSchema(HelpdeskTicketCreatedSchema, { io: "input", unrepresentable: "any" });

export const webhookRoute = defineRoute({
  method: "post",
  path: "/{source}",
  tags: ["webhooks"],
  security: auth.webhookSignature,
  summary: "A signed event from a system (source: helpdesk)",
  request: {
    params: z.object({ source: z.string().describe("The sending system: helpdesk") }),
    body: { required: true, content: { "application/json": { schema: withoutDialect(WEBHOOK_BODY) } } },
  },
  responses: {
    201: json("Task started", WebhookAcceptedSchema),
    200: json("Duplicate delivery: the original task", WebhookAcceptedSchema),
  },
});

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
