import type { Registry } from "../../src/registry/schema.ts";

const BEGIN = "# BEGIN AGENT BINDINGS";
const END = "# END AGENT BINDINGS";

/**
 * Rewrite the router's agent service bindings from the registry: the
 * top-level block and one block per wrangler environment
 * (`# BEGIN AGENT BINDINGS staging` … → `[[env.staging.services]]`), since
 * wrangler does not let environments inherit service bindings.
 */
export function routerAgentBindings(toml: string, registry: Registry): string {
  if (!toml.includes(BEGIN) || !toml.includes(END)) throw new Error("wrangler.toml lacks the AGENT BINDINGS markers");
  return toml.replace(
    /# BEGIN AGENT BINDINGS( [a-z]+)?\n[\s\S]*?# END AGENT BINDINGS/g,
    (_all, env: string | undefined) => {
      const table = env ? `env.${env.trim()}.services` : "services";
      const block = registry.agents
        .map((a) => `[[${table}]]\nbinding = "${a.binding}"\nservice = "${a.name}"\n`)
        .join("\n");
      return `${BEGIN}${env ?? ""}\n${block}${END}`;
    },
  );
}
