import { z } from "zod";
import { ErrorBodySchema } from "./responses.ts";
import { ROUTES, type Auth, type RouteSpec } from "./routes.ts";

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const path = r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][r.method] = operation(r);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "SiloOS router API",
      version: "0.1.0",
      description: "The public API of SiloOS, a zero-trust operating system for AI agents. Every error is `{ error, message }` with a stable code.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "SILOOS_API_KEY" },
        adminKey: { type: "http", scheme: "bearer", description: "SILOOS_ADMIN_KEY" },
        operatorSession: { type: "apiKey", in: "cookie", name: "siloos_console", description: "Signed operator session; state changes also need X-SiloOS-Console: 1" },
        widgetSession: { type: "http", scheme: "bearer", description: "Widget session token from POST /v1/widget/sessions" },
        webhookSignature: { type: "apiKey", in: "header", name: "X-SiloOS-Signature", description: "t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>; with X-SiloOS-Delivery" },
      },
      schemas: { Error: schema(ErrorBodySchema, "output") },
    },
  };
}

function operation(r: RouteSpec): Record<string, unknown> {
  const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  const query = r.query ? queryParams(r.query) : [];
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(r.responses)) {
    const type = res.contentType ?? "application/json";
    responses[status] = { description: res.description, content: { [type]: { schema: res.schema ? schema(res.schema, "output") : type === "application/json" ? { type: "object" } : { type: "string" } } } };
  }
  responses.default = { description: "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  return {
    tags: [r.tag],
    summary: r.summary,
    operationId: `${r.method}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
    ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(r.body, "input") } } } } : {}),
    ...(security(r.auth) ? { security: security(r.auth) } : {}),
    responses,
  };
}

function security(auth: Auth): Array<Record<string, string[]>> | undefined {
  return auth === "none" ? undefined : [{ [auth]: [] }];
}

function schema(s: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return json;
}

function queryParams(q: z.ZodType): Array<Record<string, unknown>> {
  const json = schema(q, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: json.required?.includes(name) ?? false, schema: s }));
}
