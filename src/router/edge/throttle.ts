import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";

/**
 * The sign-in throttle. Every attempt takes a slot *before* the password is
 * checked, in one D1 batch of two conditional upserts (per account, per
 * client), so N concurrent guesses cannot all slip past the count. Over the
 * account's limit the account is locked (423 `locked`) until its window ends,
 * and the right password does not open it; over the client's limit that
 * client is refused (429 `rate_limited`). A successful sign-in clears the
 * account's count. Keys are keyed digests: no username or address in clear.
 */
export const ACCOUNT_ATTEMPTS = 5;
export const CLIENT_ATTEMPTS = 20;
export const WINDOW_MS = 15 * 60_000;

const TAKE = `INSERT INTO signin_throttle (key, window_start, attempts) VALUES (?1, ?2, 1)
  ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE attempts + 1 END,
    window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
  RETURNING attempts, window_start`;

export interface SigninSlot {
  accountAttempts: number;
}

export async function takeSigninSlot(
  env: RouterEnv,
  keys: { account: string; client: string },
  now = Date.now(),
): Promise<SigninSlot> {
  const [account, client] = await env.DB.batch<{ attempts: number; window_start: number }>([
    env.DB.prepare(TAKE).bind(`account:${keys.account}`, now, WINDOW_MS),
    env.DB.prepare(TAKE).bind(`client:${keys.client}`, now, WINDOW_MS),
  ]);
  const a = account?.results[0];
  const c = client?.results[0];
  if (!a || !c) throw new SiloError("unavailable", "the sign-in throttle is unavailable; try again");
  if (a.attempts > ACCOUNT_ATTEMPTS) {
    throw new SiloError(
      "locked",
      `too many failed sign-ins for this account; it is locked for ${minutesLeft(a.window_start, now)} more minute(s)`,
    );
  }
  if (c.attempts > CLIENT_ATTEMPTS) {
    throw new SiloError(
      "rate_limited",
      `too many sign-in attempts from this client; try again in ${minutesLeft(c.window_start, now)} minute(s)`,
    );
  }
  return { accountAttempts: a.attempts };
}

/** The right password: the account starts afresh, and this attempt does not count against the client. */
export async function releaseSigninSlot(env: RouterEnv, keys: { account: string; client: string }): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM signin_throttle WHERE key = ?1").bind(`account:${keys.account}`),
    env.DB.prepare("UPDATE signin_throttle SET attempts = max(attempts - 1, 0) WHERE key = ?1").bind(
      `client:${keys.client}`,
    ),
  ]);
}

const minutesLeft = (windowStart: number, now: number) =>
  Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 60_000));
