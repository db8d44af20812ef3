import { sha256Hex } from "../crypto/encoding.ts";

/**
 * How many widget sessions may open in an hour: per identity token (so one
 * leaked or replayed token cannot use up its customer's sessions for every
 * other page that customer has open) and per customer of a site. Both are
 * checked and the row written in one conditional INSERT … SELECT … WHERE:
 * D1 runs a statement alone, so N concurrent opens never exceed either limit.
 */
export const SESSIONS_PER_IDENTITY_PER_HOUR = 5;
export const SESSIONS_PER_CUSTOMER_PER_HOUR = 20;
const HOUR_MS = 3_600_000;

export interface NewWidgetSession {
  id: string;
  site: string;
  customerId: string;
  identityDigest: string;
  now: number;
}

/** Inserts the session row if both limits allow it; false when either is reached. */
export async function openWithinQuota(db: D1Database, s: NewWidgetSession): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO widget_sessions (id, site, customer_id, task_id, created_at, window_start, window_count, identity_digest)
       SELECT ?1, ?2, ?3, NULL, ?4, ?4, 0, ?5
       WHERE (SELECT count(*) FROM widget_sessions WHERE site = ?2 AND customer_id = ?3 AND created_at > ?4 - ?6) < ?7
         AND (SELECT count(*) FROM widget_sessions WHERE identity_digest = ?5 AND created_at > ?4 - ?6) < ?8`,
    )
    .bind(
      s.id,
      s.site,
      s.customerId,
      s.now,
      s.identityDigest,
      HOUR_MS,
      SESSIONS_PER_CUSTOMER_PER_HOUR,
      SESSIONS_PER_IDENTITY_PER_HOUR,
    )
    .run();
  return res.meta.changes === 1;
}

/** SHA-256 of the identity token: names it without storing a bearer credential. */
export function identityDigest(token: string): Promise<string> {
  return sha256Hex(token);
}
