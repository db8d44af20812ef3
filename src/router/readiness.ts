/**
 * Ready means the schema is there: every table the code declares
 * (src/db/schema.ts) exists in D1. Until the migrations are applied /healthz
 * says 503, so nothing that waits for it sends work to a half-built database.
 */
import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../db/schema.ts";

const TABLES: readonly string[] = (Object.values(schema) as unknown[])
  .filter((v): v is SQLiteTable => is(v, SQLiteTable))
  .map((t) => getTableName(t));

/** The tables the code declares that D1 does not have (empty = migrated). */
export async function missingTables(db: D1Database): Promise<string[]> {
  const placeholders = TABLES.map(() => "?").join(", ");
  const { results } = await db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${placeholders})`)
    .bind(...TABLES)
    .all<{ name: string }>();
  const present = new Set(results.map((r) => r.name));
  return TABLES.filter((t) => !present.has(t));
}
