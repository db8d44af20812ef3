import type { Escalation, VaultMeta } from "./vault.ts";

/**
 * Who holds the task and how it came to: the task's meta (one row, table
 * `task_meta`) and its escalations between agents (table `escalations`, a
 * row each, oldest first), in the Vault's SQLite storage (src/vault/schema.ts).
 * A hand-off changes both in one transaction, so the proxy never sees a new
 * holder without the grant it must be held to.
 */
interface MetaRow extends Record<string, SqlStorageValue> {
  task_id: string;
  principal: string;
  jtis: string;
  scope: string;
  created_at: number;
  expires_at: number;
}

export class MetaStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  read(): VaultMeta | undefined {
    const r = this.#sql
      .exec<MetaRow>("SELECT task_id, principal, jtis, scope, created_at, expires_at FROM task_meta WHERE id = 1")
      .toArray()[0];
    if (!r) return undefined;
    return {
      taskId: r.task_id,
      principal: r.principal,
      jtis: JSON.parse(r.jtis) as string[],
      scope: JSON.parse(r.scope) as VaultMeta["scope"],
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    };
  }

  write(meta: VaultMeta): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO task_meta (id, task_id, principal, jtis, scope, created_at, expires_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
      meta.taskId,
      meta.principal,
      JSON.stringify(meta.jtis),
      JSON.stringify(meta.scope),
      meta.createdAt,
      meta.expiresAt,
    );
  }

  escalations(): Escalation[] {
    return this.#sql
      .exec<{ from_principal: string; caps: string }>("SELECT from_principal, caps FROM escalations ORDER BY n")
      .toArray()
      .map((r) => ({ from: r.from_principal, caps: JSON.parse(r.caps) as Escalation["caps"] }));
  }

  addEscalation(e: Escalation): void {
    this.#sql.exec("INSERT INTO escalations (from_principal, caps) VALUES (?, ?)", e.from, JSON.stringify(e.caps));
  }
}
