import compiled from "./registry.generated.json" with { type: "json" };
import { type AgentEntry, type Registry, RegistrySchema, type RoleEntry, type Template } from "./schema.ts";

export * from "./schema.ts";

/**
 * The organisation's registry, compiled from agents/<name>/ at build time
 * (npm run build:registry). Bundled into the router and the proxy: nothing an
 * agent says at run time can change it.
 */
export const registry: Registry = RegistrySchema.parse(compiled);

export function findAgent(reg: Registry, name: string): AgentEntry | undefined {
  return reg.agents.find((a) => a.name === name);
}

export function agentForIntent(reg: Registry, intent: string): AgentEntry | undefined {
  return reg.agents.find((a) => a.intents.includes(intent));
}

export function findTemplate(reg: Registry, name: string): Template | undefined {
  return reg.templates.find((t) => t.name === name);
}

export function findRole(reg: Registry, name: string): RoleEntry | undefined {
  return reg.roles.find((r) => r.name === name);
}
