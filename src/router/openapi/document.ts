import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { auth } from "./define.ts";

/**
 * The OpenAPI 3.1 document, generated from the routes the app registered
 * (define.ts): the schemas here are the ones the router validates with.
 */
export function openApiDocument<E extends Env>(app: OpenAPIHono<E>, serverUrl?: string): Record<string, unknown> {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "SiloOS router API",
      version: "0.1.0",
      description:
        "The public API of SiloOS, a zero-trust operating system for AI agents. Every error is `{ error, message }` with a stable code.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
  return { ...doc, components: { ...doc.components, securitySchemes: SECURITY_SCHEMES } };
}

/** The schemes routes name in their `security` (define.ts `auth`). */
const SECURITY_SCHEMES: Record<keyof typeof auth, Record<string, string>> = {
  apiKey: { type: "http", scheme: "bearer", description: "SILOOS_API_KEY" },
  adminKey: { type: "http", scheme: "bearer", description: "SILOOS_ADMIN_KEY" },
  operatorSession: {
    type: "apiKey",
    in: "cookie",
    name: "siloos_console",
    description: "Signed operator session; state changes also need X-SiloOS-Console: 1",
  },
  widgetSession: { type: "http", scheme: "bearer", description: "Widget session token from POST /v1/widget/sessions" },
  webhookSignature: {
    type: "apiKey",
    in: "header",
    name: "X-SiloOS-Signature",
    description: "t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>; with X-SiloOS-Delivery",
  },
};
