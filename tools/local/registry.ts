/**
 * Compiles the organisation's registry from agent folders (Node side, at
 * build time). The folder is the request; this compiler checks it and the
 * output is the grant the router mints from.
 */
import { access, readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { findCapability } from "../../src/contracts/capabilities.ts";
import {
  AgentConfigSchema,
  type AgentEntry,
  bindingFor,
  type Registry,
  RegistrySchema,
  RoleConfigSchema,
  type Template,
  TemplateSchema,
} from "../../src/registry/schema.ts";
import { compileToolCatalog } from "../../src/registry/tools.ts";

export async function agentDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
  const withConfig = await Promise.all(dirs.map(async (d) => ((await exists(join(d, "config.yaml"))) ? d : null)));
  return withConfig.filter((d): d is string => d !== null).sort();
}

export async function compileRegistry(
  dirs: readonly string[],
  rolesDir = join(import.meta.dirname, "../../humans"),
): Promise<Registry> {
  const agents: AgentEntry[] = [];
  const templates: Template[] = [];
  for (const dir of dirs) {
    const { agent, owned } = await compileAgent(dir);
    agents.push(agent);
    templates.push(...owned);
  }
  const names = new Set(agents.map((a) => a.name));
  for (const a of agents) {
    for (const t of a.escalation) {
      if (!t.startsWith("human:") && !names.has(t))
        throw new Error(`${a.name}: escalation target ${t} is not an agent in the registry`);
    }
  }
  const dupes = templates.map((t) => t.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (dupes.length) throw new Error(`template names must be unique across agents: ${dupes.join(", ")}`);
  const roles = await compileRoles(rolesDir);
  for (const r of roles) {
    for (const t of findCapability(r.caps, "email.send")?.templates ?? []) {
      if (!templates.some((x) => x.name === t))
        throw new Error(`role ${r.name}: email template ${t} is not approved in any agent folder`);
    }
  }
  return RegistrySchema.parse({ agents, templates, roles, tools: compileToolCatalog() });
}

async function compileAgent(dir: string): Promise<{ agent: AgentEntry; owned: Template[] }> {
  const config = AgentConfigSchema.parse(parseYaml(await readFile(join(dir, "config.yaml"), "utf8")));
  if (config.name !== basename(dir))
    throw new Error(`${dir}: config.yaml name ${config.name} must match the folder name`);
  // Revealing a real value is for people (humans/<role>.yaml): an agent's grant never holds it.
  if (findCapability(config.base_keys, "pii.reveal"))
    throw new Error(`${config.name}: pii.reveal is for people (humans/<role>.yaml), never in an agent's grant`);
  const instructions = await readFile(join(dir, "instructions.md"), "utf8");
  const owned = await readTemplates(join(dir, "templates"), config.name);
  const email = findCapability(config.base_keys, "email.send");
  for (const t of email?.templates ?? []) {
    if (!owned.some((o) => o.name === t))
      throw new Error(`${config.name}: email template ${t} has no file in templates/`);
  }
  const escalate = findCapability(config.base_keys, "escalate");
  for (const t of config.escalation) {
    if (!escalate?.targets.includes(t))
      throw new Error(`${config.name}: escalation to ${t} needs an escalate grant naming it`);
  }
  return {
    agent: {
      name: config.name,
      description: config.description,
      binding: bindingFor(config.name),
      intents: config.intents,
      model: config.model,
      caps: config.base_keys,
      escalation: config.escalation,
      ...(config.rate_limits ? { rateLimits: config.rate_limits } : {}),
      instructions,
    },
    owned,
  };
}

/** humans/<role>.yaml: what a human operator of each role may do. */
async function compileRoles(dir: string) {
  if (!(await exists(dir))) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith(".yaml")).sort();
  return Promise.all(
    files.map(async (file) => {
      const config = RoleConfigSchema.parse(parseYaml(await readFile(join(dir, file), "utf8")));
      if (`${config.role}.yaml` !== file)
        throw new Error(`${dir}/${file}: role ${config.role} must match the file name`);
      return { name: config.role, description: config.description, caps: config.base_keys };
    }),
  );
}

/** templates/<name>.md with a YAML front matter: subject and variables. */
async function readTemplates(dir: string, owner: string): Promise<Template[]> {
  if (!(await exists(dir))) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith(".md")).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(dir, file), "utf8");
      const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!m?.[1] || m[2] === undefined) throw new Error(`${dir}/${file}: missing front matter`);
      const front = parseYaml(m[1]) as Record<string, unknown>;
      // `variables: { name: name, amount: amount }` declares each variable's type; a plain list means free text.
      const declared = front.variables ?? [];
      const types = Array.isArray(declared) ? {} : (declared as Record<string, unknown>);
      const variables = Array.isArray(declared) ? declared : Object.keys(types);
      return TemplateSchema.parse({
        name: file.slice(0, -3),
        owner,
        subject: front.subject,
        variables,
        types,
        effect: front.effect,
        body: `${m[2].trim()}\n`,
      });
    }),
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
