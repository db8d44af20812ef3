import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../env.ts";
import { fromB64url, toB64url } from "./password.ts";

/**
 * Operator sessions: a signed cookie (HMAC-SHA256 with SILOOS_OPERATOR_SECRET),
 * HttpOnly, SameSite=Strict, path /console, 8 hours. Mutating requests must
 * also carry X-SiloOS-Console, which a cross-site form cannot send.
 */
export const SESSION_COOKIE = "siloos_console";
const TTL_SECONDS = 8 * 3600;

const SessionSchema = z.object({ sub: z.string(), name: z.string(), role: z.string(), exp: z.number() });
export type Session = z.infer<typeof SessionSchema>;
export type ConsoleEnv = { Bindings: RouterEnv; Variables: { session: Session } };

const enc = new TextEncoder();

async function hmacKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret || secret.length < 32) throw new SiloError("internal", "SILOOS_OPERATOR_SECRET must be at least 32 characters");
  return crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function startSession(c: Context<ConsoleEnv>, who: Omit<Session, "exp">): Promise<void> {
  const payload = toB64url(enc.encode(JSON.stringify({ ...who, exp: Math.floor(Date.now() / 1000) + TTL_SECONDS })));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(c.env.SILOOS_OPERATOR_SECRET), enc.encode(payload)));
  setCookie(c, SESSION_COOKIE, `${payload}.${toB64url(sig)}`, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/console",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: TTL_SECONDS,
  });
}

export function endSession(c: Context<ConsoleEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/console" });
}

async function readSession(c: Context<ConsoleEnv>): Promise<Session | null> {
  const raw = getCookie(c, SESSION_COOKIE);
  const [payload, sig] = raw?.split(".") ?? [];
  if (!payload || !sig) return null;
  let ok = false;
  try {
    ok = await crypto.subtle.verify("HMAC", await hmacKey(c.env.SILOOS_OPERATOR_SECRET), fromB64url(sig), enc.encode(payload));
  } catch {
    return null;
  }
  if (!ok) return null;
  const parsed = SessionSchema.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(payload))));
  if (!parsed.success || parsed.data.exp * 1000 < Date.now()) return null;
  return parsed.data;
}

/** No console without a valid session; no state change without the console header. */
export function requireOperator(): MiddlewareHandler<ConsoleEnv> {
  return async function requireOperatorSession(c, next) {
    const session = await readSession(c);
    if (!session) throw new SiloError("unauthorized", "sign in to the console first");
    if (c.req.method !== "GET" && c.req.header("x-siloos-console") !== "1") {
      throw new SiloError("forbidden", "console requests must carry X-SiloOS-Console: 1");
    }
    c.set("session", session);
    await next();
  };
}
