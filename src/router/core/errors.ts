import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ERROR_STATUS, type ErrorBody, SiloError, toErrorBody } from "../../errors/index.ts";

/** Every 4xx/5xx leaves as `{ error, message }`. */
export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 401 ? "unauthorized" : "validation_failed";
    return c.json({ error: code, message: err.message || code } satisfies ErrorBody, err.status);
  }
  // Messages of unexpected errors name the cause (a missing variable, a failed statement), never a request's data.
  if (!(err instanceof SiloError))
    console.error(
      "router: unexpected error",
      err instanceof Error ? `${err.name}: ${err.message.slice(0, 300)}` : typeof err,
    );
  const body = toErrorBody(err);
  return c.json(body, ERROR_STATUS[body.error]);
}

export function notFound(c: Context): Response {
  return c.json(
    { error: "not_found", message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorBody,
    404,
  );
}

/** Parse a JSON body or refuse with invalid_json / unsupported_media_type. */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new SiloError("unsupported_media_type", "send Content-Type: application/json");
  try {
    return await c.req.json();
  } catch {
    throw new SiloError("invalid_json", "the body is not valid JSON");
  }
}
