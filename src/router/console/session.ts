import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { fromBase64url, fromUtf8, toBase64url, utf8 } from "../../crypto/encoding.ts";
import { hmacSign, hmacVerify, purposeKey } from "../../crypto/hmac.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";

/**
 * Operator sessions: a signed cookie (HMAC-SHA256 with SILOOS_OPERATOR_SECRET,
 * which signs nothing else; widget sessions have SILOOS_WIDGET_SECRET),
 * HttpOnly, SameSite=Strict, path /console, 8 hours, that names a row of
 * operator_sessions. Each request reads that row and the operator's current
 * role: sign-out or an admin revokes a session at once, and a role change
 * applies to the next request (the cookie carries no role). Mutating requests
 * must also carry X-SiloOS-Console, which a cross-site form cannot send.
 */
export const SESSION_COOKIE = "siloos_console";
const TTL_SECONDS = 8 * 3600;

const CookieSchema = z.object({ sid: z.string().regex(/^ops_[0-9a-f]{32}$/), exp: z.number() });

export interface Session {
  sid: string;
  sub: string;
  name: string;
  role: string;
}
export type ConsoleEnv = { Bindings: RouterEnv; Variables: { session: Session } };

async function sessionKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret || secret.length < 32)
    throw new SiloError("internal", "SILOOS_OPERATOR_SECRET must be at least 32 characters");
  // A purpose key: even a secret pasted into another slot never makes another token kind an operator cookie.
  return purposeKey(secret, "operator-session");
}

export async function startSession(c: Context<ConsoleEnv>, operatorId: string): Promise<string> {
  const sid = `ops_${crypto.randomUUID().replace(/-/g, "")}`;
  const now = Date.now();
  const exp = Math.floor(now / 1000) + TTL_SECONDS;
  await c.env.DB.prepare(
    "INSERT INTO operator_sessions (id, operator_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
  )
    .bind(sid, operatorId, now, exp * 1000)
    .run();
  const payload = toBase64url(utf8(JSON.stringify({ sid, exp })));
  const sig = await hmacSign(await sessionKey(c.env.SILOOS_OPERATOR_SECRET), payload);
  setCookie(c, SESSION_COOKIE, `${payload}.${toBase64url(sig)}`, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/console",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: TTL_SECONDS,
  });
  return sid;
}

/** Sign-out: the session row is revoked, so a copy of the cookie is dead too. */
export async function endSession(c: Context<ConsoleEnv>): Promise<Session | null> {
  const session = await readSession(c);
  if (session) await revokeSessions(c.env.DB, { sid: session.sid });
  deleteCookie(c, SESSION_COOKIE, { path: "/console" });
  return session;
}

/** Revoke one session or every live session of an operator; returns how many. */
export async function revokeSessions(db: D1Database, which: { sid: string } | { operatorId: string }): Promise<number> {
  const now = Date.now();
  const res =
    "sid" in which
      ? await db
          .prepare("UPDATE operator_sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL")
          .bind(now, which.sid)
          .run()
      : await db
          .prepare(
            "UPDATE operator_sessions SET revoked_at = ?1 WHERE operator_id = ?2 AND revoked_at IS NULL AND expires_at > ?1",
          )
          .bind(now, which.operatorId)
          .run();
  return res.meta.changes;
}

async function readSession(c: Context<ConsoleEnv>): Promise<Session | null> {
  const raw = getCookie(c, SESSION_COOKIE);
  const [payload, sig] = raw?.split(".") ?? [];
  if (!payload || !sig || payload.length > 500) return null;
  let claims: z.infer<typeof CookieSchema>;
  try {
    if (!(await hmacVerify(await sessionKey(c.env.SILOOS_OPERATOR_SECRET), payload, fromBase64url(sig)))) return null;
    const parsed = CookieSchema.safeParse(JSON.parse(fromUtf8(fromBase64url(payload))));
    if (!parsed.success) return null;
    claims = parsed.data;
  } catch {
    return null;
  }
  const now = Date.now();
  if (claims.exp * 1000 < now) return null;
  // The row, not the cookie, decides: revoked, expired or removed operators are out; the role is today's.
  const row = await c.env.DB.prepare(
    "SELECT o.id AS id, o.display_name AS name, o.role AS role FROM operator_sessions s JOIN operators o ON o.id = s.operator_id WHERE s.id = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2",
  )
    .bind(claims.sid, now)
    .first<{ id: string; name: string; role: string }>();
  return row ? { sid: claims.sid, sub: row.id, name: row.name, role: row.role } : null;
}

/** No console without a live session; no state change without the console header. */
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
