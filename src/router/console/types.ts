/** An audit row as stored (detail is JSON text). */
export interface AuditEntryRow {
  seq: number;
  actor: string;
  event: string;
  op: string | null;
  decision: string | null;
  detail: string | null;
}
