import { z } from "zod";
import { b64url, purposeKey, sign, unb64url, verify } from "./signing.ts";

/**
 * A widget session token, signed by the router: which site, which customer,
 * which session row. The page keeps it (localStorage) to resume after a reload.
 */
const SessionSchema = z.object({ sid: z.string(), site: z.string(), customer: z.string(), exp: z.number() });
export type WidgetSession = z.infer<typeof SessionSchema>;

/** Two hours (was 24): a leaked token is useful for less; the page opens a new session with a fresh identity. */
export const SESSION_TTL_SECONDS = 2 * 3600;

export async function signSession(secret: string, s: WidgetSession): Promise<string> {
  const body = b64url(new TextEncoder().encode(JSON.stringify(s)));
  return `${body}.${await sign(await purposeKey(secret, "widget-session"), body)}`;
}

export async function readSession(secret: string, token: string | undefined, now = Date.now()): Promise<WidgetSession | null> {
  const [body, sig] = token?.split(".") ?? [];
  if (!body || !sig || body.length > 2000) return null;
  if (!(await verify(await purposeKey(secret, "widget-session"), body, sig))) return null;
  try {
    const parsed = SessionSchema.safeParse(JSON.parse(new TextDecoder().decode(unb64url(body))));
    return parsed.success && parsed.data.exp * 1000 > now ? parsed.data : null;
  } catch {
    return null;
  }
}
