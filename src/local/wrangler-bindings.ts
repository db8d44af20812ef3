import type { Registry } from "../registry/schema.ts";

const BEGIN = "# BEGIN AGENT BINDINGS";
const END = "# END AGENT BINDINGS";

/** Rewrite the router's agent service bindings from the registry. */
export function routerAgentBindings(toml: string, registry: Registry): string {
  const start = toml.indexOf(BEGIN);
  const end = toml.indexOf(END);
  if (start < 0 || end < start) throw new Error("wrangler.toml lacks the AGENT BINDINGS markers");
  const block = registry.agents.map((a) => `[[services]]\nbinding = "${a.binding}"\nservice = "${a.name}"\n`).join("\n");
  return `${toml.slice(0, start)}${BEGIN}\n${block}${toml.slice(end)}`;
}
