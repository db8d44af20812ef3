/**
 * Poll until `fn` returns a value: for work that goes on by itself (a durable
 * run's alarm, a queue consumer). Not a timing assertion: `ms` is only how
 * long to wait before calling the state never reached.
 */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 60_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
