/**
 * Applies migrations/NNNN_*.sql in order and records them in d1_migrations,
 * the same bookkeeping table `wrangler d1 migrations apply` uses.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

type D1 = D1Database;

export async function applyMigrations(db: D1, dir: string): Promise<string[]> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
  );
  const done = new Set(
    (await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map((r) => r.name),
  );
  const files = (await readdir(dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const statements = splitSql(await readFile(join(dir, file), "utf8"));
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file),
    ]);
    applied.push(file);
  }
  return applied;
}

export async function applySqlFile(db: D1, path: string): Promise<void> {
  const statements = splitSql(await readFile(path, "utf8"));
  await db.batch(statements.map((s) => db.prepare(s)));
}

/** Split on top-level semicolons, keeping trigger bodies (BEGIN … END;) whole. */
export function splitSql(sql: string): string[] {
  const lines = sql.split("\n").filter((l) => !l.trim().startsWith("--"));
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const line of lines) {
    current += `${line}\n`;
    if (/\bBEGIN\b/i.test(line)) depth++;
    if (/\bEND\s*;\s*$/i.test(line)) depth = Math.max(0, depth - 1);
    if (depth === 0 && /;\s*$/.test(line)) {
      out.push(current.trim());
      current = "";
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
