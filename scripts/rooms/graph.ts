import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/**
 * The import graph of src/ by folder, read from the modules' import
 * statements with TypeScript's own scanner (comments and strings are not
 * imports; `import type`, re-exports and dynamic imports are). An edge A -> B
 * means a module directly in folder A imports one directly in folder B. Type
 * imports count: a type names what a folder depends on as much as a value.
 * Unit tests (*.test.ts) are left out: they test a room, they are not in it.
 */
export interface ImportGraph {
  /** Folders (or rooms), relative to src/: "router", "router/console". */
  nodes: string[];
  /** node -> the nodes it imports (itself excluded). */
  edges: Map<string, Set<string>>;
  /** "from -> to" -> the first import that makes the edge, for messages. */
  examples: Map<string, string>;
}

export function folderGraph(srcDir: string): ImportGraph {
  const root = resolve(srcDir);
  const files = modules(root);
  const folderOf = (path: string) => relative(root, dirname(path)).split(sep).join("/");
  const nodes = [...new Set(files.map(folderOf))].sort();
  const edges = new Map<string, Set<string>>(nodes.map((n) => [n, new Set<string>()]));
  const examples = new Map<string, string>();
  for (const file of files) {
    const from = folderOf(file);
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(root + sep)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      edges.get(from)?.add(to) ?? edges.set(from, new Set([to]));
      const key = `${from} -> ${to}`;
      if (!examples.has(key)) examples.set(key, `src/${relative(root, file).split(sep).join("/")} imports ${spec}`);
    }
  }
  return { nodes, edges, examples };
}

/** The room a folder belongs to: itself if the map lists it, else its nearest listed ancestor. */
export function roomOf(folder: string, rooms: readonly string[]): string | undefined {
  for (let f = folder; f !== ""; f = f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : "") {
    if (rooms.includes(f)) return f;
  }
  return undefined;
}

/** The folder graph seen room by room; folders that no listed room covers come back apart. */
export function roomGraph(folders: ImportGraph, rooms: readonly string[]): { graph: ImportGraph; homeless: string[] } {
  const homeless = folders.nodes.filter((f) => roomOf(f, rooms) === undefined);
  const edges = new Map<string, Set<string>>(rooms.map((r) => [r, new Set<string>()]));
  const examples = new Map<string, string>();
  for (const [from, tos] of folders.edges) {
    const a = roomOf(from, rooms);
    for (const to of tos) {
      const b = roomOf(to, rooms);
      if (!a || !b || a === b) continue;
      edges.get(a)!.add(b);
      if (!examples.has(`${a} -> ${b}`)) examples.set(`${a} -> ${b}`, folders.examples.get(`${from} -> ${to}`)!);
    }
  }
  return { graph: { nodes: [...rooms].sort(), edges, examples }, homeless };
}

/** Every cycle, as a strongly connected component of more than one node (Tarjan), sorted. */
export function cycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = stack.splice(stack.indexOf(v));
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.nodes) if (!index.has(node)) visit(node);
  return found;
}

/** One shortest way round a cycle, for a message: a -> b -> … -> a, each step with the import that makes it. */
export function cyclePath(graph: ImportGraph, component: readonly string[]): string[] {
  const start = component[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.edges.get(v) ?? []) {
      if (!component.includes(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start].slice(1).map((to, i) => graph.examples.get(`${[...path, start][i]} -> ${to}`)!);
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [];
}

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return modules(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}
