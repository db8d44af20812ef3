/**
 * Migrate and seed a persisted local D1 before any Worker listens, so the
 * router never serves (and /healthz never says ok) on a half-built database.
 * A throwaway workerd with only the D1 binding does it; the data lands where
 * the system's own D1 of the same id will find it.
 */
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { applyMigrations, applySqlFile } from "./migrate.ts";

export async function prepareDatabase(o: {
  root: string;
  migrations: string;
  persistTo: string;
  d1Id: string;
  compatibilityDate: string;
  seed: boolean;
}): Promise<void> {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: "siloos-prepare-db",
          compatibilityDate: o.compatibilityDate,
          modules: true,
          script: "export default {}",
          d1Databases: { DB: o.d1Id },
        },
      ],
      host: "127.0.0.1",
      port: 0,
      resourcePersistencePath: o.persistTo,
    }),
  );
  try {
    await mf.ready;
    const db = (await mf.getD1Database("DB", "siloos-prepare-db")) as unknown as D1Database;
    await applyMigrations(db, o.migrations);
    if (o.seed) await applySqlFile(db, join(o.root, "seed/demo.sql"));
  } finally {
    await mf.dispose();
  }
}
