/**
 * The shapes of SiloOS ids, written once: every schema, key claim and
 * check imports these, so a task id the router mints is one the proxy and
 * the keys accept, and a customer id the API takes is one a key can scope.
 */

/** Record ids from the business systems: a prefix and 4–32 letters or digits. */
const RECORD_BODY = "[A-Za-z0-9]{4,32}";
export type RecordPrefix = "cus" | "cas" | "ord" | "ref";

/** The unanchored source of one record id, for composite patterns (a widget identity token). */
export const recordIdSource = (prefix: RecordPrefix): string => `${prefix}_${RECORD_BODY}`;
export const recordIdPattern = (prefix: RecordPrefix): RegExp => new RegExp(`^${recordIdSource(prefix)}$`);

export const CUSTOMER_ID = recordIdPattern("cus");
export const CASE_ID = recordIdPattern("cas");
export const ORDER_ID = recordIdPattern("ord");
export const REFUND_ID = recordIdPattern("ref");

/** `tsk_` and 8–40 letters or digits; the router mints `tsk_` + 24 hex (src/router/task-rows.ts). */
export const TASK_ID = /^tsk_[A-Za-z0-9]{8,40}$/;

export function isTaskId(value: unknown): value is string {
  return typeof value === "string" && TASK_ID.test(value);
}

/** Ids as they appear inside free text (a model's reply, grounding text): removed before looking for words. */
export const IDS_IN_TEXT = /\b(?:ord|cus|cas|tsk)_[A-Za-z0-9]+\b/g;
/** Order ids named inside free text (a customer's message). */
export const ORDER_IDS_IN_TEXT = new RegExp(String.raw`\b${recordIdSource("ord")}\b`, "g");
