import { z } from "zod";

/**
 * In-cell rate limits, declared per agent in its config.yaml (`rate_limits`)
 * and compiled into the registry. Per task: totals over the task's life; per
 * agent: per minute, across all of its tasks. A principal with no declaration
 * (a human operator, an agent compiled before this field) gets the defaults.
 */
const count = z.number().int().positive().max(1_000_000);

export const RateLimitsSchema = z
  .object({
    perTask: z
      .object({
        /** Proxy calls, allowed or refused: also the ceiling on the task's audit rows from the proxy. */
        calls: count,
        replies: count,
        /** Tokens the task's vault may hold: text an agent writes mints tokens. */
        vaultTokens: count,
      })
      .strict(),
    perAgent: z.object({ callsPerMinute: count, repliesPerMinute: count }).strict(),
  })
  .strict();
export type RateLimits = z.infer<typeof RateLimitsSchema>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perTask: { calls: 300, replies: 30, vaultTokens: 2000 },
  perAgent: { callsPerMinute: 3000, repliesPerMinute: 600 },
};
