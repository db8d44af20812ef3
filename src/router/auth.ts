import type { MiddlewareHandler } from "hono";
import { SiloError } from "../errors/index.ts";
import { type RouterEnv, routerConfig } from "./core/env.ts";

type KeyName = "SILOOS_API_KEY" | "SILOOS_ADMIN_KEY";

/** Bearer-key authentication; compares digests in constant time. */
export function bearerKey(which: KeyName): MiddlewareHandler<{ Bindings: RouterEnv }> {
  return async function bearerKeyAuth(c, next) {
    const header = c.req.header("authorization") ?? "";
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!presented) throw new SiloError("unauthorized", "missing Authorization: Bearer <key>");
    const expected = routerConfig(c.env)[which];
    if (!(await constantTimeEqual(presented, expected))) throw new SiloError("unauthorized", "invalid key");
    await next();
  };
}

export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  // Hash first so lengths match and timing reveals nothing about the secret.
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}
