/**
 * Worker code type-checks without Node's types (tsconfig.workers.json), so a
 * Worker that imports `node:fs` fails `npm run typecheck`
 * instead of failing at deploy or, worse, in production. Node tooling
 * (tsconfig.node.json) keeps them.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../tools/local/system.ts";

/** Node scripts that live beside Worker code (and are never bundled into one). */
const NODE_ONLY_IN_SRC = ["src/scan/lexicon/build.ts"];

function parse(config: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`${config}: unreadable`);
  return parsed;
}

/** Type-checks one in-memory file under a config's options; returns its diagnostic codes. */
function check(config: string, source: string): number[] {
  const { options } = parse(config);
  const file = join(ROOT, "src/__probe__.ts");
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]
    .filter((d) => d.file?.fileName === file)
    .map((d) => d.code);
}

// Node's modules, by both spellings. (`process` and `Buffer` are declared, as
// `any`, by the Workers types themselves: they exist in workerd.)
const PROBE = [
  `import { readFileSync } from "node:fs";`,
  `import { join } from "path";`,
  `export const leak: string = readFileSync(join("/etc", "passwd"), "utf8");`,
].join("\n");

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.endsWith(".test.ts") && !f.includes("node_modules"))
    .map((f) => join(dir, f));
}

describe("Worker code has no Node types", () => {
  it("a Worker module importing node:fs or path fails typecheck", () => {
    // 2307: Cannot find module 'node:fs' / 'path'.
    expect(check("tsconfig.workers.json", PROBE)).toEqual([2307, 2307]);
  });

  it("the same module type-checks as Node tooling (the probe is not broken)", () => {
    expect(check("tsconfig.node.json", PROBE)).toEqual([]);
  });

  it("every Worker source file is in the Workers program (none escapes to the Node one)", () => {
    const included = new Set(parse("tsconfig.workers.json").fileNames.map((f) => relative(ROOT, f)));
    const workerFiles = [...tsFiles("src"), ...tsFiles("agents"), ...tsFiles("test/fixtures")].filter(
      (f) => !NODE_ONLY_IN_SRC.includes(f),
    );
    expect(workerFiles.filter((f) => !included.has(f))).toEqual([]);
    expect(workerFiles.length).toBeGreaterThan(50);
  });
});
