import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Env, MiddlewareHandler } from "hono";
import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../errors/index.ts";
import { invalid } from "../../errors/validation.ts";
import { jsonBody } from "../core/errors.ts";
import { ErrorBodySchema } from "./responses.ts";

/**
 * One definition per route (@hono/zod-openapi): the same createRoute() object
 * validates the request and writes the route's entry in /openapi.json, so the
 * document cannot promise a schema the router does not check.
 */

/** A router (sub-)app whose routes validate with their definitions; a failed check is `validation_failed`. */
export function routerApp<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    // Thrown, not answered here: the router's onError shapes `{ error, message }` and counts edge refusals.
    defaultHook: (result) => {
      if (!result.success) throw invalid(result.error);
    },
  });
}

/**
 * Before the stock JSON validator: it reads a non-JSON content type as an
 * empty object and answers malformed JSON with a bare 400. Here a body must be
 * declared JSON (415 unsupported_media_type) and parse (400 invalid_json);
 * the parsed body is cached for the validator.
 */
const jsonOnly: MiddlewareHandler<Env> = async function jsonOnly(c, next) {
  await jsonBody(c);
  await next();
};

/** An error answer whose `error` is one of the codes the router maps to `status` (errors/index.ts). */
function refusal(status: number, description: string) {
  const codes = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status) as [
    ErrorCode,
    ...ErrorCode[],
  ];
  return json(description, ErrorBodySchema.extend({ error: z.enum(codes) }));
}

const errorResponse = json("An error: a stable code and a message", ErrorBodySchema);

/**
 * A route definition: a body validated here (a zod schema) gets the JSON gate;
 * a route with a body documents 400 and 415, a secured one 401, every one the
 * error shape. Requests are typed from the definition (`c.req.valid`);
 * answers are typed as any Response, so handlers keep `c.json(body)` without
 * restating the status (test/openapi.test.ts checks answers against the document).
 */
export function defineRoute<
  const P extends string,
  const R extends Omit<RouteConfig, "path" | "middleware"> & { path: P },
>(config: R) {
  const media = config.request?.body?.content["application/json"];
  const body = media && "schema" in media ? media.schema : undefined;
  const route = createRoute({
    ...config,
    ...(body instanceof z.ZodType ? { middleware: [jsonOnly] } : {}),
    responses: {
      ...(body
        ? {
            400: refusal(400, "Malformed JSON or a body that breaks the schema"),
            415: refusal(415, "The body is not declared application/json"),
          }
        : {}),
      ...(config.security ? { 401: refusal(401, "Missing or invalid credentials") } : {}),
      ...config.responses,
      default: errorResponse,
    },
  });
  return route as Omit<typeof route, "responses"> & Pick<RouteConfig, "responses">;
}

/** A required JSON body validated by `schema`. */
export function jsonRequest<S extends z.ZodType>(
  schema: S,
): { required: true; content: { "application/json": { schema: S } } } {
  return { required: true, content: { "application/json": { schema } } };
}

/** A JSON answer of `schema`. */
export function json<S extends z.ZodType>(
  description: string,
  schema: S,
): { description: string; content: { "application/json": { schema: S } } } {
  return { description, content: { "application/json": { schema } } };
}

/** A non-JSON answer (server-sent events, markdown). */
export function text(
  description: string,
  contentType: "text/event-stream" | "text/markdown",
): { description: string; content: Record<string, { schema: { type: "string" } }> } {
  return { description, content: { [contentType]: { schema: { type: "string" } } } };
}

/** Who may call a route: one of the document's security schemes (document.ts). */
export const auth = {
  apiKey: [{ apiKey: [] }],
  adminKey: [{ adminKey: [] }],
  operatorSession: [{ operatorSession: [] }],
  widgetSession: [{ widgetSession: [] }],
  webhookSignature: [{ webhookSignature: [] }],
} satisfies Record<string, Array<Record<string, string[]>>>;
