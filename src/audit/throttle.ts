/**
 * Audit rows per principal per minute, for events a caller can repeat at
 * will (an agent's denied fetch()es). The event is always counted exactly in
 * rate_counters; up to `perMinute` rows a minute are written, then only the
 * 10th, 100th, 1000th … past the limit, each saying how many it stands for,
 * so a flood of refusals cannot flood the append-only log.
 */
export async function shouldAudit(
  d1: D1Database,
  scope: string,
  kind: string,
  perMinute: number,
  now = Date.now(),
): Promise<{ audit: boolean; count: number }> {
  const row = await d1
    .prepare(
      "INSERT INTO rate_counters (scope, kind, period, count, refused) VALUES (?, ?, ?, 1, 0) ON CONFLICT (scope, kind, period) DO UPDATE SET count = count + 1 RETURNING count",
    )
    .bind(scope, kind, Math.floor(now / 60_000))
    .first<{ count: number }>();
  const count = row?.count ?? 1;
  return { audit: count <= perMinute || isPowerOfTen(count - perMinute), count };
}

export function isPowerOfTen(n: number): boolean {
  if (n < 1) return false;
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}
