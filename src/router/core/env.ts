import { z } from "zod";
import type { AgentService } from "../../contracts/agent.ts";
import type { RouterGate } from "../../proxy/index.ts";

/**
 * Everything the router can touch: the bindings and vars of wrangler.toml as
 * `wrangler types` reads them (RouterBindings, worker-env.generated.d.ts,
 * `npm run types`), narrowed where the generated type is too loose, plus what
 * no config lists: secrets (wrangler secret put; .dev.vars locally) and
 * optional vars.
 */
export interface RouterEnv extends Omit<RouterBindings, "PROXY" | `AGENT_${string}`> {
  /** Generated as an untyped Service: the RPC methods are RouterGate's. */
  PROXY: Service<RouterGate>;
  /**
   * Agent bindings, named by the registry (AGENT_<NAME>, npm run build:registry).
   * Generated as plain Fetchers, one per agent of today's registry; the router
   * looks them up by name and calls run() over RPC, and a missing one fails closed.
   */
  [binding: `AGENT_${string}`]: Service<AgentService & Rpc.WorkerEntrypointBranded> | undefined;
  SILOOS_API_KEY: string;
  SILOOS_ADMIN_KEY: string;
  SILOOS_SIGNING_KEYS: string;
  /** Keys the audit log's hash chain (src/audit/seal.ts). */
  SILOOS_AUDIT_KEY: string;
  /** Signs operator session cookies, and nothing else. */
  SILOOS_OPERATOR_SECRET: string;
  /** Signs widget session tokens, and nothing else (required once SILOOS_WIDGET_SITES is set). */
  SILOOS_WIDGET_SECRET?: string;
  /** How long a finished run's row stays in its TaskRun shard, in seconds (default 86400). */
  SILOOS_RUN_KEEP_SECONDS?: string;
  /** How long one agent invocation may take (default 120). */
  SILOOS_AGENT_TIMEOUT_SECONDS?: string;
  /** JSON object: webhook source → signing secret (or a list while rotating). Unset = no webhooks. */
  SILOOS_WEBHOOK_SECRETS?: string;
  /** Sites allowed to embed the chat widget (JSON, see src/widget/sites.ts). */
  SILOOS_WIDGET_SITES?: string;
  /** Cloudflare Access for operators: the team domain (https://<team>.cloudflareaccess.com) and the app's audience tag. */
  SILOOS_ACCESS_TEAM_DOMAIN?: string;
  SILOOS_ACCESS_AUD?: string;
  /** The router's public URL, for /openapi.json's servers (never the request's Host). */
  SILOOS_PUBLIC_URL?: string;
  /** Window of the edge refusal counts (default 60 s). */
  SILOOS_EDGE_WINDOW_SECONDS?: string;
}

const ConfigSchema = z
  .object({
    SILOOS_API_KEY: z.string().min(16, "SILOOS_API_KEY must be at least 16 characters"),
    SILOOS_ADMIN_KEY: z.string().min(16, "SILOOS_ADMIN_KEY must be at least 16 characters"),
    SILOOS_SIGNING_KEYS: z.string().min(1, "SILOOS_SIGNING_KEYS is not set"),
    SILOOS_AUDIT_KEY: z.string().min(32, "SILOOS_AUDIT_KEY must be at least 32 characters"),
    SILOOS_TASK_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    SILOOS_OPERATOR_SECRET: z.string().optional(),
    SILOOS_WIDGET_SITES: z.string().optional(),
    SILOOS_WIDGET_SECRET: z.string().min(32, "SILOOS_WIDGET_SECRET must be at least 32 characters").optional(),
  })
  .superRefine((env, ctx) => {
    // One secret per purpose: a widget without its own secret is refused, never signed with another.
    if (env.SILOOS_WIDGET_SITES && !env.SILOOS_WIDGET_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SILOOS_WIDGET_SECRET"],
        message: "SILOOS_WIDGET_SECRET must be set when SILOOS_WIDGET_SITES is",
      });
    }
    if (env.SILOOS_WIDGET_SECRET && env.SILOOS_WIDGET_SECRET === env.SILOOS_OPERATOR_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SILOOS_WIDGET_SECRET"],
        message: "SILOOS_WIDGET_SECRET must differ from SILOOS_OPERATOR_SECRET",
      });
    }
  });
export type RouterConfig = z.infer<typeof ConfigSchema>;

// Keyed by the env object itself: a derived string key would have to repeat
// every secret, and would miss the ones it forgot.
const cache = new WeakMap<RouterEnv, RouterConfig>();

/** Parsed once per env (per isolate); a missing secret fails loudly with its name. */
export function routerConfig(env: RouterEnv): RouterConfig {
  let config = cache.get(env);
  if (!config) {
    const parsed = ConfigSchema.safeParse(env);
    if (!parsed.success) {
      throw new Error(
        `router misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}

const WebhookSecretsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "source names are lowercase words"),
  z.union([
    z.string().min(16, "secrets must be at least 16 characters"),
    z.array(z.string().min(16, "secrets must be at least 16 characters")).min(1).max(3),
  ]),
);
/** Source → its current secrets (several while rotating). */
export type WebhookSecrets = ReadonlyMap<string, readonly string[]>;

const webhookCache = new Map<string, WebhookSecrets>();

/** Parsed once per isolate; a malformed value fails every webhook loudly, never naming a secret. */
export function webhookSecrets(env: RouterEnv): WebhookSecrets {
  const raw = env.SILOOS_WEBHOOK_SECRETS ?? "{}";
  let secrets = webhookCache.get(raw);
  if (!secrets) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error("router misconfigured: SILOOS_WEBHOOK_SECRETS is not valid JSON");
    }
    const parsed = WebhookSecretsSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `router misconfigured: SILOOS_WEBHOOK_SECRETS: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    secrets = new Map(Object.entries(parsed.data).map(([source, s]) => [source, typeof s === "string" ? [s] : s]));
    webhookCache.set(raw, secrets);
  }
  return secrets;
}
