/**
 * npm run rooms: the rooms of src/ as the code has them, against the map at
 * the top of docs/architecture.md. Prints each room's "may import" cell as
 * the code has it (paste it into the map after a change), the differences,
 * and every cycle, between rooms and between folders at any depth.
 * test/the-rooms-match-the-map.test.ts is the check; this is the view.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cyclePath, cycles, folderGraph, roomGraph } from "./rooms/graph.ts";
import { mayImportCell, readRoomMap } from "./rooms/map.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const map = readRoomMap(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"));
const folders = folderGraph(join(ROOT, "src"));
const { graph, homeless } = roomGraph(
  folders,
  map.map((r) => r.room),
);

console.log("room | may import (as the code has it)");
for (const room of map) {
  const cell = mayImportCell(graph.edges.get(room.room) ?? []);
  console.log(
    `\`${room.room}\` | ${cell}${cell === mayImportCell(room.mayImport) ? "" : `   <- the map says ${mayImportCell(room.mayImport)}`}`,
  );
}
for (const f of homeless) console.log(`src/${f || "."}: belongs to no room on the map`);
for (const c of cycles(graph)) console.log(`cycle between rooms ${c.join(" <-> ")}: ${cyclePath(graph, c).join("; ")}`);
// Inside a room too, at any depth: a Worker's entry imports its parts, never the other way round.
for (const c of cycles(folders))
  console.log(`cycle between folders ${c.join(" <-> ")}: ${cyclePath(folders, c).join("; ")}`);
