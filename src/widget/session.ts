import { z } from "zod";
import { fromBase64url, fromUtf8, toBase64url, utf8 } from "../crypto/encoding.ts";
import { hmacSign, hmacVerify, purposeKey } from "../crypto/hmac.ts";

/**
 * A widget session token, signed by the router with SILOOS_WIDGET_SECRET
 * (its own secret: an operator's secret or cookie is no widget session, and a
 * widget token is no operator session): which site, which customer, which
 * session row. The page keeps it (localStorage) to resume after a reload.
 */
const SessionSchema = z.object({ sid: z.string(), site: z.string(), customer: z.string(), exp: z.number() });
export type WidgetSession = z.infer<typeof SessionSchema>;

/** Two hours (was 24): a leaked token is useful for less; the page opens a new session with a fresh identity. */
export const SESSION_TTL_SECONDS = 2 * 3600;

export async function signSession(secret: string, s: WidgetSession): Promise<string> {
  const body = toBase64url(utf8(JSON.stringify(s)));
  return `${body}.${toBase64url(await hmacSign(await purposeKey(secret, "widget-session"), body))}`;
}

export async function readSession(
  secret: string,
  token: string | undefined,
  now = Date.now(),
): Promise<WidgetSession | null> {
  const [body, sig] = token?.split(".") ?? [];
  if (!body || !sig || body.length > 2000) return null;
  try {
    if (!(await hmacVerify(await purposeKey(secret, "widget-session"), body, fromBase64url(sig)))) return null;
    const parsed = SessionSchema.safeParse(JSON.parse(fromUtf8(fromBase64url(body))));
    return parsed.success && parsed.data.exp * 1000 > now ? parsed.data : null;
  } catch {
    return null;
  }
}
