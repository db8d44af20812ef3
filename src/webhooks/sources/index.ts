import { helpdesk } from "./helpdesk.ts";
import type { WebhookSource } from "./source.ts";

/**
 * Every webhook source SiloOS accepts. A source is live only when it is listed
 * here AND has a secret in SILOOS_WEBHOOK_SECRETS (docs/webhooks.md).
 */
export const WEBHOOK_SOURCES: ReadonlyMap<string, WebhookSource> = new Map([helpdesk].map((s) => [s.name, s]));
