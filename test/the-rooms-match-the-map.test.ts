/**
 * The tree is the architecture, and docs/architecture.md opens with its map:
 * each room (a folder under src/: a Worker or a module), what it is, and the
 * rooms it may import. This test builds the import graph of src/ from the
 * import statements and holds it to the map: no room imports a room that
 * imports it back, no folder at any depth imports a folder that imports it
 * back (a Worker's entry imports its parts, its parts never import the entry
 * or each other both ways), no room imports what the map does not allow, and
 * the map names every room there is and no room that is not (`npm run rooms`
 * prints what the code has).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { cyclePath, cycles, folderGraph, roomGraph } from "../scripts/rooms/graph.ts";
import { mayImportCell, readRoomMap } from "../scripts/rooms/map.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const map = readRoomMap(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"));
const folders = folderGraph(join(ROOT, "src"));
const { graph, homeless } = roomGraph(
  folders,
  map.map((r) => r.room),
);

describe("the rooms match the map", () => {
  it("the map names every folder's room, and each room it names exists", () => {
    expect(homeless.map((f) => `src/${f || "."} belongs to no room on the map`)).toEqual([]);
    const missing = map.filter((r) => !folders.nodes.some((f) => f === r.room || f.startsWith(`${r.room}/`)));
    expect(missing.map((r) => `the map lists ${r.room}, but src/${r.room} holds no module`)).toEqual([]);
    expect(map.map((r) => r.room).filter((r, i, all) => all.indexOf(r) !== i)).toEqual([]);
  });

  it("no room imports a room that imports it back", () => {
    expect(cycles(graph).map((c) => `${c.join(" <-> ")}: ${cyclePath(graph, c).join("; ")}`)).toEqual([]);
  });

  it("no folder, at any depth, imports a folder that imports it back", () => {
    expect(cycles(folders).map((c) => `${c.join(" <-> ")}: ${cyclePath(folders, c).join("; ")}`)).toEqual([]);
  });

  it("each room imports what the map allows, and the map allows what it imports", () => {
    for (const room of map) {
      const has = graph.edges.get(room.room) ?? new Set<string>();
      const unlisted = [...has]
        .filter((to) => !room.mayImport.includes(to))
        .map((to) => `${graph.examples.get(`${room.room} -> ${to}`)}: ${room.room} may not import ${to}`);
      const stale = room.mayImport
        .filter((to) => !has.has(to))
        .map(
          (to) =>
            `the map lets ${room.room} import ${to}, which it does not: its cell should read ${mayImportCell(has)}`,
        );
      expect([...unlisted, ...stale], room.room).toEqual([]);
    }
  });
});

describe("the checker sees what it checks", () => {
  /** A throwaway src/ tree: path -> source. */
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "rooms-"));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    return dir;
  }

  it("finds a cycle through type imports, re-exports and sub-folders, and not in comments", () => {
    const dir = tree({
      "a/index.ts": `import type { B } from "../b/deep/b.ts";\n// import { c } from "../c/c.ts";\nexport type A = B;`,
      "b/deep/b.ts": `export { a } from "../../a/index.ts";\nexport type B = 1;`,
      "c/c.ts": `const s = "from '../a/index.ts'"; export const c = s;`,
      "c/c.test.ts": `import { a } from "../a/index.ts";`,
    });
    const rooms = roomGraph(folderGraph(dir), ["a", "b", "c"]);
    expect(cycles(rooms.graph)).toEqual([["a", "b"]]);
    expect(cyclePath(rooms.graph, ["a", "b"])).toEqual([
      "src/a/index.ts imports ../b/deep/b.ts",
      "src/b/deep/b.ts imports ../../a/index.ts",
    ]);
    expect([...rooms.graph.edges.get("c")!]).toEqual([]);
    expect(roomGraph(folderGraph(dir), ["a", "b"]).homeless).toEqual(["c"]);
  });

  it("finds a cycle between a room's root and its sub-folders, and between sub-folders", () => {
    const dir = tree({
      "a/index.ts": `import { part } from "./parts/part.ts";\nexport const env = part;`,
      "a/parts/part.ts": `import type { Env } from "../env.ts";\nexport const part = 1;`,
      "a/env.ts": `export type Env = 1;`,
      "a/x/x.ts": `import { y } from "../y/y.ts"; export const x = y;`,
      "a/y/y.ts": `import type { X } from "../x/deep/t.ts"; export const y = 1;`,
      "a/x/deep/t.ts": `export type X = 1;`,
    });
    const folders = folderGraph(dir);
    expect(cycles(roomGraph(folders, ["a"]).graph)).toEqual([]);
    expect(cycles(folders)).toEqual([["a", "a/parts"]]);
    expect(cyclePath(folders, ["a", "a/parts"])).toEqual([
      "src/a/index.ts imports ./parts/part.ts",
      "src/a/parts/part.ts imports ../env.ts",
    ]);
    // x -> y -> x/deep is no cycle: a folder and its sub-folder are apart.
    expect(cycles(folders).flat()).not.toContain("a/x");
  });
});
