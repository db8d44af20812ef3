import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export type Db = DrizzleD1Database<typeof schema>;

/**
 * One drizzle instance per D1 binding: building one walks the whole schema
 * (extractTablesRelationalConfig), which every request would otherwise repeat.
 * The instance holds nothing but the binding, so sharing it across requests
 * changes nothing; a binding that is collected takes its instance with it.
 */
const instances = new WeakMap<D1Database, Db>();

export function database(d1: D1Database): Db {
  // Not an object (a missing binding): no cache key; built as before, fails on first use as before.
  if (typeof d1 !== "object" || d1 === null) return drizzle(d1, { schema });
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    instances.set(d1, db);
  }
  return db;
}

export { schema };
