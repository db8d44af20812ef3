import type { z } from "zod";
import { parseOr400 } from "../../errors/validation.ts";

/**
 * What a webhook event becomes: who it is about (resolved to a customer id by
 * the proxy, the only reader of the CRM) and the task to start. The message is
 * raw customer text: startTask hands it to the proxy, which tokenizes it into
 * the task's vault before any agent sees it.
 */
export interface TaskDraft {
  requesterEmail: string;
  intent: string;
  message: string;
}

/** One sender of events: a payload schema and its mapping to a task. */
export interface WebhookSource {
  name: string;
  /** Validate (validation_failed on any violation) and map. */
  draft(payload: unknown): TaskDraft;
}

export function defineSource<S extends z.ZodType>(
  name: string,
  schema: S,
  toDraft: (event: z.output<S>) => TaskDraft,
): WebhookSource {
  return { name, draft: (payload) => toDraft(parseOr400(schema, payload)) };
}
