/**
 * The map of the rooms: the table at the top of docs/architecture.md, under
 * "## The rooms". Each row names a room (a folder under src/, in backticks),
 * says what it is, and lists the rooms it may import (in backticks, or
 * "nothing"). test/the-rooms-match-the-map.test.ts holds the code to it.
 */
export interface Room {
  room: string;
  what: string;
  mayImport: string[];
}

export const MAP_HEADING = "## The rooms";

export function readRoomMap(markdown: string): Room[] {
  const start = markdown.indexOf(`\n${MAP_HEADING}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "${MAP_HEADING}" section`);
  const section = markdown.slice(start + MAP_HEADING.length + 2).split(/\n## /)[0]!;
  const rows = section.split("\n").filter((line) => /^\|\s*`/.test(line));
  if (rows.length === 0) throw new Error(`the "${MAP_HEADING}" section has no table rows`);
  return rows.map((line) => {
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 3)
      throw new Error(`a row of the room map needs 3 cells (room, what it is, may import): ${line}`);
    const [room, what, imports] = cells as [string, string, string];
    return {
      room: room.replace(/`/g, ""),
      what,
      mayImport: imports === "nothing" ? [] : [...imports.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
    };
  });
}

/** The "may import" cell the code has today, for a room: what to write in the map. */
export function mayImportCell(imports: Iterable<string>): string {
  const sorted = [...imports].sort();
  return sorted.length === 0 ? "nothing" : sorted.map((r) => `\`${r}\``).join(", ");
}
