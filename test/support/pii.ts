/** Every real value in the demo data, in the spellings an agent or a provider could meet. */
export async function demoPii(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name, email, phone, address FROM customers")
    .all<Record<string, string>>();
  const values = new Set<string>(["4111 1111 1111 1111", "4111111111111111"]);
  for (const c of results) {
    for (const v of [c.name!, c.email!, c.phone!, c.address!]) values.add(v);
    for (const part of c.name!.split(/\s+/)) if (part.length >= 3) values.add(part);
    values.add(c.phone!.replace(/\D/g, ""));
    values.add(c.address!.split(",")[0]!);
  }
  return [...values];
}

/** The values found in `haystack` as whole words, case-insensitive ("Ana" does not match "manager"). */
export function leakedValues(haystack: string, values: readonly string[]): string[] {
  return values.filter((v) =>
    new RegExp(`(^|[^\\p{L}\\p{N}])${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}])`, "iu").test(
      haystack,
    ),
  );
}
